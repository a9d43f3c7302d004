using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>Reproducible float32 input windows drawn from an explicit generator.</summary>
internal static class ConformanceInputs
{
    /// <summary>
    /// (batch, lookback, channels) windows: standard normal noise plus a per-window, per-channel level and scale, so that
    /// per-window normalisation has non-trivial statistics.
    /// </summary>
    /// <remarks>
    /// A zigzag of ±0.5 (its sign chosen so that it widens the gap between the first two values) keeps every window of two
    /// or more steps away from constant. A near-constant window is ill-conditioned for RevIN: dividing by its tiny std
    /// amplifies the float32 rounding of the inputs (relative to their level), and since a recurrent model mixes channels
    /// that error reaches every output; that is the float32 model's conditioning, not a kernel error, and would only blur
    /// the tolerance.
    /// </remarks>
    public static Tensor Windows(long batch, long lookback, long channels, ulong seed)
    {
        using var generator = new Generator(seed, torch.CPU);
        var noise = torch.randn(new[] { batch, lookback, channels }, generator: generator);
        var level = torch.randn(new[] { batch, 1, channels }, generator: generator);
        var scale = torch.rand(new[] { batch, 1, channels }, generator: generator) * 1.5 + 0.5;
        if (lookback >= 2)
        {
            var widen = torch.where((noise.select(1, 0) - noise.select(1, 1)).ge(0), 1f, -1f).unsqueeze(1);            // (B, 1, C)
            var zigzag = torch.tensor(Enumerable.Range(0, (int)lookback).Select(t => t % 2 == 0 ? 0.5f : -0.5f).ToArray()).view(1, lookback, 1);
            noise = noise + zigzag * widen;
        }
        return (noise * scale + level).contiguous();
    }
}
