using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Reliability;

/// <summary>
/// Time columns are compared exactly (never through float): Unix seconds one minute apart, ticks one apart and doubles
/// closer than a float can tell stay distinct and ordered; the forecast engine checks order on Update.
/// </summary>
[Collection("Torch")]
public class TimeColumnTests
{
    public sealed class UnixRow
    {
        public float Value { get; set; }
        public long Time { get; set; }
    }

    public sealed class DoubleTimeRow
    {
        public float Value { get; set; }
        public double Time { get; set; }
    }

    public sealed class DateRow
    {
        public float Value { get; set; }
        public DateTime Time { get; set; }
    }

    private static PrunedLstmOptions Tiny() => new()
    {
        LabelColumnName = "Value", TimeColumnName = "Time", Lookback = 8, Horizon = 1, MaxEpochs = 1, HiddenSize = 4,
        WarmupEpochs = 0, BatchSize = 16, Confidence = null, Regularization = Regularization.None, Seed = 1,
    };

    private static float Sine(int i) => (float)(10 + Math.Sin(2 * Math.PI * i / 24.0));

    [Fact]
    public void UnixSecondsOneMinuteApartAreOrdered_ThroughFitAndTransform()
    {
        // 1.7e9 s: a float's step there is 128 s, so minutes used to collapse into "duplicate timestamps".
        var rows = Enumerable.Range(0, 120).Select(i => new UnixRow { Value = Sine(i), Time = 1_700_000_000L + 60L * i }).ToArray();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = ml.Forecasting.PrunedLstm(Tiny()).Fit(data);
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");
        Assert.Equal(rows.Length, forecasts.Length);
        Assert.True(float.IsFinite(forecasts[^1][0]));
    }

    [Fact]
    public void UnixSecondsOneMinuteOutOfOrderAreCaught()
    {
        var rows = Enumerable.Range(0, 120).Select(i => new UnixRow { Value = Sine(i), Time = 1_700_000_000L + 60L * i }).ToArray();
        (rows[50].Time, rows[51].Time) = (rows[51].Time, rows[50].Time);
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm(Tiny()).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("'Time'", e.Message);
        Assert.Contains("row 51", e.Message);
        Assert.Contains("out of order", e.Message);
    }

    [Fact]
    public void DoubleTimesCloserThanAFloatCanTellAreDistinct_DuplicatesAndNaNAreNot()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 120).Select(i => new DoubleTimeRow { Value = Sine(i), Time = 1e9 + 1e-3 * i }).ToArray();
        using (ml.Forecasting.PrunedLstm(Tiny()).Fit(ml.Data.LoadFromEnumerable(rows))) { }

        rows[70].Time = rows[69].Time;
        var duplicate = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm(Tiny()).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("row 70", duplicate.Message);
        Assert.Contains("duplicate", duplicate.Message);

        rows[70].Time = double.NaN;
        var nan = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm(Tiny()).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("'Time' holds NaN", nan.Message);
    }

    [Fact]
    public void FloatingKeysSortLikeTheNumbers()
    {
        double[] ordered = { double.NegativeInfinity, -1e300, -2.5, -1e-300, 0.0, 1e-300, 1.0, 1.0000000000000002, 1e300, double.PositiveInfinity };
        var keys = ordered.Select(v => NumericColumn.FloatingKey(v, "T")).ToArray();
        for (int i = 1; i < keys.Length; i++) Assert.True(keys[i - 1] < keys[i], $"{ordered[i - 1]} should sort before {ordered[i]}");
        Assert.Equal(NumericColumn.FloatingKey(0.0, "T"), NumericColumn.FloatingKey(-0.0, "T"));
    }

    [Fact]
    public void EngineUpdateRejectsDuplicateAndOutOfOrderTimes_WithinAndAcrossCalls_AndAppendsNothing()
    {
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 120).Select(i => new DateRow { Value = Sine(i), Time = start.AddTicks(i) }).ToArray(); // one tick apart
        var ml = new MLContext(seed: 1);
        using var model = ml.Forecasting.PrunedLstm(Tiny()).Fit(ml.Data.LoadFromEnumerable(rows));
        var engine = model.CreateForecastEngine<DateRow>(ml);
        engine.Update(rows.Take(100));
        long seen = engine.RowsSeen;

        var within = Assert.Throws<InvalidOperationException>(() => engine.Update(new[] { rows[100], rows[101], rows[101] }));
        Assert.Contains("'Time'", within.Message);
        Assert.Contains("row 2", within.Message);
        Assert.Contains("duplicate", within.Message);
        Assert.Equal(seen, engine.RowsSeen);

        var across = Assert.Throws<InvalidOperationException>(() => engine.Update(rows[99]));
        Assert.Contains("previous update", across.Message);
        Assert.Equal(seen, engine.RowsSeen);

        engine.Update(rows.Skip(100));
        Assert.Equal(seen + 20, engine.RowsSeen);
        Assert.True(float.IsFinite(engine.Predict().Forecast[0]));
    }
}
