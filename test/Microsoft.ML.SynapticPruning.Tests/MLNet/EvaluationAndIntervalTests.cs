using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

[Collection("Torch")]
public sealed class EvaluationAndIntervalTests
{
    private sealed class Scored
    {
        public float Label { get; set; }
        [VectorType(2)] public float[] Forecast { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void EvaluateMatchesHandComputedValues()
    {
        // Labels 10, 12, 11, 13, 15. Forecast at row t predicts rows t+1, t+2.
        // Row 0: [11, 12] vs actual [12, 11] → errors 1, 1.   Row 1: [12, 12] vs [11, 13] → 1, 1.
        // Row 2: [14, 13] vs [13, 15] → 1, 2.                  Row 3 and 4 lack two future labels; row 1 is NaN-free.
        var nan = new[] { float.NaN, float.NaN };
        var rows = new[]
        {
            new Scored { Label = 10, Forecast = new float[] { 11, 12 } },
            new Scored { Label = 12, Forecast = new float[] { 12, 12 } },
            new Scored { Label = 11, Forecast = new float[] { 14, 13 } },
            new Scored { Label = 13, Forecast = new float[] { 1, 1 } },
            new Scored { Label = 15, Forecast = nan },
        };
        var ml = new MLContext();
        var m = ml.Forecasting.Evaluate(ml.Data.LoadFromEnumerable(rows), "Label", "Forecast", maseScale: 2.0);
        Assert.Equal(3, m.WindowCount);
        Assert.Equal(7.0 / 6, m.Mae, 12);                    // (1+1+1+1+1+2)/6
        Assert.Equal(Math.Sqrt(9.0 / 6), m.Rmse, 12);        // (1+1+1+1+1+4)/6
        Assert.Equal(1.0, m.MaePerStep[0], 12);              // step 1: 1, 1, 1
        Assert.Equal(4.0 / 3, m.MaePerStep[1], 12);          // step 2: 1, 1, 2
        Assert.Equal(7.0 / 12, m.Mase, 12);                  // MAE / 2
        // MAPE step 1: |1/12| + |1/11| + |1/13| over 3, in percent.
        Assert.Equal(100.0 * (1.0 / 12 + 1.0 / 11 + 1.0 / 13) / 3, m.MapePerStep[0], 10);

        var fromRow2 = ml.Forecasting.Evaluate(ml.Data.LoadFromEnumerable(rows), "Label", "Forecast", firstScoredRow: 2);
        Assert.Equal(2, fromRow2.WindowCount);               // windows whose first target is row ≥ 2: rows 1 and 2
        Assert.Equal(5.0 / 4, fromRow2.Mae, 12);
    }

    [Fact]
    public void ConformalIntervalsCoverTheRequestedLevelPerStep()
    {
        // Sine + Gaussian noise, ≥ 1000 calibration and ≥ 2000 test windows, every step within ±3 points of 0.9.
        var ml = new MLContext(seed: 5);
        var rows = ForecastingTestData.NoisySine(9000, seed: 11, noise: 0.3);
        var all = ml.Data.LoadFromEnumerable(rows);
        var train = ml.Data.TakeRows(all, 6500);
        var model = ml.Forecasting.PrunedDLinear(new PrunedDLinearOptions
        {
            LabelColumnName = "Value", Lookback = 48, Horizon = 3, MaxEpochs = 3, LearningRate = 0.005, BatchSize = 128,
            ValidationFraction = 0.4, CalibrationFraction = 0.5, Confidence = 0.9f,
        }).Fit(train);
        Assert.True(model.Info.CalibrationWindows >= 1000, $"{model.Info.CalibrationWindows} calibration windows");

        var scored = model.Transform(all);
        var lower = ForecastingTestData.ReadVectors(scored, "ForecastLower");
        var upper = ForecastingTestData.ReadVectors(scored, "ForecastUpper");
        int covered0 = 0, covered1 = 0, covered2 = 0, n = 0;
        for (int t = 6500 - 1; t + 3 < rows.Length; t++)
        {
            n++;
            if (lower[t][0] <= rows[t + 1].Value && rows[t + 1].Value <= upper[t][0]) covered0++;
            if (lower[t][1] <= rows[t + 2].Value && rows[t + 2].Value <= upper[t][1]) covered1++;
            if (lower[t][2] <= rows[t + 3].Value && rows[t + 3].Value <= upper[t][2]) covered2++;
        }
        Assert.True(n >= 2000);
        foreach (var c in new[] { covered0, covered1, covered2 })
            Assert.InRange((double)c / n, 0.87, 0.93);
    }

    // ⌈(n + 1)·confidence⌉ at n = 99 windows. 0.8 and 0.99 as floats are slightly above 0.8 and 0.99, so a float product
    // gave 81 and 100 (an infinite interval); the exact rank is 80 and 99. 0.905 is a case where (n + 1)·c is not whole.
    [Theory]
    [InlineData(0.8f, 80)]
    [InlineData(0.9f, 90)]
    [InlineData(0.95f, 95)]
    [InlineData(0.99f, 99)]
    [InlineData(0.905f, 91)]
    public void ConformalRankAtNinetyNineWindowsIsExact(float confidence, long rank)
        => Assert.Equal(rank, QuantileRank.Conformal(99, confidence));

    [Theory]
    [InlineData(0.8f, 80f)]
    [InlineData(0.9f, 90f)]
    [InlineData(0.95f, 95f)]
    [InlineData(0.99f, 99f)]
    [InlineData(0.905f, 91f)]
    public void ConformalHalfWidthIsTheExactOrderStatisticOfNinetyNineResiduals(float confidence, float halfWidth)
    {
        // 100 rows y_t = t, L = H = 1 and a model that always forecasts 0: the 99 windows have residuals 1, 2, …, 99, so
        // the k-th smallest residual is k.
        var series = new TimeSeriesData(new[] { Enumerable.Range(0, 100).Select(t => (float)t).ToArray() });
        var (widths, n) = Conformal.HalfWidths(new ZeroForecaster(), series, new WindowRange(0, 99), confidence);
        Assert.Equal(99, n);
        Assert.Equal(new[] { halfWidth }, widths);
    }

    [Fact]
    public void ConformalRankBeyondTheCalibrationSetGivesAnInfiniteHalfWidth()
    {
        var series = new TimeSeriesData(new[] { Enumerable.Range(0, 100).Select(t => (float)t).ToArray() });
        Assert.Equal(100, QuantileRank.Conformal(99, 0.991f));
        var (widths, _) = Conformal.HalfWidths(new ZeroForecaster(), series, new WindowRange(0, 99), 0.991f);
        Assert.Equal(new[] { float.PositiveInfinity }, widths);
    }

    [Fact]
    public void MonteCarloSpreadRanksAreExact()
    {
        // 20 samples at 0.8: the 10 % and 90 % nearest ranks are positions ⌊0.1·20⌋ = 2 and ⌈0.9·20⌉ − 1 = 17.
        Assert.Equal((2, 17), QuantileRank.CentralInterval(20, 0.8));
        // The ML.NET layer stores Confidence as a float and widens it through its written decimal, not its binary value.
        Assert.Equal((2, 17), QuantileRank.CentralInterval(20, (double)QuantileRank.Exact(0.8f)));
        Assert.Equal(0.8m, QuantileRank.Exact(0.8f));
        Assert.Equal((1, 28), QuantileRank.CentralInterval(30, 0.9));   // 1.5 → 1 and 28.5 → 29 − 1
    }

    private sealed class ZeroForecaster : IWindowForecaster
    {
        public int Lookback => 1;
        public int Horizon => 1;
        public int InputWidth => 1;
        public bool HasIntervals => false;

        public void Forecast(ReadOnlySpan<float> windows, int count, long firstRowIndex, Span<float> point, Span<float> lower, Span<float> upper)
            => point[..count].Clear();
    }
}
