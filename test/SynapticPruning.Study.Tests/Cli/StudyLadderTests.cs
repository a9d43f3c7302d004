using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Training;
using Samples.Study;
using Xunit;
using SynapticPruning.Study.Data;

namespace SynapticPruning.Study.Tests.Cli;

[Collection("Torch")]
public class StudyLadderTests
{
    private static readonly string s_root = BundledDatasets.FindDataRoot();

    private static StudyLadderRung Rung(string name) => StudyLadder.Find(name);

    private static void SameSplit(StudySplit expected, StudySplit actual)
    {
        Assert.Equal(expected.TrainOrigins, actual.TrainOrigins);
        Assert.Equal(expected.ValidationOrigins, actual.ValidationOrigins);
        Assert.Equal(expected.TestOrigins, actual.TestOrigins);
        Assert.Equal(expected with { TrainOrigins = Array.Empty<int>(), ValidationOrigins = Array.Empty<int>(), TestOrigins = Array.Empty<int>() },
            actual with { TrainOrigins = Array.Empty<int>(), ValidationOrigins = Array.Empty<int>(), TestOrigins = Array.Empty<int>() });
    }

    [Fact]
    public void Rungs_AreTheDocumentedOnes_InLadderOrder()
    {
        Assert.Equal(
            ["authors", "no-leads", "target-only", "separate-validation", "train-scaler", "restore-best", "patience", "mc-validation", "mc-samples", "full-schedule", "window-norm"],
            StudyLadder.Rungs.Select(r => r.Name));
        Assert.Equal(Enumerable.Range(1, StudyLadder.Rungs.Count), StudyLadder.Rungs.Select(r => r.Number));
    }

    [Fact]
    public void FirstRung_IsTheAuthorsProtocol_LastRung_IsTheRigorousProtocol()
    {
        var first = StudyLadder.Rungs[0];
        Assert.Equal(StudyTrainingSettings.For(StudyProtocol.Authors), first.Settings);
        Assert.Equal(StudyProtocol.Authors, first.Protocol);
        Assert.True(first.ValidationIsTest);
        Assert.Equal(StudyScalerPolicy.WholeSeries, first.Scaler);
        Assert.Equal(StudyLadderInputs.AuthorsFeatures, first.Inputs);

        var last = StudyLadder.Rungs[^1];
        Assert.Equal(StudyTrainingSettings.For(StudyProtocol.Rigorous), last.Settings);
        Assert.Equal(StudyProtocol.Rigorous, last.Protocol);
        Assert.False(last.ValidationIsTest);
        Assert.Equal(StudyScalerPolicy.TrainOnly, last.Scaler);
        Assert.Equal(StudyLadderInputs.TargetChannel, last.Inputs);
    }

    [Fact]
    public void EveryRung_DiffersFromThePreviousOne_InExactlyTheDocumentedChoice()
    {
        string[] expected = ["inputs", "inputs", "validation", "scaler", "restore", "early stopping", "network / MC validation", "MC samples", "schedule", "window normalisation"];
        for (int i = 1; i < StudyLadder.Rungs.Count; i++)
        {
            var before = StudyLadder.Rungs[i - 1].Choices();
            var after = StudyLadder.Rungs[i].Choices();
            var changed = before.Zip(after).Where(p => p.First.Value != p.Second.Value).Select(p => p.First.Choice).ToArray();
            Assert.True(changed.Length == 1, $"{StudyLadder.Rungs[i]} changes {string.Join(", ", changed)}");
            Assert.Equal(expected[i - 1], changed[0]);
        }
    }

    [Fact]
    public void Settings_ChangeAlongTheLadder_OnlyWhereTheRungSays()
    {
        Assert.Equal(Rung("target-only").Settings, Rung("authors").Settings);
        Assert.Equal(Rung("train-scaler").Settings, Rung("authors").Settings);
        Assert.Equal(Rung("authors").Settings with { RestoreBestWeights = true }, Rung("restore-best").Settings);
        Assert.Equal(Rung("restore-best").Settings with { EarlyStopping = EarlyStoppingRule.Patience }, Rung("patience").Settings);
        Assert.Equal(Rung("patience").Settings with { FeaturesOnlyInput = false, StochasticMcValidation = false }, Rung("mc-validation").Settings);
        Assert.Equal(Rung("mc-validation").Settings with { McSamples = 30 }, Rung("mc-samples").Settings);
        Assert.Equal(Rung("mc-samples").Settings with { ScheduleCounting = StudyScheduleCounting.ReachesFinal }, Rung("full-schedule").Settings);
        Assert.Equal(Rung("full-schedule").Settings with { RecurrentNormalization = InstanceNormalization.WindowLast }, Rung("window-norm").Settings);
        Assert.Equal(StudyLadder.Rungs.Count, StudyLadder.Rungs.Select(r => r.DataVariant).Distinct().Count());
    }

    [Fact]
    public void Data_FirstRung_IsTheAuthorsProtocolsData_BitForBit()
    {
        var authors = StudyDataLoader.LoadAuthors(s_root);
        var rung = StudyLadderData.Load(Rung("authors"), "bitcoin", s_root);
        Assert.Equal(authors.Covariates, rung.Covariates);
        Assert.Equal(authors.Target, rung.Target);
        foreach (var c in authors.Covariates) Assert.Equal(authors.Series.Covariate(c), rung.Series.Covariate(c));
        SameSplit(authors.GetSplit(7, 1), rung.GetSplit(7, 1));
        Assert.Equal("ladder-authors", rung.DataVariant);
    }

    [Fact]
    public void Data_EachRung_ChangesInputsSplitAndScalerAsDocumented()
    {
        var leads = StudyLadderData.Load(Rung("authors"), "bitcoin", s_root);
        var noLeads = StudyLadderData.Load(Rung("no-leads"), "bitcoin", s_root);
        Assert.Equal(leads.Covariates.Where(c => !c.Contains("_lead_")), noLeads.Covariates);
        Assert.Equal(leads.Covariates.Count - 5, noLeads.Covariates.Count);

        var history = StudyLadderData.Load(Rung("target-only"), "bitcoin", s_root);
        Assert.Equal(["close_history"], history.Covariates);
        Assert.Equal(history.Target, history.Series.Covariate("close_history"));
        Assert.Equal(leads.Target, history.Target); // still standardised over the whole series
        SameSplit(leads.GetSplit(14, 1), history.GetSplit(14, 1));

        var separate = StudyLadderData.Load(Rung("separate-validation"), "bitcoin", s_root).GetSplit(14, 1);
        Assert.False(separate.ValidationIsTest);
        Assert.Equal(StudyScalerPolicy.WholeSeries, separate.ScalerPolicy);
        Assert.Equal(history.RowCount, separate.ScalerEnd);
        Assert.True(separate.ValidationEnd <= separate.TestStart);

        var trainScaler = StudyLadderData.Load(Rung("train-scaler"), "bitcoin", s_root);
        var split = trainScaler.GetSplit(14, 1);
        Assert.Equal(StudyScalerPolicy.TrainOnly, split.ScalerPolicy);
        Assert.Equal(split.TrainEnd, split.ScalerEnd);
        Assert.Equal(separate.TestOrigins, split.TestOrigins);
        Assert.True(trainScaler.Target.Average() > 1000, "the raw target (USD), not standardised");

        var channel = StudyLadderData.Load(Rung("mc-validation"), "bitcoin", s_root);
        Assert.Empty(channel.Covariates);
        Assert.Equal(trainScaler.Target, channel.Target);
    }

    [Fact]
    public void Data_Aapl_TakesTheAuthorsFeatureEngineering()
    {
        var aapl = StudyLadderData.Load(Rung("authors"), "aapl", s_root);
        Assert.Equal(1 + 4 + 7 + 5 + 5, aapl.Covariates.Count); // time, open/high/low/volume, date parts, lags, leads
        Assert.Contains("close_lead_1", aapl.Covariates);
        var e = Assert.Throws<ArgumentException>(() => StudyLadderData.Load(Rung("authors"), "air-quality", s_root));
        Assert.StartsWith("--datasets", e.Message);
    }

    [Fact]
    public void Options_Rung_SetsTheProtocolAndTheLadderGrid()
    {
        var o = StudyOptions.Parse(["--rung", "no-leads"]);
        Assert.Equal(Rung("no-leads"), o.Rung);
        Assert.Equal(StudyProtocol.Authors, o.Protocol);
        Assert.Equal(["bitcoin"], o.Datasets);
        Assert.Equal(["lstm"], o.Models);
        Assert.Equal(Enumerable.Range(42, 10), o.Seeds);
        Assert.Equal([1], o.Horizons);
        Assert.Equal([1, 3, 7, 14, 30, 60], o.Lookbacks);
        Assert.Equal([.. StudyMethods.PaperArms, .. StudyMethods.Baselines], o.Methods);

        var last = StudyOptions.Parse(["--rung", "window-norm", "--datasets", "aapl"]);
        Assert.Equal(StudyProtocol.Rigorous, last.Protocol);
        Assert.Equal(["aapl"], last.Datasets);
        Assert.Equal([1], last.Horizons);

        var ladder = StudyOptions.Parse(["--ladder"]);
        Assert.True(ladder.Ladder);
        Assert.Null(ladder.Rung);
        Assert.Equal(Path.Combine("study-results", "ladder"), ladder.OutputDirectory);
    }

    [Theory]
    [InlineData("--rung", "--rung", "no-such-rung")]
    [InlineData("--rung", "--ladder", "--rung", "authors")]
    [InlineData("--protocol", "--rung", "authors", "--protocol", "paper")]
    [InlineData("--protocol", "--ladder", "--protocol", "rigorous")]
    [InlineData("--datasets", "--ladder", "--datasets", "bitcoin,air-quality")]
    [InlineData("--models", "--rung", "patience", "--models", "gru")]
    [InlineData("--horizon", "--ladder", "--horizon", "7")]
    [InlineData("--covariates", "--ladder", "--covariates")]
    [InlineData("--backtest", "--rung", "window-norm", "--backtest", "3")]
    [InlineData("--methods", "--ladder", "--methods", "pruning,pruning-zhugupta")]
    [InlineData("--quick", "--ladder", "--quick")]
    [InlineData("--data", "--ladder", "--data", "x.csv", "--target", "y")]
    public void Options_Ladder_RefusesWhatItCannotRun_NamingTheOption(string option, params string[] args)
    {
        var e = Assert.Throws<ArgumentException>(() => StudyOptions.Parse(args));
        Assert.StartsWith(option, e.Message);
    }

    [Fact]
    public void RungArguments_ReplaceDatasetsAndOut_AndNameTheRung()
    {
        var args = StudyLadderCommand.RungArguments(["--ladder", "--datasets", "bitcoin,aapl", "--seeds", "42..43", "--out", "x"], "x", "aapl", Rung("patience"));
        Assert.Equal(["--seeds", "42..43", "--datasets", "aapl", "--rung", "patience", "--out", Path.Combine("x", "aapl", "patience")], args);
    }

    private static StudyLadderOutcome Outcome(int rung, double vsNone, double vsDropout, double vsMc, double pruningRank, double lower = -1, double p = 0.2)
    {
        var ranks = new Dictionary<string, double> { ["none"] = 2.5, ["dropout"] = 2.5, ["mc-dropout"] = 2.5, ["pruning"] = pruningRank };
        var changes = new[] { ("none", vsNone), ("dropout", vsDropout), ("mc-dropout", vsMc) }
            .Select(x => new StudyLadderChange(x.Item1, x.Item2, lower > 0 ? lower : x.Item2 - 10, x.Item2 + 10)).ToList();
        var relative = new Dictionary<string, double> { ["none"] = 2, ["dropout"] = 2, ["mc-dropout"] = 2, ["pruning"] = 1.9, ["naive"] = 1 };
        return new StudyLadderOutcome(StudyLadder.Rungs[rung - 1], "d", 240, 6, relative, 0.1, ranks, p, changes, "");
    }

    private static StudyLadderOutcome Incomplete(int rung) =>
        new(StudyLadder.Rungs[rung - 1], "d", 10, 0, new Dictionary<string, double>(), double.NaN, new Dictionary<string, double>(), double.NaN, [], "too few");

    [Fact]
    public void Verdict_NamesTheFirstRungWithoutTheAdvantage_AndWhereItReturns()
    {
        var outcomes = new List<StudyLadderOutcome> { Outcome(1, 10, 8, 9, 1.2, lower: 1, p: 0.01), Outcome(2, 5, 4, 3, 1.5), Outcome(3, 5, -1, 3, 1.5), Outcome(4, -5, -4, -3, 3.5) };
        outcomes.AddRange(Enumerable.Range(5, 6).Select(r => Outcome(r, -2, -2, -2, 3.0)));
        outcomes.Add(Outcome(11, 2, 2, 2, 1.0));
        var verdict = StudyLadderAnalysis.Verdict("d", outcomes);
        Assert.StartsWith("On d, pruning's advantage disappears at rung 3 (target-only)", verdict[0]);
        Assert.Contains("it returns on rung 11 (window-norm)", verdict[0]);
        Assert.Contains("clear (95 % interval of the mean % change above 0 against all three other arms) on rung 1 (authors).", verdict[1]);
        Assert.Contains("p < 0.05) on rung 1 (authors).", verdict[2]);
        Assert.Contains("no arm beats the naive forecast", verdict[3]);
    }

    [Fact]
    public void Verdict_BestRankAloneIsNotAnAdvantage_NorIsAPositiveChangeWithAWorseRank()
    {
        Assert.False(Outcome(1, 5, 5, -0.1, 1.0).PruningAdvantage);
        Assert.False(Outcome(1, 5, 5, 5, 2.5).PruningAdvantage); // tied with the others: not strictly best
        Assert.True(Outcome(1, 5, 5, 5, 2.4).PruningAdvantage);
        Assert.False(Outcome(1, 5, 5, 5, 1.0).ClearAdvantage);
        Assert.True(Outcome(1, 5, 5, 5, 1.0, lower: 0.5).ClearAdvantage);
    }

    [Fact]
    public void Verdict_NeverDisappears_NoAdvantageAtAll_AndIncompleteRungs()
    {
        var always = StudyLadder.Rungs.Select(r => Outcome(r.Number, 1, 1, 1, 1.0)).ToList();
        Assert.StartsWith("On d, pruning's advantage never disappears", StudyLadderAnalysis.Verdict("d", always)[0]);

        var never = StudyLadder.Rungs.Select(r => Outcome(r.Number, -1, -1, -1, 4.0)).ToList();
        Assert.StartsWith("On d, pruning has no advantage even on the authors' pipeline", StudyLadderAnalysis.Verdict("d", never)[0]);

        var partial = new List<StudyLadderOutcome> { Outcome(1, 1, 1, 1, 1.0), Outcome(2, 1, 1, 1, 1.0), Incomplete(3) };
        var line = StudyLadderAnalysis.Verdict("d", partial)[0];
        Assert.Contains("never disappears", line);
        Assert.Contains("the verdict covers rungs 1–2", line);

        Assert.Contains("no verdict", StudyLadderAnalysis.Verdict("d", [Incomplete(1)])[0]);

        var onlyFirst = StudyLadderAnalysis.Verdict("d", [Outcome(1, -1, -1, -1, 4.0), Incomplete(2)])[0];
        Assert.DoesNotContain("later rung", onlyFirst); // nothing is known about later rungs yet
        Assert.EndsWith("the verdict covers rung 1.", onlyFirst);
    }

    [Fact]
    public void EndToEnd_Ladder_OneSeedOneLookbackTwoEpochs_RunsEveryRung_AndWritesTheLadderReport()
    {
        using var dir = new TempFolder();
        var o = new StringWriter();
        var e = new StringWriter();
        int code = StudyCommand.Run(["--ladder", "--methods", "none,dropout,mc-dropout,pruning,naive", "--lookbacks", "3",
            "--seeds", "42..42", "--epochs", "2", "--parallel", "1", "--out", dir.Path], () => new TrainingStudyRunner(), o, e, interactive: false, CancellationToken.None);
        Assert.True(code == StudyCommand.Success, o.ToString() + e);
        foreach (var rung in StudyLadder.Rungs)
        {
            var rows = new StudyResultStore(StudyLadderReport.RungDirectory(dir.Path, "bitcoin", rung)).Load();
            Assert.Equal(5, rows.Count);
            Assert.All(rows, r => Assert.Equal(rung.Protocol, r.Protocol));
            Assert.All(rows, r => Assert.Equal(rung.DataVariant, r.DataVariant));
            Assert.All(rows, r => Assert.True(double.IsFinite(r.Mae) && r.Mae > 0, $"{r.Id}: MAE {r.Mae}"));
        }
        var md = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        foreach (var rung in StudyLadder.Rungs) Assert.Contains($"| {rung.Number} {rung.Name} |", md);
        Assert.Contains("On bitcoin: the first rung is not complete yet; no verdict.", md); // one lookback = one block: nothing to rank
        Assert.False(File.Exists(Path.Combine(dir.Path, "plots", "ladder-bitcoin.png"))); // nothing to plot without a ranked rung
        Assert.True(File.Exists(Path.Combine(dir.Path, "report.html")));
    }

    [Fact]
    public void Report_FromHandMadeRungs_RanksPlotsAndNamesTheRungWhereTheAdvantageDisappears()
    {
        using var dir = new TempFolder();
        // Rung 1: pruning best in both lookback blocks; rung 2: pruning worst; the other rungs have no trials yet.
        void WriteRung(string rung, double pruningMae)
        {
            var rows = new List<StudyResultRow>();
            foreach (int lookback in new[] { 3, 7 })
            {
                rows.Add(StudyTestData.Row("bitcoin", "baseline", "naive", lookback, 42, 1.0, 1.0));
                foreach (var (method, mae) in new[] { ("none", 2.0), ("dropout", 2.1), ("mc-dropout", 2.2), ("pruning", pruningMae) })
                    foreach (int seed in new[] { 42, 43 })
                        rows.Add(StudyTestData.Row("bitcoin", "lstm", method, lookback, seed, mae + 0.01 * seed + 0.1 * lookback, 1.0));
            }
            string folder = StudyLadderReport.RungDirectory(dir.Path, "bitcoin", Rung(rung));
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, StudyResultStore.ResultsFileName),
                [string.Join(",", StudyResultRow.Columns), .. rows.Select(r => r.ToCsvLine()), "truncated,line"]);
        }
        WriteRung("authors", 1.5);
        WriteRung("no-leads", 3.0);
        string csv = Path.Combine(StudyLadderReport.RungDirectory(dir.Path, "bitcoin", Rung("authors")), StudyResultStore.ResultsFileName);
        var before = File.ReadAllText(csv);

        var files = StudyLadderReport.Write(dir.Path, StudyLadder.Datasets, expectedBlocks: 2, expectedSeeds: 2);
        var unfinished = StudyLadderReport.Write(dir.Path, StudyLadder.Datasets, expectedBlocks: 3, expectedSeeds: 2);
        Assert.DoesNotContain(unfinished.Outcomes["bitcoin"], o => o.IsComplete); // a planned third lookback is missing
        Assert.Contains("no verdict", unfinished.Verdicts["bitcoin"][0]);
        var fewSeeds = StudyLadderReport.Write(dir.Path, StudyLadder.Datasets, expectedBlocks: 2, expectedSeeds: 3);
        Assert.DoesNotContain(fewSeeds.Outcomes["bitcoin"], o => o.IsComplete); // cells short of a planned seed
        files = StudyLadderReport.Write(dir.Path, StudyLadder.Datasets, expectedBlocks: 2, expectedSeeds: 2);

        Assert.Equal(before, File.ReadAllText(csv)); // read-only, even with a partial last line
        var outcomes = files.Outcomes["bitcoin"];
        Assert.Equal(StudyLadder.Rungs.Count, outcomes.Count);
        Assert.True(outcomes[0].PruningAdvantage);
        Assert.Equal(2, outcomes[0].Blocks);
        Assert.Equal(1.0, outcomes[0].AverageRanks["pruning"]);
        Assert.Equal(4.0, outcomes[1].AverageRanks["pruning"]);
        Assert.All(outcomes[0].Changes, c => Assert.True(c.Mean > 0));
        Assert.False(outcomes[2].IsComplete);
        Assert.False(files.Outcomes.ContainsKey("aapl"));
        var verdict = files.Verdicts["bitcoin"][0];
        Assert.StartsWith("On bitcoin, pruning's advantage disappears at rung 2 (no-leads)", verdict);
        Assert.Contains("the verdict covers rungs 1–2", verdict);
        var md = File.ReadAllText(files.MarkdownPath);
        Assert.Contains(verdict, md);
        Assert.Contains("| 1 authors | 18 |", md); // 2 lookbacks × (naive + 4 arms × 2 seeds); the partial line is skipped
        Assert.True(File.Exists(Path.Combine(dir.Path, "plots", "ladder-bitcoin.png")));
    }
}
