using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// DLinear shapes: channels 1–16, batch 1/33/256, lookbacks 1–336, kernels 1–25 including kernels longer than the
/// lookback (the edge replication then dominates), every window normalisation.
/// </summary>
internal static class DLinearGrid
{
    public static readonly DLinearCase[] Cases =
    {
        new(Channels: 1, Batch: 1, Lookback: 1, Horizon: 1, Kernel: 1, null),
        new(Channels: 3, Batch: 33, Lookback: 5, Horizon: 3, Kernel: 25, InstanceNormalization.Window),
        new(Channels: 7, Batch: 256, Lookback: 30, Horizon: 12, Kernel: 25, InstanceNormalization.WindowLast),
        new(Channels: 16, Batch: 33, Lookback: 96, Horizon: 24, Kernel: 25, InstanceNormalization.None),
        new(Channels: 1, Batch: 256, Lookback: 13, Horizon: 7, Kernel: 3, InstanceNormalization.Window),
        new(Channels: 16, Batch: 1, Lookback: 48, Horizon: 48, Kernel: 7, InstanceNormalization.WindowLast),
        new(Channels: 3, Batch: 33, Lookback: 2, Horizon: 5, Kernel: 5, null),
        new(Channels: 7, Batch: 1, Lookback: 336, Horizon: 96, Kernel: 25, InstanceNormalization.Window),
    };
}
