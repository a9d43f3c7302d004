using Microsoft.ML.SynapticPruning.Persistence;
using Microsoft.ML.SynapticPruning.Tests.Reliability;
using Microsoft.ML.SynapticPruning.Tests.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

/// <summary>The lag-window forecasters (naive, seasonal naive, FastTree, LightGbm): forecasts, intervals, engine, .zip round trip, bounds.</summary>
public sealed class LagWindowForecasterTests
{
    private static readonly SeriesRow[] Rows = ForecastingTestData.NoisySine(160, seed: 3);

    private static LagWindowForecasterOptions Options(ForecasterKind kind, int horizon = 3) => new()
    {
        Kind = kind, LabelColumnName = nameof(SeriesRow.Value), Horizon = horizon, Lookback = 12, SeasonalPeriod = 24,
        NumberOfTrees = 20, NumberOfLeaves = 8, Seed = 1,
    };

    [Fact]
    public void NaiveAndSeasonalNaiveRepeatTheLastValueAndTheValueOneSeasonEarlier()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        using var naive = ml.Forecasting.LagWindow(Options(ForecasterKind.Naive)).Fit(data);
        using var seasonal = ml.Forecasting.LagWindow(Options(ForecasterKind.SeasonalNaive)).Fit(data);
        Assert.Equal((1, 3), (naive.Spec.Lookback, naive.Spec.Horizon));
        Assert.Equal(24, seasonal.Spec.Lookback);
        var n = ForecastingTestData.ReadVectors(naive.Transform(data), "Forecast");
        var s = ForecastingTestData.ReadVectors(seasonal.Transform(data), "Forecast");
        for (int t = 30; t < Rows.Length; t++)
        {
            for (int h = 0; h < 3; h++)
            {
                Assert.Equal(Rows[t].Value, n[t][h]);
                Assert.Equal(Rows[t + 1 + h - 24].Value, s[t][h]);
            }
        }
        Assert.All(s[22], v => Assert.True(float.IsNaN(v))); // fewer than 24 rows of history
    }

    [Theory]
    [InlineData(ForecasterKind.FastTree)]
    [InlineData(ForecasterKind.LightGbm)]
    public void ATreeForecasterWithCovariatesAndIntervalsSavesLoadsInAFreshContextAndForecastsTheSameBits(ForecasterKind kind)
    {
        using var temp = new TempFolder();
        string path = temp.File("trees.zip");
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var o = Options(kind);
        o.FeatureColumnNames = new[] { nameof(SeriesRow.Other) };
        o.Confidence = 0.8f;
        using var model = ml.Forecasting.LagWindow(o).Fit(data);
        Assert.Equal(kind, model.Info.Spec.Kind);
        Assert.Equal(1, model.Info.Spec.CovariateChannels);
        Assert.NotNull(model.Info.IntervalHalfWidths);
        var scored = model.Transform(data);
        var forecast = ForecastingTestData.ReadVectors(scored, "Forecast");
        var upper = ForecastingTestData.ReadVectors(scored, "ForecastUpper");
        var metrics = ml.Forecasting.Evaluate(scored, nameof(SeriesRow.Value), firstScoredRow: 100);
        var naive = ml.Forecasting.Evaluate(ml.Forecasting.LagWindow(Options(ForecasterKind.Naive)).Fit(data).Transform(data), nameof(SeriesRow.Value), firstScoredRow: 100);
        Assert.True(metrics.Mae < naive.Mae, $"{kind} MAE {metrics.Mae} should beat naive {naive.Mae} on a sine");

        ml.Model.SaveAtomically(model, data.Schema, path);
        var fresh = new MLContext(seed: 99);
        using var loaded = (PrunedForecastingTransformer)fresh.Model.LoadForecaster(path, out _);
        var freshData = fresh.Data.LoadFromEnumerable(Rows);
        Assert.True(ForecastingTestData.BitIdentical(forecast, ForecastingTestData.ReadVectors(loaded.Transform(freshData), "Forecast")));
        Assert.True(ForecastingTestData.BitIdentical(upper, ForecastingTestData.ReadVectors(loaded.Transform(freshData), "ForecastUpper")));
        Assert.Equal(model.Info.IntervalHalfWidths, loaded.Info.IntervalHalfWidths);

        // The forecast engine: after rows [0, t] it forecasts what the transformer gives at row t; a checkpoint keeps the history.
        var engine = loaded.CreateForecastEngine<SeriesRow>(fresh);
        engine.Update(Rows.Take(120));
        var result = engine.Predict();
        Assert.Equal(forecast[119], result.Forecast);
        Assert.NotNull(result.Upper);
        using var stream = new MemoryStream();
        engine.CheckPoint(fresh, stream);
        stream.Position = 0;
        using var checkpoint = (PrunedForecastingTransformer)new MLContext().Model.Load(stream, out _);
        Assert.Equal(forecast[119], checkpoint.CreateForecastEngine<SeriesRow>(new MLContext()).Predict().Forecast);
    }

    [Fact]
    public void BadOptionsGiveErrorsNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows.Take(40).ToArray());
        var lags = Options(ForecasterKind.FastTree);
        lags.Lookback = 0;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.LagWindow(lags));
        Assert.Equal("Lookback", e.ParamName);
        Assert.Contains("LagWindowForecasterOptions.Lookback", e.Message);

        var season = Options(ForecasterKind.SeasonalNaive);
        season.SeasonalPeriod = 50; // longer than the 40-row series
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.LagWindow(season).Fit(data));
        Assert.Equal("SeasonalPeriod", e.ParamName);
        Assert.Contains("LagWindowForecasterOptions.SeasonalPeriod (50)", e.Message);

        var longLags = Options(ForecasterKind.LightGbm);
        longLags.Lookback = 39;
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.LagWindow(longLags).Fit(data));
        Assert.Equal("Lookback", e.ParamName);

        var network = Options(ForecasterKind.Lstm);
        var kind = Assert.Throws<ArgumentException>(() => ml.Forecasting.LagWindow(network));
        Assert.Equal("Kind", kind.ParamName);

        var leaves = Options(ForecasterKind.FastTree);
        leaves.NumberOfLeaves = 1;
        Assert.Equal("NumberOfLeaves", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.LagWindow(leaves)).ParamName);
    }

    [Fact]
    public void AHostileLagWindowFileIsRefusedBeforeAnyStepModelIsLoaded()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        using var model = ml.Forecasting.LagWindow(Options(ForecasterKind.FastTree, horizon: 2)).Fit(data);
        var payload = ForecastingModelSerializer.Write(model.Model);
        string json = payload.GetText("model.json");

        ModelPayload Edited(string newJson, Action<ModelPayload>? more = null)
        {
            var p = new ModelPayload();
            p.AddText("model.json", newJson);
            foreach (var name in payload.EntryNames.Where(n => n != "model.json")) p.Add(name, payload.Get(name).Span);
            more?.Invoke(p);
            return p;
        }

        // A horizon above the step limit, a naive model with a long lookback, a missing step, and weights in a tree file.
        var tooManySteps = Assert.Throws<InvalidDataException>(() => ForecastingModelSerializer.ReadModel(Edited(json.Replace("\"Horizon\":2", "\"Horizon\":20000"))));
        Assert.Contains("Horizon", tooManySteps.Message);
        Assert.Contains("10,000", tooManySteps.Message);
        var naive = Assert.Throws<InvalidDataException>(() => ForecastingModelSerializer.ReadModel(Edited(json.Replace("\"Kind\":\"FastTree\"", "\"Kind\":\"Naive\""))));
        Assert.Contains("Lookback", naive.Message);
        var missing = Assert.Throws<InvalidDataException>(() => ForecastingModelSerializer.ReadModel(Edited(json.Replace("\"Horizon\":2", "\"Horizon\":3"))));
        Assert.Contains("step/0002", missing.Message);
        var weights = Assert.Throws<InvalidDataException>(() => ForecastingModelSerializer.ReadModel(Edited(json, p => p.AddTensor("param/x", new float[] { 1 }, new[] { 1 }))));
        Assert.Contains("param/x", weights.Message);
        var swapped = Assert.Throws<InvalidDataException>(() => ForecastingModelSerializer.ReadModel(Edited(json.Replace("\"Kind\":\"FastTree\"", "\"Kind\":\"LightGbm\""))));
        Assert.Contains("not a LightGbm regression model", swapped.Message);
        // The untouched payload reads back.
        Assert.IsType<LagWindowModel>(ForecastingModelSerializer.ReadModel(ModelPayload.FromBytes(payload.ToArray())));
    }

    [Fact]
    public void ANestedStepModelNamingAForeignAssemblyIsRefusedBeforeMlNetLoadsIt()
    {
        // A step model is an ML.NET .zip inside the payload, loaded with ML.NET's loader: the same component check as
        // LoadForecaster runs on it first, so a re-written step cannot make ML.NET load another assembly.
        const string foreign = "System.Diagnostics.TextWriterTraceListener";
        bool IsLoaded() => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == foreign);
        Assert.False(IsLoaded(), "precondition: the probe assembly must not be loaded yet");
        var ml = new MLContext(seed: 1);
        using var model = ml.Forecasting.LagWindow(Options(ForecasterKind.FastTree, horizon: 1)).Fit(ml.Data.LoadFromEnumerable(Rows));
        var payload = ForecastingModelSerializer.Write(model.Model);
        string step = payload.EntryNames.First(n => n.StartsWith("step/", StringComparison.Ordinal));
        bool rewritten = false;
        byte[] hostile = ModelFileTests.RewriteZip(payload.Get(step).ToArray(), (name, data) =>
        {
            if (rewritten || !name.EndsWith("Model.key", StringComparison.Ordinal) || BitConverter.ToInt64(data, 0x90) == 0) return data;
            rewritten = true;
            return ForeignComponentTests.WithAssemblyName(data, foreign);
        });
        Assert.True(rewritten, "the step model must have a component that records its assembly");
        var edited = new ModelPayload();
        foreach (var name in payload.EntryNames) edited.Add(name, name == step ? hostile : payload.Get(name).Span);

        var e = Assert.Throws<InvalidDataException>(() => ForecastingModelSerializer.ReadModel(edited));
        Assert.Contains($"Entry '{step}' (a nested ML.NET model)", e.Message);
        Assert.Contains($"asks ML.NET to load assembly '{foreign}'", e.Message);
        Assert.False(IsLoaded(), "the foreign assembly must not be loaded");
    }
}
