using Microsoft.ML.SynapticPruning.Sweeps;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

/// <summary>
/// Sweeps with the lag-window models and the baselines (issue 18): a baseline wins on data made for it, a FastTree
/// winner refits, saves and loads, bad options name the option. Tiny budgets: one-epoch networks, two folds, few trials.
/// </summary>
[Collection("Torch")]
public sealed class BaselineSweepTests
{
    private readonly ITestOutputHelper _output;

    public BaselineSweepTests(ITestOutputHelper output) => _output = output;

    private sealed class Row
    {
        public float Value { get; set; }
    }

    private static IDataView View(MLContext ml, float[] values) => ml.Data.LoadFromEnumerable(values.Select(v => new Row { Value = v }).ToArray());

    private static SweepSearchSpace NetworksAndTrees() => new SweepSearchSpace()
        .Add(new Choice("model", "dlinear", "fasttree"))
        .Add(new Choice("regularization", "none").When("model", "dlinear"))
        .Add(new IntRange("lookback", 12, 24))
        .Add(new FloatRange("learning_rate", 1e-3, 1e-2, logScale: true).When("model", "dlinear"))
        .Add(new Choice("batch_size", "32").When("model", "dlinear"))
        .Add(new IntRange("trees", 10, 20).When("model", "fasttree"))
        .Add(new IntRange("leaves", 4, 8).When("model", "fasttree"));

    private static ForecastingSweepOptions Sweep(SweepSearchSpace space, int season, int trials = 3) => new()
    {
        LabelColumnName = nameof(Row.Value), Horizon = 2, MaxTrials = trials, MaxEpochs = 1, Folds = 2, Tuner = SweepTuner.Random,
        SearchSpace = space, Seed = 4, SeasonalPeriod = season,
    };

    [Fact]
    public void SeasonalNaiveWinsOnAPureSeasonalSeries()
    {
        // A pattern of 12 values repeated exactly: the seasonal-naive forecast has no error at all.
        var pattern = Enumerable.Range(0, 12).Select(i => (float)(5 + 3 * Math.Sin(i) + (i % 3))).ToArray();
        var values = Enumerable.Range(0, 240).Select(i => pattern[i % 12]).ToArray();
        var ml = new MLContext(seed: 1);
        var data = View(ml, values);
        var result = ml.Forecasting.CreateSweep(Sweep(NetworksAndTrees(), season: 12)).Run(data);
        _output.WriteLine(result.Leaderboard.Format());

        Assert.Equal(2, result.Baselines.Count);                                   // naive and seasonal naive, always scored
        Assert.All(result.Baselines, b => Assert.Contains(result.Leaderboard.Rows, r => r.TrialId == b.TrialId));
        Assert.True(result.BaselineRecommended);
        Assert.Equal("seasonal-naive", result.BestConfiguration.GetString("model"));
        Assert.Equal(0, result.BestTrial.Objective);
        Assert.True(result.SweepBestTrial.Objective > 0);
        Assert.Null(result.BestOptions);
        Assert.Equal(ForecasterKind.SeasonalNaive, result.BestLagWindowOptions!.Kind);
        using var model = result.BestModel;
        Assert.Equal((ForecasterKind.SeasonalNaive, 12), (model.Spec.Kind, model.Spec.Lookback));
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");
        Assert.Equal(new[] { values[239 + 1 - 12], values[239 + 2 - 12] }, forecasts[239]);
    }

    [Fact]
    public void NaiveWinsOnARandomWalk()
    {
        var rng = new Random(8);
        var values = new float[240];
        for (int i = 1; i < values.Length; i++)
            values[i] = values[i - 1] + (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var ml = new MLContext(seed: 1);
        var space = new SweepSearchSpace()
            .Add(new Choice("model", "lstm"))
            .Add(new Choice("regularization", "none"))
            .Add(new IntRange("lookback", 12, 24))
            .Add(new Choice("hidden_size", "8"))
            .Add(new FloatRange("learning_rate", 1e-3, 1e-2, logScale: true))
            .Add(new Choice("batch_size", "32"));
        var result = ml.Forecasting.CreateSweep(Sweep(space, season: 1, trials: 2)).Run(View(ml, values));
        _output.WriteLine(result.Leaderboard.Format());

        Assert.Single(result.Baselines);                                           // season 1: seasonal naive = naive
        Assert.True(result.BaselineRecommended);
        Assert.Equal("naive", result.BestConfiguration.GetString("model"));
        Assert.True(result.BestTrial.Objective < result.SweepBestTrial.Objective);
        Assert.Equal(ForecasterKind.Naive, result.BestLagWindowOptions!.Kind);
        using var model = result.BestModel;
        Assert.Equal(ForecasterKind.Naive, model.Spec.Kind);
    }

    [Fact]
    public void AFastTreeWinnerRefitsSavesLoadsAndForecastsTheSameBits()
    {
        using var temp = new TempFolder();
        string path = temp.File("fasttree.zip");
        var rows = ForecastingTestData.NoisySine(240, seed: 2);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var space = new SweepSearchSpace()
            .Add(new Choice("model", "fasttree"))
            .Add(new IntRange("lookback", 24, 30))
            .Add(new IntRange("trees", 20, 40))
            .Add(new IntRange("leaves", 4, 8));
        var options = Sweep(space, season: 1, trials: 2);
        options.LabelColumnName = nameof(SeriesRow.Value);
        var result = ml.Forecasting.CreateSweep(options).Run(data);
        _output.WriteLine(result.Leaderboard.Format());

        Assert.False(result.BaselineRecommended);
        Assert.Equal(3, result.Leaderboard.Rows.Count);                            // two trials and the naive baseline
        Assert.Equal(ForecasterKind.FastTree, result.BestLagWindowOptions!.Kind);
        Assert.Equal(result.BestConfiguration.GetInt("lookback"), result.BestLagWindowOptions.Lookback);
        using var model = result.BestModel;
        Assert.Equal(ForecasterKind.FastTree, model.Spec.Kind);
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");
        Assert.All(forecasts[^1], v => Assert.True(float.IsFinite(v)));

        ml.Model.SaveAtomically(model, data.Schema, path);
        var fresh = new MLContext(seed: 42);
        using var loaded = (PrunedForecastingTransformer)fresh.Model.LoadForecaster(path, out _);
        var freshData = fresh.Data.LoadFromEnumerable(rows);
        Assert.True(ForecastingTestData.BitIdentical(forecasts, ForecastingTestData.ReadVectors(loaded.Transform(freshData), "Forecast")));
        var engine = loaded.CreateForecastEngine<SeriesRow>(fresh);
        engine.Update(rows);
        Assert.Equal(forecasts[^1], engine.Predict().Forecast);
    }

    [Fact]
    public void ASeasonLongerThanTheFoldsAllowIsRefusedNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var values = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.CreateSweep(Sweep(NetworksAndTrees(), season: 60)).Run(View(ml, values)));
        Assert.Equal("SeasonalPeriod", e.ParamName);
        Assert.Contains("ForecastingSweepOptions.SeasonalPeriod (60)", e.Message);
    }

    [Fact]
    public void ALagWindowConfigurationMapsToItsOptions()
    {
        var sweep = Sweep(NetworksAndTrees(), season: 7);
        var config = new Configuration(new Dictionary<string, string> { ["model"] = "lightgbm", ["lookback"] = "14", ["trees"] = "50", ["leaves"] = "6", ["tree_learning_rate"] = "0.05" });
        Assert.True(ForecastingTrialRunner.IsLagWindow(config));
        var o = ForecastingTrialRunner.CreateLagWindowOptions(config, sweep, seed: 3);
        Assert.Equal((ForecasterKind.LightGbm, 14, 50, 6, 0.05, 7, 2, 3), (o.Kind, o.Lookback, o.NumberOfTrees, o.NumberOfLeaves, o.LearningRate, o.SeasonalPeriod, o.Horizon, o.Seed));
        Assert.Equal(1, ForecastingTrialRunner.ThreadsFor(config, sweep));
        var network = new Configuration(new Dictionary<string, string> { ["model"] = "lstm" });
        Assert.False(ForecastingTrialRunner.IsLagWindow(network));
        Assert.Throws<ArgumentException>(() => ForecastingTrialRunner.CreateLagWindowOptions(network, sweep, 0));

        // The default space samples every model that learns — never a baseline, which every sweep scores outside the
        // trial budget — each with only its own parameters.
        var space = ForecastingSearchSpace.Default;
        var rng = new Random(1);
        var sampled = Enumerable.Range(0, 300).Select(_ => space.Sample(rng)).ToArray();
        Assert.Equal(ForecastingSearchSpace.SearchedModels.OrderBy(m => m), sampled.Select(c => c.GetString("model")).Distinct().OrderBy(m => m));
        Assert.Equal(ForecastingSearchSpace.Models.Except(ForecastingSearchSpace.BaselineModels).OrderBy(m => m), ForecastingSearchSpace.SearchedModels.OrderBy(m => m));
        Assert.All(sampled.Where(c => c.GetString("model") == "fasttree"), c => Assert.False(c.Contains("regularization")));

        // A space may still offer the baselines; a draw of one carries no parameter.
        var withNaive = ForecastingSearchSpace.Default.Remove("d_model").Remove("heads").Replace(new Choice("model", "naive", "lstm", "fasttree"));
        var naiveDraws = Enumerable.Range(0, 100).Select(_ => withNaive.Sample(rng)).Where(c => c.GetString("model") == "naive").ToArray();
        Assert.NotEmpty(naiveDraws);
        Assert.All(naiveDraws, c => Assert.Equal(new[] { "model" }, c.Keys));
    }
}
