using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// A scaled series held once as an (N, Cin) tensor, with strided window views: <see cref="X"/> (W, L, Cin) and
/// <see cref="Y"/> (W, H, C), W = N − L − H + 1. A batch is one <c>index_select</c> on each view.
/// </summary>
internal sealed class WindowedSeries : IDisposable
{
    private readonly Tensor _series;

    private WindowedSeries(Tensor series, Tensor x, Tensor y, int windows)
    {
        _series = series;
        X = x;
        Y = y;
        Windows = windows;
    }

    public Tensor X { get; }

    public Tensor Y { get; }

    public int Windows { get; }

    public static WindowedSeries Create(TimeSeriesData data, ChannelScaler scaler, int lookback, int horizon)
    {
        int n = data.Length, channels = data.InputChannels, targets = data.TargetChannels;
        var rowMajor = new float[(long)n * channels];
        for (int c = 0; c < channels; c++)
        {
            var values = data.Channel(c);
            double mean = scaler.Mean[c], std = scaler.Std[c];
            for (int r = 0; r < n; r++) rowMajor[(long)r * channels + c] = (float)((values[r] - mean) / std);
        }
        var series = torch.tensor(rowMajor, new long[] { n, channels }).DetachFromDisposeScope();
        var x = series.narrow(0, 0, n - horizon).unfold(0, lookback, 1).transpose(1, 2).DetachFromDisposeScope();
        var y = series.narrow(0, lookback, n - lookback).narrow(1, 0, targets).unfold(0, horizon, 1).transpose(1, 2).DetachFromDisposeScope();
        return new WindowedSeries(series, x, y, data.WindowCount(lookback, horizon));
    }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        _series.Dispose();
    }
}
