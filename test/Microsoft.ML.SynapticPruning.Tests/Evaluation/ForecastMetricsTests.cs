using Microsoft.ML.SynapticPruning.Evaluation;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Evaluation;

public class ForecastMetricsTests
{
    private const int Digits = 12;

    [Fact]
    public void TinyExampleByHand()
    {
        // Window 0: y = [2, 2], ŷ = [1, 2] → errors 1, 0.
        // Window 1: y = [1, NaN], ŷ = [3, 4] → error 2 at step 0; step 1 is missing (not scored).
        // Step 0: |e| = 1, 2 → MAE 1.5; MSE (1 + 4)/2 = 2.5; APE 1/2, 2/1 → MAPE 125%;
        //         sMAPE terms 2·1/(2 + 1) = 2/3, 2·2/(1 + 3) = 1 → 100·(5/3)/2 = 83.333…%.
        // Step 1: |e| = 0 → MAE 0, MSE 0, MAPE 0, sMAPE 0.
        // Overall (3 pairs): MAE 3/3 = 1; MSE 5/3; MAPE 100·2.5/3 = 83.333…%; sMAPE 100·(5/3)/3 = 55.555…%.
        // MASE with scale 2: overall 1/2 = 0.5, per step [0.75, 0].
        float[][] forecasts = { new[] { 1f, 2f }, new[] { 3f, 4f } };
        float[][] actuals = { new[] { 2f, 2f }, new[] { 1f, float.NaN } };
        ForecastMetrics m = ForecastEvaluator.Compute(forecasts, actuals, maseScale: 2);

        Assert.Equal(2, m.Horizon);
        Assert.Equal(2, m.WindowCount);
        Assert.Equal(3, m.Count);
        Assert.Equal(1, m.SkippedMissing);
        Assert.Equal(new long[] { 2, 1 }, m.CountPerStep);
        Assert.Equal(1.5, m.MaePerStep[0], Digits);
        Assert.Equal(0, m.MaePerStep[1], Digits);
        Assert.Equal(2.5, m.MsePerStep[0], Digits);
        Assert.Equal(Math.Sqrt(2.5), m.RmsePerStep[0], Digits);
        Assert.Equal(125, m.MapePerStep[0], Digits);
        Assert.Equal(0, m.MapePerStep[1], Digits);
        Assert.Equal(250.0 / 3, m.SmapePerStep[0], Digits);
        Assert.Equal(0.75, m.MasePerStep[0], Digits);
        Assert.Equal(1, m.Mae, Digits);
        Assert.Equal(5.0 / 3, m.Mse, Digits);
        Assert.Equal(Math.Sqrt(5.0 / 3), m.Rmse, Digits);
        Assert.Equal(250.0 / 3, m.Mape, Digits);
        Assert.Equal(500.0 / 9, m.Smape, Digits);
        Assert.Equal(0.5, m.Mase, Digits);
        Assert.Equal(0, m.MapeSkipped);
    }

    [Fact]
    public void MapeSkipsNearZeroActualsAndSmapeTreatsDoubleZeroAsZero()
    {
        // y = [0, 4], ŷ = [0, 3]: MAPE skips y = 0 → 100·(1/4) = 25%, 1 skipped;
        // sMAPE = 100·(0 + 2·1/(4 + 3))/2 = 100/7 %; MAE = (0 + 1)/2 = 0.5.
        ForecastMetrics m = ForecastEvaluator.Compute(new[] { new[] { 0f, 3f } }, new[] { new[] { 0f, 4f } });
        Assert.Equal(25, m.Mape, Digits);
        Assert.Equal(1, m.MapeSkipped);
        Assert.Equal(new long[] { 1, 0 }, m.MapeSkippedPerStep);
        Assert.True(double.IsNaN(m.MapePerStep[0]));
        Assert.Equal(100.0 / 7, m.Smape, Digits);
        Assert.Equal(0.5, m.Mae, Digits);
        Assert.True(double.IsNaN(m.Mase)); // no scale given

        // A custom epsilon of 5 also skips y = 4 → no MAPE pair left → NaN, 2 skipped.
        ForecastMetrics strict = ForecastEvaluator.Compute(new[] { new[] { 0f, 3f } }, new[] { new[] { 0f, 4f } }, mapeEpsilon: 5);
        Assert.True(double.IsNaN(strict.Mape));
        Assert.Equal(2, strict.MapeSkipped);
    }

    [Fact]
    public void ImputedActualsAreNotScored()
    {
        // Step 1 is imputed: only step 0 (|3 − 1| = 2) is scored.
        ForecastMetrics m = ForecastEvaluator.Compute(
            new[] { new[] { 1f, 100f } }, new[] { new[] { 3f, 5f } }, new[] { new[] { false, true } });
        Assert.Equal(1, m.Count);
        Assert.Equal(1, m.SkippedImputed);
        Assert.Equal(2, m.Mae, Digits);
        Assert.True(double.IsNaN(m.MaePerStep[1]));
    }

    [Fact]
    public void MaseScaleZeroGivesNaN()
    {
        ForecastMetrics m = ForecastEvaluator.Compute(new[] { new[] { 1f } }, new[] { new[] { 2f } }, maseScale: 0);
        Assert.True(double.IsNaN(m.Mase));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ForecastMetricsAccumulator(1, maseScale: -1));
    }

    [Fact]
    public void SeasonalNaiveMaeByHand()
    {
        float[] y = { 1, 2, 3, 5, 6, 8 };
        // m = 2: |3−1| + |5−2| + |6−3| + |8−5| = 2 + 3 + 3 + 3 = 11 over 4 pairs = 2.75.
        Assert.Equal(2.75, ForecastEvaluator.SeasonalNaiveMae(y, 2), Digits);
        // m = 1: 1 + 1 + 2 + 1 + 2 = 7 over 5 = 1.4.
        Assert.Equal(1.4, ForecastEvaluator.SeasonalNaiveMae(y, 1), Digits);
        // NaN pairs skipped: [1, NaN, 3, 4, 7], m = 2 → |3−1| = 2, (4, NaN) skipped, |7−3| = 4 → 3.
        Assert.Equal(3, ForecastEvaluator.SeasonalNaiveMae(new[] { 1f, float.NaN, 3f, 4f, 7f }, 2), Digits);
        Assert.Throws<ArgumentException>(() => ForecastEvaluator.SeasonalNaiveMae(new float[] { 1, 2 }, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecastEvaluator.SeasonalNaiveMae(y, 0));
    }

    [Fact]
    public void MaseOfSeasonalNaiveOnPeriodicSeriesUsesScale()
    {
        // Train [0, 10, 0, 12], m = 2: |0 − 0| + |12 − 10| = 2 over 2 → scale 1.
        // A forecast off by 3 everywhere has MAE 3 → MASE 3.
        double scale = ForecastEvaluator.SeasonalNaiveMae(new float[] { 0, 10, 0, 12 }, 2);
        Assert.Equal(1, scale, Digits);
        ForecastMetrics m = ForecastEvaluator.Compute(new[] { new[] { 3f, 13f } }, new[] { new[] { 0f, 10f } }, maseScale: scale);
        Assert.Equal(3, m.Mase, Digits);
    }

    [Fact]
    public void NaiveForecasts()
    {
        Assert.Equal(new[] { 7f, 7f, 7f }, ForecastEvaluator.NaiveForecast(new float[] { 1, 5, 7 }, 3));
        // Period 3, last season [14, 15, 16] repeated: ŷ_{T+h} = y_{T+h−3⌈h/3⌉}.
        Assert.Equal(new[] { 14f, 15f, 16f, 14f, 15f },
            ForecastEvaluator.SeasonalNaiveForecast(new float[] { 10, 11, 12, 13, 14, 15, 16 }, 5, 3));
        Assert.Throws<ArgumentException>(() => ForecastEvaluator.SeasonalNaiveForecast(new float[] { 1, 2 }, 2, 3));
        Assert.Throws<ArgumentException>(() => ForecastEvaluator.NaiveForecast(ReadOnlySpan<float>.Empty, 2));
    }

    [Fact]
    public void StreamingEqualsBatchAndValidatesShapes()
    {
        var rng = new Random(7);
        float[][] f = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        float[][] a = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)rng.NextDouble() + 0.5f).ToArray()).ToArray();
        ForecastMetrics batch = ForecastEvaluator.Compute(f, a, maseScale: 0.3);

        var acc = new ForecastMetricsAccumulator(4, 0.3);
        for (int w = 0; w < 10; w++) acc.Add(f[w], a[w]);
        ForecastMetrics half = acc.ToMetrics();
        for (int w = 10; w < 20; w++) acc.Add(f[w], a[w]);
        ForecastMetrics all = acc.ToMetrics();

        Assert.Equal(10, half.WindowCount);
        Assert.Equal(batch.Mae, all.Mae, Digits);
        Assert.Equal(batch.Smape, all.Smape, Digits);
        Assert.Equal(batch.MasePerStep[3], all.MasePerStep[3], Digits);
        // Independent recomputation of the overall MAE.
        double mae = f.Zip(a).SelectMany(p => p.First.Zip(p.Second, (x, y) => Math.Abs((double)y - x))).Average();
        Assert.Equal(mae, all.Mae, Digits);

        Assert.Throws<ArgumentException>(() => acc.Add(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => acc.Add(new float[4], new float[4], new bool[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ForecastMetricsAccumulator(0));
    }
}
