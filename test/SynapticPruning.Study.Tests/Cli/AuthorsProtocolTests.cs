using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Data;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using Samples.Study;
using TorchSharp;
using Xunit;
using SynapticPruning.Study.Data;

namespace SynapticPruning.Study.Tests.Cli;

[Collection("Torch")]
public class AuthorsProtocolTests
{
    private static readonly string s_root = BundledDatasets.FindDataRoot();

    // 12 daily rows from Friday 2024-03-29 (Q1, ISO week 13) to Tuesday 2024-04-09 (Q2, week 15); every column has more
    // than 10 distinct values, as auto_feature_engineering needs to treat it as numeric.
    private static TimeSeriesTable HandMade(double[]? close = null, double[]? volume = null)
    {
        var time = Enumerable.Range(0, 12).Select(i => new DateTime(2024, 3, 29, 0, 0, 0, DateTimeKind.Utc).AddDays(i)).ToArray();
        close ??= Enumerable.Range(1, 12).Select(i => 10.0 * i).ToArray();
        volume ??= Enumerable.Range(0, 12).Select(i => 100.0 + i * i).ToArray();
        var open = Enumerable.Range(0, 12).Select(i => 5.0 + i).ToArray();
        return new TimeSeriesTable(["open", "close", "volume"], [open, close, volume], time, timeColumnName: "timeOpen");
    }

    private static double[] Column((IReadOnlyList<string> Names, IReadOnlyList<double[]> Columns) f, string name)
    {
        int i = f.Names.ToList().IndexOf(name);
        Assert.True(i >= 0, $"no column {name}; columns: {string.Join(", ", f.Names)}");
        return f.Columns[i];
    }

    [Fact]
    public void Engineer_ProducesTheAuthorsColumns_InTheirOrder_WithoutTheTarget()
    {
        var f = AuthorsFeatureEngineering.Engineer(HandMade(), "close", [1, 3], [1, 2]);
        Assert.Equal(
            ["timeOpen", "open", "volume", "timeOpen_day", "timeOpen_month", "timeOpen_week", "timeOpen_year", "timeOpen_quarter",
             "timeOpen_dayofweek", "timeOpen_is_weekend", "close_lag_1", "close_lag_3", "close_lead_1", "close_lead_2"], f.Names);
        Assert.DoesNotContain("close", f.Names);
    }

    [Fact]
    public void Engineer_LagsLookBack_LeadsAreFutureValues_AndTheEdgesAreFilledForwardThenBackward()
    {
        var f = AuthorsFeatureEngineering.Engineer(HandMade(), "close", [1, 3], [1, 2]);
        // close = 10, 20, …, 120.
        Assert.Equal([10, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], Column(f, "close_lag_1"));          // row 0 back-filled
        Assert.Equal([10, 10, 10, 10, 20, 30, 40, 50, 60, 70, 80, 90], Column(f, "close_lag_3"));
        Assert.Equal([20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 120], Column(f, "close_lead_1"));      // the next target; last row forward-filled
        Assert.Equal([30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 120, 120], Column(f, "close_lead_2"));
    }

    [Fact]
    public void Engineer_DateParts_AreUtcCalendarParts_WithMondayZero_AndIsoWeeks()
    {
        var f = AuthorsFeatureEngineering.Engineer(HandMade(), "close", [1], [1]);
        // 2024-03-29 is a Friday: Fri Sat Sun Mon … ; 2024-04-01 (Monday) starts ISO week 14.
        Assert.Equal([29, 30, 31, 1, 2, 3, 4, 5, 6, 7, 8, 9], Column(f, "timeOpen_day"));
        Assert.Equal([3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4], Column(f, "timeOpen_month"));
        Assert.Equal([13, 13, 13, 14, 14, 14, 14, 14, 14, 14, 15, 15], Column(f, "timeOpen_week"));
        Assert.Equal([1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2], Column(f, "timeOpen_quarter"));
        Assert.Equal([4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1], Column(f, "timeOpen_dayofweek"));
        Assert.Equal([0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0], Column(f, "timeOpen_is_weekend"));
        Assert.All(Column(f, "timeOpen_year"), y => Assert.Equal(2024, y));
        var clock = Column(f, "timeOpen");
        Assert.Equal((new DateTime(2024, 3, 29) - DateTime.UnixEpoch).TotalSeconds, clock[0]);
        Assert.Equal(86_400, clock[1] - clock[0]);
    }

    [Fact]
    public void Engineer_FillsMissingValues_AsTheAuthors()
    {
        var close = Enumerable.Range(1, 12).Select(i => 10.0 * i).ToArray();
        close[0] = double.NaN;
        close[11] = double.NaN;
        var volume = Enumerable.Range(0, 12).Select(i => 100.0 + i * i).ToArray();
        volume[4] = double.NaN;
        var f = AuthorsFeatureEngineering.Engineer(HandMade(close, volume), "close", [1], [1]);
        // lag_1 = NaN, NaN, 20, …, 100 → back-filled with 20; lead_1 = 20, …, 110, NaN, NaN → forward-filled with 110.
        Assert.Equal([20, 20, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], Column(f, "close_lag_1"));
        Assert.Equal([20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 110, 110], Column(f, "close_lead_1"));
        double meanVolume = volume.Where(v => !double.IsNaN(v)).Average();
        Assert.Equal(meanVolume, Column(f, "volume")[4], 12);
    }

    [Fact]
    public void Engineer_Guards_NameTheProblem()
    {
        var table = HandMade();
        Assert.Contains("'price'", Assert.Throws<ArgumentException>(() => AuthorsFeatureEngineering.Engineer(table, "price", [1], [1])).Message);
        Assert.Contains("at least 1", Assert.Throws<ArgumentException>(() => AuthorsFeatureEngineering.Engineer(table, "close", [0], [1])).Message);
        var noTime = new TimeSeriesTable(["close"], [Enumerable.Range(0, 12).Select(i => (double)i).ToArray()]);
        Assert.Contains("time column", Assert.Throws<ArgumentException>(() => AuthorsFeatureEngineering.Engineer(noTime, "close", [1], [1])).Message);
        var lowCardinality = new TimeSeriesTable(["flag", "close"],
            [Enumerable.Range(0, 12).Select(i => (double)(i % 2)).ToArray(), Enumerable.Range(0, 12).Select(i => (double)i).ToArray()],
            Enumerable.Range(0, 12).Select(i => new DateTime(2024, 1, 1).AddDays(i)).ToArray());
        Assert.Contains("label-encode", Assert.Throws<ArgumentException>(() => AuthorsFeatureEngineering.Engineer(lowCardinality, "close", [1], [1])).Message);
    }

    [Fact]
    public void Standardize_UsesThePopulationStd_AndOnlyCentresAConstantColumn()
    {
        var z = AuthorsFeatureEngineering.Standardize([1, 2, 3, 4]);
        double s = Math.Sqrt(1.25); // population std of 1..4
        double[] expected = [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], z[i], 12);
        Assert.Equal([0.0, 0.0, 0.0], AuthorsFeatureEngineering.Standardize([7, 7, 7]));
        Assert.Throws<ArgumentException>(() => AuthorsFeatureEngineering.Standardize([1, double.NaN]));
    }

    [Fact]
    public void LoadAuthors_Bitcoin_Has23Inputs_StandardisedTarget_AndThePaperSplit()
    {
        var d = StudyDataLoader.LoadAuthors(s_root);
        Assert.Equal(StudyProtocol.Authors, d.Protocol);
        Assert.Equal(365, d.RowCount);
        Assert.Equal(23, d.Covariates.Count);
        Assert.DoesNotContain("close", d.Covariates);
        Assert.Contains("close_lead_1", d.Covariates);
        Assert.Contains("marketCap", d.Covariates);

        // Target and inputs standardised over the whole series with the population std.
        foreach (var values in new[] { d.Target }.Concat(d.Covariates.Select(d.Series.Covariate)))
        {
            Assert.Equal(0, values.Average(), 9);
            Assert.Equal(1, Math.Sqrt(values.Average(v => v * v)), 9);
        }
        // close_lead_1 is the next target (a standardised copy of it): perfectly correlated with the target one row later.
        var y = d.Target;
        var lead = d.Series.Covariate("close_lead_1");
        double r = Correlation(y[1..], lead[..^1]);
        Assert.True(r > 0.999999, $"correlation {r}");

        // Their create_sequences + train_test_split_ts: N − L windows, the first ⌊0.8W⌋ train, the rest validates and is scored.
        var split = d.GetSplit(60, 1);
        Assert.Equal(244, split.TrainOrigins.Count);
        Assert.Equal(61, split.TestOrigins.Count);
        Assert.True(split.ValidationIsTest);
        Assert.Equal(split.TestOrigins, split.ValidationOrigins);
        Assert.Equal(StudyScalerPolicy.WholeSeries, split.ScalerPolicy);
        Assert.Equal(59, split.TrainOrigins[0]);     // window X[0, 60) → y[60]
        Assert.Equal(363, split.TestOrigins[^1]);    // window X[304, 364) → y[364]
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b, (x, z) => (x - ma) * (z - mb)).Sum();
        return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(z => (z - mb) * (z - mb)));
    }

    [Fact]
    public void Settings_OfTheAuthorsProtocol_AreTheirs()
    {
        var s = StudyTrainingSettings.For(StudyProtocol.Authors);
        Assert.Equal(EarlyStoppingRule.ConsecutiveNonDecreasing, s.EarlyStopping);
        Assert.Equal(3, s.Patience);
        Assert.False(s.RestoreBestWeights);
        Assert.Equal(1, s.McSamples);
        Assert.Equal(StudyScheduleCounting.AuthorsZeroBased, s.ScheduleCounting);
        Assert.True(s.FeaturesOnlyInput);
        Assert.True(s.StochasticMcValidation);
        Assert.Equal(InstanceNormalization.None, s.RecurrentNormalization);
        Assert.Equal(EarlyStoppingRule.Patience, StudyTrainingSettings.For(StudyProtocol.Paper).EarlyStopping);
        Assert.False(StudyTrainingSettings.For(StudyProtocol.Paper).FeaturesOnlyInput);
    }

    [Fact]
    public void Options_ProtocolAuthors_DefaultsToBitcoinLstmTenSeedsHorizon1()
    {
        var o = StudyOptions.Parse(["--protocol", "authors"]);
        Assert.Equal(StudyProtocol.Authors, o.Protocol);
        Assert.Equal(["bitcoin"], o.Datasets);
        Assert.Equal(["lstm"], o.Models);
        Assert.Equal(Enumerable.Range(42, 10), o.Seeds);
        Assert.Equal([1], o.Horizons);
        Assert.Equal(StudyMethods.PaperArms.Concat(StudyMethods.Baselines), o.Methods);
        Assert.Equal(Path.Combine("study-results", "authors"), o.OutputDirectory);
        Assert.Equal(["lstm"], StudyOptions.Parse(["--protocol", "authors", "--quick"]).Models);
    }

    [Theory]
    [InlineData("--datasets", "--datasets", "aapl")]
    [InlineData("--models", "--models", "lstm,gru")]
    [InlineData("--covariates", "--covariates")]
    [InlineData("--data", "--data", "x.csv", "--target", "y")]
    [InlineData("--horizon", "--horizon", "7")]
    [InlineData("--backtest", "--backtest", "3")]
    [InlineData("--methods", "--methods", "pruning-zhugupta")]
    public void Options_ProtocolAuthors_RefusesWhatItCannotReproduce_NamingTheOption(string option, params string[] more)
    {
        var e = Assert.Throws<ArgumentException>(() => StudyOptions.Parse(["--protocol", "authors", .. more]));
        Assert.StartsWith(option, e.Message);
        Assert.Contains("authors", e.Message);
    }

    [Fact]
    public void Options_UnknownProtocol_ListsAuthors()
        => Assert.Contains("'authors'", Assert.Throws<ArgumentException>(() => StudyOptions.Parse(["--protocol", "theirs"])).Message);

    private static ForecasterSpec Spec(double dropout = 0) =>
        new() { Kind = ForecasterKind.Lstm, Lookback = 5, Horizon = 1, TargetChannels = 1, CovariateChannels = 3, HiddenSize = 8, DropoutRate = dropout };

    [Fact]
    public void AuthorsLstm_IgnoresTheTargetChannel_AndPrunesTheAuthorsTensors()
    {
        torch.manual_seed(1);
        using var module = new AuthorsLstmForecaster(Spec(), dropoutAtInference: false, seed: 1);
        using var x = torch.randn(4, 5, 4);
        using var other = x.clone();
        other.select(2, 0).copy_(torch.randn(4, 5));   // a different target channel, same covariates
        using var a = module.forward(x);
        using var b = module.forward(other);
        Assert.Equal([4L, 1, 1], a.shape);
        Assert.True(a.allclose(b, 0, 0));
        var names = PrunableParameterSelection.Select(module, new PruningOptions()).Select(p => p.Name).ToArray();
        Assert.Equal(["lstm.weight_ih_l0", "lstm.weight_hh_l0", "head.weight"], names);
        Assert.Equal([8L * 4, 3], module.named_parameters().First(p => p.name == "lstm.weight_ih_l0").parameter.shape);
    }

    [Fact]
    public void AuthorsLstm_DropoutAtInference_MakesInferenceStochastic_OnlyWhenAsked()
    {
        torch.manual_seed(1);
        using var mc = new AuthorsLstmForecaster(Spec(0.3), dropoutAtInference: true, seed: 7);
        torch.manual_seed(1);
        using var plain = new AuthorsLstmForecaster(Spec(0.3), dropoutAtInference: false, seed: 7);
        using var x = torch.randn(16, 5, 4);
        using var m1 = mc.forward(x);
        using var m2 = mc.forward(x);
        using var p1 = plain.forward(x);
        using var p2 = plain.forward(x);
        Assert.False(m1.allclose(m2, 0, 0));
        Assert.True(p1.allclose(p2, 0, 0));
        Assert.Throws<ArgumentException>(() => new AuthorsLstmForecaster(Spec(0), dropoutAtInference: true, seed: 1));
        Assert.Throws<ArgumentException>(() => new AuthorsLstmForecaster(Spec() with { Kind = ForecasterKind.Gru }, false, 1));
        Assert.Throws<ArgumentException>(() => new AuthorsLstmForecaster(Spec() with { CovariateChannels = 0 }, false, 1));
    }

    [Fact]
    public void EndToEnd_AuthorsProtocol_OneSeedOneLookbackTwoEpochs_RunsEveryArm_AndReportsTheLeak()
    {
        using var dir = new TempFolder();
        var o = new StringWriter();
        var e = new StringWriter();
        int code = StudyCommand.Run(["--protocol", "authors", "--methods", "none,dropout,mc-dropout,pruning,naive", "--lookbacks", "3",
            "--seeds", "42..42", "--epochs", "2", "--parallel", "1", "--out", dir.Path], () => new TrainingStudyRunner(), o, e, interactive: false, CancellationToken.None);
        Assert.True(code == StudyCommand.Success, o.ToString() + e);
        var rows = new StudyResultStore(dir.Path).Load();
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(StudyProtocol.Authors, r.Protocol));
        Assert.All(rows, r => Assert.True(double.IsFinite(r.Mae) && r.Mae > 0, $"{r.Id}: MAE {r.Mae}"));
        Assert.All(rows.Where(r => !r.IsBaseline), r => Assert.InRange(r.Epochs, 1, 2));
        // Units: standardised close; the naive MAE of the last 72 windows of Bitcoin is a fraction of one std.
        Assert.InRange(rows.Single(r => r.Method == "naive").Mae, 0.01, 0.5);
        Assert.True(rows.Single(r => r.Method == "pruning").FinalSparsity > 0);
        var md = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains(StudyReport.AuthorsFlawsHeading, md);
        Assert.Contains("close_lead_1", md);
    }
}
