using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>One recurrent shape of the conformance grid.</summary>
public sealed record RecurrentCase(ForecasterKind Kind, int[] HiddenSizes, int Targets, int Covariates, int Batch, int Lookback, int Horizon,
    InstanceNormalization Normalization)
{
    /// <summary>The spec: equal layer sizes use HiddenSize/Layers, different ones LayerHiddenSizes.</summary>
    public ForecasterSpec Spec => new()
    {
        Kind = Kind,
        Lookback = Lookback,
        Horizon = Horizon,
        TargetChannels = Targets,
        CovariateChannels = Covariates,
        HiddenSize = HiddenSizes[0],
        NumberOfLayers = HiddenSizes.Length,
        LayerHiddenSizes = HiddenSizes.Distinct().Count() > 1 ? HiddenSizes : null,
        Normalization = Normalization,
    };

    /// <summary>Names the shape in failure messages.</summary>
    public override string ToString()
        => $"{Kind} hidden [{string.Join(", ", HiddenSizes)}] channels {Targets}+{Covariates} batch {Batch} lookback {Lookback} horizon {Horizon} {Normalization}";
}
