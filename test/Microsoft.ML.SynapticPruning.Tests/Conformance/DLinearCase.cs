using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>One DLinear shape of the conformance grid.</summary>
public sealed record DLinearCase(int Channels, int Batch, int Lookback, int Horizon, int Kernel, InstanceNormalization? Normalization)
{
    /// <summary>The spec (dropout 0).</summary>
    public ForecasterSpec Spec => new()
    {
        Kind = ForecasterKind.DLinear,
        Lookback = Lookback,
        Horizon = Horizon,
        TargetChannels = Channels,
        MovingAverageKernel = Kernel,
        Normalization = Normalization,
    };

    /// <summary>Names the shape in failure messages.</summary>
    public override string ToString()
        => $"DLinear channels {Channels} batch {Batch} lookback {Lookback} horizon {Horizon} kernel {Kernel} {Normalization?.ToString() ?? "default"}";
}
