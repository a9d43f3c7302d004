using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// PatchTST shapes: channels 1–16, batch 1/33/256, lookbacks from 1 to 96 (every range of the automatic patch-length
/// rule in ForecasterFactory, including the overlapping 16/8 patches, plus explicit overlapping and patch = lookback), head widths
/// 1–12 with 1 to 6 heads, feed-forward widths that are and are not multiples of 8, one to three encoder layers, every
/// window normalisation. In a training pass BatchNorm needs more than one value per feature, which every shape has.
/// </summary>
internal static class PatchTstGrid
{
    public static readonly PatchTstCase[] Cases =
    {
        new(Channels: 1, Batch: 1, Lookback: 1, Horizon: 3, ModelDimension: 8, NumberOfHeads: 1, NumberOfLayers: 1, FeedForwardSize: 6, null, null, null),
        new(Channels: 3, Batch: 33, Lookback: 7, Horizon: 1, ModelDimension: 16, NumberOfHeads: 4, NumberOfLayers: 2, FeedForwardSize: 20, null, null, InstanceNormalization.None),
        new(Channels: 7, Batch: 256, Lookback: 16, Horizon: 4, ModelDimension: 12, NumberOfHeads: 3, NumberOfLayers: 1, FeedForwardSize: 64, null, null, InstanceNormalization.WindowLast),
        new(Channels: 16, Batch: 33, Lookback: 30, Horizon: 12, ModelDimension: 24, NumberOfHeads: 2, NumberOfLayers: 3, FeedForwardSize: 6, null, null, InstanceNormalization.Window),
        new(Channels: 1, Batch: 256, Lookback: 96, Horizon: 24, ModelDimension: 64, NumberOfHeads: 4, NumberOfLayers: 2, FeedForwardSize: 256, null, null, null),
        new(Channels: 3, Batch: 1, Lookback: 48, Horizon: 6, ModelDimension: 48, NumberOfHeads: 6, NumberOfLayers: 3, FeedForwardSize: 20, PatchLength: 4, Stride: 2, InstanceNormalization.None),
        new(Channels: 7, Batch: 33, Lookback: 20, Horizon: 5, ModelDimension: 20, NumberOfHeads: 5, NumberOfLayers: 2, FeedForwardSize: 12, PatchLength: 5, Stride: 3, InstanceNormalization.Window),
        new(Channels: 16, Batch: 256, Lookback: 12, Horizon: 2, ModelDimension: 16, NumberOfHeads: 2, NumberOfLayers: 1, FeedForwardSize: 16, PatchLength: 12, Stride: 12, null),
        new(Channels: 2, Batch: 33, Lookback: 64, Horizon: 8, ModelDimension: 32, NumberOfHeads: 8, NumberOfLayers: 2, FeedForwardSize: 48, null, null, InstanceNormalization.WindowLast),
        new(Channels: 1, Batch: 33, Lookback: 33, Horizon: 3, ModelDimension: 6, NumberOfHeads: 3, NumberOfLayers: 2, FeedForwardSize: 10, PatchLength: 7, Stride: 5, InstanceNormalization.None),
    };
}
