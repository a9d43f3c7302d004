using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Split-conformal interval half-widths: per horizon step, the ⌈(n+1)·confidence⌉-th smallest absolute residual
/// (original units) over calibration windows that early stopping never saw; +∞ when that index exceeds n. The index is
/// computed exactly from the confidence as written (<see cref="QuantileRank.Conformal"/>: 0.8 at n = 99 gives 80).
/// Coverage is marginal per step and only approximate for time series (exchangeability does not hold).
/// </summary>
internal static class Conformal
{
    public static (float[] HalfWidths, int Windows) HalfWidths(IWindowForecaster model, TimeSeriesData series, WindowRange range, float confidence)
    {
        int L = model.Lookback, H = model.Horizon, W = model.InputWidth;
        var used = Enumerable.Range(range.Start, range.Count).Where(w => !series.WindowHasImputedTargets(w, L, H)).ToArray();
        int n = used.Length;
        var windows = new float[(long)n * L * W];
        series.CopyWindows(used, L, windows);
        var point = new float[(long)n * H];
        var scratch = new float[(long)n * H];
        // Rows are indexed like the transformer's: window k ends at row used[k] + L − 1.
        // Forecast runs of consecutive windows in one call each (MC seeds follow row indices, as in the transformer).
        for (int k = 0; k < n;)
        {
            int e = k + 1;
            while (e < n && used[e] == used[e - 1] + 1) e++;
            int m = e - k;
            model.Forecast(windows.AsSpan(k * L * W, m * L * W), m, used[k] + L - 1, point.AsSpan(k * H, m * H), scratch.AsSpan(k * H, m * H), scratch.AsSpan(k * H, m * H));
            k = e;
        }
        var target = series.Target(0);
        var halfWidths = new float[H];
        long index = QuantileRank.Conformal(n, confidence);
        for (int h = 0; h < H; h++)
        {
            if (index > n) { halfWidths[h] = float.PositiveInfinity; continue; }
            var abs = new float[n];
            for (int k = 0; k < n; k++) abs[k] = Math.Abs(target[used[k] + L + h] - point[k * H + h]);
            Array.Sort(abs);
            halfWidths[h] = abs[index - 1];
        }
        return (halfWidths, n);
    }
}
