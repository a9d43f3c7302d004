using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>One PatchTST shape of the conformance grid (patch and stride null = the automatic choice).</summary>
public sealed record PatchTstCase(int Channels, int Batch, int Lookback, int Horizon, int ModelDimension, int NumberOfHeads, int NumberOfLayers, int FeedForwardSize,
    int? PatchLength, int? Stride, InstanceNormalization? Normalization)
{
    /// <summary>The spec (dropout 0).</summary>
    public ForecasterSpec Spec => new()
    {
        Kind = ForecasterKind.PatchTst,
        Lookback = Lookback,
        Horizon = Horizon,
        TargetChannels = Channels,
        ModelDimension = ModelDimension,
        NumberOfHeads = NumberOfHeads,
        NumberOfLayers = NumberOfLayers,
        FeedForwardSize = FeedForwardSize,
        PatchLength = PatchLength,
        Stride = Stride,
        Normalization = Normalization,
    };

    /// <summary>Names the shape in failure messages.</summary>
    public override string ToString()
        => $"PatchTST channels {Channels} batch {Batch} lookback {Lookback} horizon {Horizon} d_model {ModelDimension} heads {NumberOfHeads} layers {NumberOfLayers} "
           + $"ff {FeedForwardSize} patch {PatchLength?.ToString() ?? "auto"}/{Stride?.ToString() ?? "auto"} {Normalization?.ToString() ?? "default"}";
}
