using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

internal static class TrainingTestData
{
    /// <summary>sin(2πt/period) + N(0, noise²), seeded.</summary>
    public static float[] NoisySine(int length, double noise = 0.1, int seed = 42, int period = 24, double offset = 0)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int t = 0; t < length; t++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            values[t] = (float)(offset + Math.Sin(2 * Math.PI * t / period) + noise * gaussian);
        }
        return values;
    }

    public static ForecasterSpec Spec(int lookback, int horizon, int hidden = 16, double dropout = 0, int targets = 1, int covariates = 0)
        => new() { Kind = ForecasterKind.Lstm, Lookback = lookback, Horizon = horizon, HiddenSize = hidden, DropoutRate = dropout, TargetChannels = targets, CovariateChannels = covariates };

    /// <summary>A synchronous progress sink (Progress&lt;T&gt; posts asynchronously).</summary>
    public sealed class SyncProgress : IProgress<EpochReport>
    {
        private readonly Action<EpochReport> _handler;
        public SyncProgress(Action<EpochReport> handler) => _handler = handler;
        public void Report(EpochReport value) => _handler(value);
    }

    /// <summary>Window inputs (count × L × Cin row-major) of windows [first, first + count) of a univariate series.</summary>
    public static float[] Windows(float[] series, int lookback, int first, int count)
    {
        var result = new float[count * lookback];
        for (int k = 0; k < count; k++) Array.Copy(series, first + k, result, k * lookback, lookback);
        return result;
    }
}
