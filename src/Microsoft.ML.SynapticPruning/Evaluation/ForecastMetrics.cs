using System.Globalization;

namespace Microsoft.ML.SynapticPruning.Evaluation;

/// <summary>
/// Point-forecast accuracy, per horizon step and overall; immutable. Built by
/// <see cref="ForecastEvaluator.Compute"/> (through the internal <c>ForecastMetricsAccumulator</c>).
/// </summary>
/// <remarks>
/// <para>For the scored pairs (yᵢ, ŷᵢ) — pairs whose actual is NaN or imputed are never scored — with eᵢ = yᵢ − ŷᵢ:</para>
/// <list type="bullet">
/// <item>MAE = (1/n) Σ|eᵢ|; MSE = (1/n) Σeᵢ²; RMSE = √MSE.</item>
/// <item>MAPE = 100 · (1/n′) Σ|eᵢ|/|yᵢ| over the n′ pairs with |yᵢ| ≥ ε (default ε = 1e-8); the n − n′ skipped
/// pairs are counted in <see cref="MapeSkipped"/>. NaN when n′ = 0.</item>
/// <item>sMAPE = 100 · (1/n) Σ 2|eᵢ|/(|yᵢ| + |ŷᵢ|), a term being 0 when yᵢ = ŷᵢ = 0 (range 0 … 200).</item>
/// <item>MASE = MAE / s, with s the training part's seasonal-naive MAE (1/(T − m)) Σ_{t&gt;m}|y_t − y_{t−m}|
/// (<see cref="ForecastEvaluator.SeasonalNaiveMae"/>); NaN when s is not given or is 0.</item>
/// </list>
/// <para>Overall values pool every scored pair of every step (they are not means of the per-step values when steps
/// have different counts); overall RMSE = √(overall MSE). A step with no scored pair has NaN metrics. A NaN
/// forecast paired with a valid actual propagates NaN into the metrics (it is a model failure, not missing data).</para>
/// </remarks>
public sealed class ForecastMetrics
{
    internal ForecastMetrics(
        int horizon, long windowCount, double maseScale, double mapeEpsilon,
        double[] maePerStep, double[] msePerStep, double[] mapePerStep, double[] smapePerStep, long[] countPerStep,
        long[] mapeSkippedPerStep, double mae, double mse, double mape, double smape, long count, long mapeSkipped,
        long skippedMissing, long skippedImputed)
    {
        Horizon = horizon;
        WindowCount = windowCount;
        MaseScale = maseScale;
        MapeEpsilon = mapeEpsilon;
        MaePerStep = maePerStep;
        MsePerStep = msePerStep;
        RmsePerStep = msePerStep.Select(Math.Sqrt).ToArray();
        MapePerStep = mapePerStep;
        SmapePerStep = smapePerStep;
        MasePerStep = maePerStep.Select(v => Scale(v, maseScale)).ToArray();
        CountPerStep = countPerStep;
        MapeSkippedPerStep = mapeSkippedPerStep;
        Mae = mae;
        Mse = mse;
        Rmse = Math.Sqrt(mse);
        Mape = mape;
        Smape = smape;
        Mase = Scale(mae, maseScale);
        Count = count;
        MapeSkipped = mapeSkipped;
        SkippedMissing = skippedMissing;
        SkippedImputed = skippedImputed;
    }

    /// <summary>Forecast horizon H (number of steps per window).</summary>
    public int Horizon { get; }

    /// <summary>Number of windows added.</summary>
    public long WindowCount { get; }

    /// <summary>The MASE scale s (NaN when none was given).</summary>
    public double MaseScale { get; }

    /// <summary>The ε below which |y| is skipped by MAPE.</summary>
    public double MapeEpsilon { get; }

    /// <summary>Mean absolute error over all scored pairs.</summary>
    public double Mae { get; }

    /// <summary>Mean squared error over all scored pairs.</summary>
    public double Mse { get; }

    /// <summary>Root mean squared error, √<see cref="Mse"/>.</summary>
    public double Rmse { get; }

    /// <summary>Mean absolute percentage error in percent (pairs with |y| &lt; ε skipped).</summary>
    public double Mape { get; }

    /// <summary>Symmetric MAPE in percent, 200·|y − ŷ|/(|y| + |ŷ|) averaged (0 when both are 0).</summary>
    public double Smape { get; }

    /// <summary>Mean absolute scaled error, <see cref="Mae"/>/<see cref="MaseScale"/>; NaN without a valid scale.</summary>
    public double Mase { get; }

    /// <summary>Number of scored (forecast, actual) pairs.</summary>
    public long Count { get; }

    /// <summary>Number of scored pairs MAPE skipped because |y| &lt; ε.</summary>
    public long MapeSkipped { get; }

    /// <summary>Number of pairs not scored because the actual was NaN.</summary>
    public long SkippedMissing { get; }

    /// <summary>Number of pairs not scored because the actual was imputed.</summary>
    public long SkippedImputed { get; }

    /// <summary>MAE per horizon step (index 0 = one step ahead).</summary>
    public IReadOnlyList<double> MaePerStep { get; }

    /// <summary>MSE per horizon step.</summary>
    public IReadOnlyList<double> MsePerStep { get; }

    /// <summary>RMSE per horizon step.</summary>
    public IReadOnlyList<double> RmsePerStep { get; }

    /// <summary>MAPE (percent) per horizon step.</summary>
    public IReadOnlyList<double> MapePerStep { get; }

    /// <summary>sMAPE (percent) per horizon step.</summary>
    public IReadOnlyList<double> SmapePerStep { get; }

    /// <summary>MASE per horizon step (step MAE / scale).</summary>
    public IReadOnlyList<double> MasePerStep { get; }

    /// <summary>Scored pairs per horizon step.</summary>
    public IReadOnlyList<long> CountPerStep { get; }

    /// <summary>Pairs MAPE skipped per horizon step.</summary>
    public IReadOnlyList<long> MapeSkippedPerStep { get; }

    /// <summary>A one-line summary of the overall values.</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture,
            "MAE {0:G6}, RMSE {1:G6}, MAPE {2:G4}% ({3} skipped), sMAPE {4:G4}%, MASE {5:G4}; n = {6} pairs, H = {7}",
            Mae, Rmse, Mape, MapeSkipped, Smape, Mase, Count, Horizon);

    private static double Scale(double mae, double scale)
        => double.IsNaN(scale) || scale == 0 ? double.NaN : mae / scale;
}
