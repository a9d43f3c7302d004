using System.IO.Compression;
using Microsoft.ML.SynapticPruning.Persistence;
using Microsoft.ML.SynapticPruning.Tests.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

/// <summary>
/// Missing values with a gap-filling policy: fitting fills short gaps (also at the start or end of the training rows),
/// Transform carries the last observation over short gaps in its input windows (causal), the setting survives save/load,
/// and models fitted under <see cref="MissingValuePolicy.Error"/> keep NaN forecasts and their file bytes.
/// </summary>
[Collection("Torch")]
public sealed class MissingValueForecastTests
{
    private static SeriesRow[] Copy(SeriesRow[] rows) =>
        rows.Select(r => new SeriesRow { Value = r.Value, Other = r.Other, Time = r.Time }).ToArray();

    private static LagWindowForecasterOptions Naive(MissingValuePolicy policy, int maxGap = 6) => new()
    {
        Kind = ForecasterKind.Naive, LabelColumnName = nameof(SeriesRow.Value), Horizon = 2, MissingValues = policy, MaxInterpolatedGap = maxGap,
    };

    [Fact]
    public void TransformCarriesTheLastObservationOverAShortGapAndNoFurther()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(120, seed: 4);
        var gapped = Copy(rows);
        for (int r = 50; r < 52; r++) gapped[r].Value = float.NaN;   // a gap of 2 rows
        for (int r = 80; r < 85; r++) gapped[r].Value = float.NaN;   // a gap of 5 rows, longer than the limit of 3 below
        var data = ml.Data.LoadFromEnumerable(gapped);

        using var filling = ml.Forecasting.LagWindow(Naive(MissingValuePolicy.Interpolate, maxGap: 3)).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(3, filling.Info.InputGapFill);
        var f = ForecastingTestData.ReadVectors(filling.Transform(data), "Forecast");
        Assert.Equal(rows[49].Value, f[50][0]);       // the naive forecast inside the gap is the last observation
        Assert.Equal(rows[49].Value, f[51][1]);
        Assert.Equal(rows[52].Value, f[52][0]);       // observed again
        Assert.Equal(rows[79].Value, f[82][0]);       // the first 3 missing rows of the long gap are carried …
        Assert.True(float.IsNaN(f[83][0]));           // … the rest are not
        Assert.True(float.IsNaN(f[84][0]));
        Assert.Equal(rows[85].Value, f[85][0]);

        // The forecast engine carries the same way: after rows [0, t] it forecasts what Transform gives at row t.
        var engine = filling.CreateForecastEngine<SeriesRow>(ml);
        engine.Update(gapped.Take(52));
        Assert.Equal(f[51], engine.Predict().Forecast);
        engine.Update(gapped.Skip(52).Take(32));                        // through row 83: 4 missing rows, limit 3
        Assert.Throws<InvalidOperationException>(() => engine.Predict());

        using var strict = ml.Forecasting.LagWindow(Naive(MissingValuePolicy.Error)).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(0, strict.Info.InputGapFill);
        var s = ForecastingTestData.ReadVectors(strict.Transform(data), "Forecast");
        Assert.True(float.IsNaN(s[50][0]), "without a filling policy a window holding a NaN gets a NaN forecast");
        Assert.Equal(rows[49].Value, s[49][0]);

        // Missing actuals are never scored: the filled model is scored on the observed targets only.
        var metrics = ml.Forecasting.Evaluate(filling.Transform(data), nameof(SeriesRow.Value), firstScoredRow: 40);
        Assert.True(metrics.SkippedMissing > 0);
        Assert.True(double.IsFinite(metrics.Mae));
    }

    [Fact]
    public void ANetworkForecastsAcrossAShortGapAsIfTheLastObservationWereRepeated()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(300);
        var gapped = Copy(rows);
        gapped[100].Value = float.NaN;
        gapped[101].Value = float.NaN;
        var carried = Copy(rows);
        carried[100].Value = carried[99].Value;
        carried[101].Value = carried[99].Value;
        var options = new PrunedDLinearOptions { LabelColumnName = "Value", Lookback = 12, MaxEpochs = 1, MissingValues = MissingValuePolicy.Interpolate, Seed = 3 };
        using var model = ml.Forecasting.PrunedDLinear(options).Fit(ml.Data.LoadFromEnumerable(gapped));
        var withGap = ForecastingTestData.ReadVectors(model.Transform(ml.Data.LoadFromEnumerable(gapped)), "Forecast");
        var withCarry = ForecastingTestData.ReadVectors(model.Transform(ml.Data.LoadFromEnumerable(carried)), "Forecast");
        Assert.True(ForecastingTestData.BitIdentical(withCarry, withGap));
        Assert.True(float.IsFinite(withGap[105][0]));
    }

    [Fact]
    public void TrainingRowsThatStartOrEndInsideAShortGapAreFilledAndALongerEdgeGapIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(200);
        rows[0].Value = float.NaN;                       // no observation before it: cannot be interpolated
        rows[198].Value = rows[199].Value = float.NaN;   // none after: a fold's training part can end like this
        var options = new PrunedDLinearOptions { LabelColumnName = "Value", Lookback = 12, MaxEpochs = 1, MissingValues = MissingValuePolicy.Interpolate };
        using var model = ml.Forecasting.PrunedDLinear(options).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.True(model.Info.EpochsRun >= 1);

        for (int r = 190; r < 200; r++) rows[r].Value = float.NaN;   // 10 missing rows at the end, limit 6
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedDLinear(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("longer than 6 rows", e.Message);
        Assert.Contains("MaxInterpolatedGap", e.Message);
    }

    [Fact]
    public void TheGapFillSurvivesSaveAndLoadAndAStrictModelWritesNoSuchField()
    {
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(120, seed: 4);
        var data = ml.Data.LoadFromEnumerable(rows);
        var gapped = Copy(rows);
        gapped[60].Value = float.NaN;
        var gappedData = ml.Data.LoadFromEnumerable(gapped);
        foreach (var policy in new[] { MissingValuePolicy.ForwardFill, MissingValuePolicy.Error })
        {
            string path = temp.File($"naive-{policy}.zip");
            using var model = ml.Forecasting.LagWindow(Naive(policy)).Fit(data);
            ml.Model.SaveAtomically(model, data.Schema, path);
            using var loaded = (PrunedForecastingTransformer)new MLContext(seed: 2).Model.LoadForecaster(path, out _);
            Assert.Equal(model.Info.InputGapFill, loaded.Info.InputGapFill);
            Assert.True(ForecastingTestData.BitIdentical(
                ForecastingTestData.ReadVectors(model.Transform(gappedData), "Forecast"),
                ForecastingTestData.ReadVectors(loaded.Transform(gappedData), "Forecast")));
            bool written = ReadAllText(path).Contains("InputGapFill", StringComparison.Ordinal);
            Assert.Equal(policy != MissingValuePolicy.Error, written);
        }
    }

    /// <summary>Every entry of the ML.NET .zip and of the nested forecaster payloads, as text.</summary>
    private static string ReadAllText(string path)
    {
        var text = new System.Text.StringBuilder();
        void Read(Stream stream)
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                using var s = entry.Open();
                using var buffer = new MemoryStream();
                s.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (bytes.Length > 4 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K') Read(new MemoryStream(bytes));
                else text.Append(System.Text.Encoding.UTF8.GetString(bytes));
            }
        }
        using var file = File.OpenRead(path);
        Read(file);
        return text.ToString();
    }
}
