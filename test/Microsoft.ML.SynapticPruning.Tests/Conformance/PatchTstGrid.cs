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
        new(Channels: 1, Batch: 1, Lookback: 1, Horizon: 3, DModel: 8, Heads: 1, EncoderLayers: 1, FeedForward: 6, null, null, null),
        new(Channels: 3, Batch: 33, Lookback: 7, Horizon: 1, DModel: 16, Heads: 4, EncoderLayers: 2, FeedForward: 20, null, null, InstanceNormalization.None),
        new(Channels: 7, Batch: 256, Lookback: 16, Horizon: 4, DModel: 12, Heads: 3, EncoderLayers: 1, FeedForward: 64, null, null, InstanceNormalization.WindowLast),
        new(Channels: 16, Batch: 33, Lookback: 30, Horizon: 12, DModel: 24, Heads: 2, EncoderLayers: 3, FeedForward: 6, null, null, InstanceNormalization.Window),
        new(Channels: 1, Batch: 256, Lookback: 96, Horizon: 24, DModel: 64, Heads: 4, EncoderLayers: 2, FeedForward: 256, null, null, null),
        new(Channels: 3, Batch: 1, Lookback: 48, Horizon: 6, DModel: 48, Heads: 6, EncoderLayers: 3, FeedForward: 20, PatchLength: 4, Stride: 2, InstanceNormalization.None),
        new(Channels: 7, Batch: 33, Lookback: 20, Horizon: 5, DModel: 20, Heads: 5, EncoderLayers: 2, FeedForward: 12, PatchLength: 5, Stride: 3, InstanceNormalization.Window),
        new(Channels: 16, Batch: 256, Lookback: 12, Horizon: 2, DModel: 16, Heads: 2, EncoderLayers: 1, FeedForward: 16, PatchLength: 12, Stride: 12, null),
        new(Channels: 2, Batch: 33, Lookback: 64, Horizon: 8, DModel: 32, Heads: 8, EncoderLayers: 2, FeedForward: 48, null, null, InstanceNormalization.WindowLast),
        new(Channels: 1, Batch: 33, Lookback: 33, Horizon: 3, DModel: 6, Heads: 3, EncoderLayers: 2, FeedForward: 10, PatchLength: 7, Stride: 5, InstanceNormalization.None),
    };
}
