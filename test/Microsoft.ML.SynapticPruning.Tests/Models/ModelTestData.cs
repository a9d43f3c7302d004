using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

/// <summary>Small specs and inputs shared by the model tests.</summary>
internal static class ModelTestData
{
    /// <summary>A small spec of every kind (fast on CPU).</summary>
    public static ForecasterSpec Small(ForecasterKind kind, int lookback = 16, int horizon = 4, int targets = 2, int covariates = 0) => new()
    {
        Kind = kind,
        Lookback = lookback,
        Horizon = horizon,
        TargetChannels = targets,
        CovariateChannels = covariates,
        HiddenSize = 16,
        ModelDimension = 16,
        NumberOfHeads = 4,
        NumberOfLayers = 2,
        FeedForwardSize = 32,
        MovingAverageKernel = 5,
    };

    public static IEnumerable<ForecasterKind> AllKinds => Enum.GetValues<ForecasterKind>().Where(k => k.IsNetwork()); // the networks; lag-window kinds build none

    /// <summary>
    /// Sine windows with a random frequency, phase and amplitude per sample and channel: x = the first L steps,
    /// y = the next H steps of the target channels (the first <paramref name="targets"/> channels).
    /// </summary>
    public static (Tensor X, Tensor Y) SineWindows(int batch, int lookback, int horizon, int targets, int covariates, long seed)
    {
        var generator = new Generator((ulong)seed);
        int channels = targets + covariates;
        var frequency = torch.rand(batch, 1, channels, generator: generator) * 0.5 + 0.2;
        var phase = torch.rand(batch, 1, channels, generator: generator) * 6.28;
        var amplitude = torch.rand(batch, 1, channels, generator: generator) + 0.5;
        var time = torch.arange(lookback + horizon, dtype: ScalarType.Float32).view(1, -1, 1);
        var series = amplitude * torch.sin(frequency * time + phase);
        var x = series.narrow(1, 0, lookback).contiguous();
        var y = series.narrow(1, lookback, horizon).narrow(2, 0, targets).contiguous();
        return (x, y);
    }

    public static Tensor RandomInput(int batch, int lookback, int channels, long seed)
    {
        var generator = new Generator((ulong)seed);
        return torch.randn(new long[] { batch, lookback, channels }, generator: generator);
    }

    public static float MaxAbs(Tensor t) => t.abs().max().item<float>();

    /// <summary>True when both tensors have the same shape and bit-identical values.</summary>
    public static bool Identical(this Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
