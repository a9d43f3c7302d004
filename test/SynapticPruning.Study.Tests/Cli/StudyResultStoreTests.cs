using System.Text;
using Samples.Study;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

public class StudyResultStoreTests
{
    private static StudyTrial Trial(int seed, string method = "pruning") => new(
        StudyTrial.MakeId(StudyProtocol.Rigorous, "bitcoin", "full", "lstm", method, 7, 1, seed, 8),
        StudyProtocol.Rigorous, "bitcoin", "full", "lstm", method, 7, 1, seed, 8, false, StudyTrainingSettings.For(StudyProtocol.Rigorous));

    private static StudyTrialResult Result(double mae) => new()
    {
        Mae = mae, Rmse = mae * 2, Mape = 3.5, NaiveMae = 10, TrainSeconds = 1.25, EpochsRun = 6, FinalSparsity = 0.61,
        LayerSparsity = new Dictionary<string, double> { ["rnn.weight_ih_l0"] = 0.5, ["head.weight"] = 0.75 },
        SparsityHistory = [new(0, 0), new(1, 0), new(2, 0.3)],
        TestActual = [1, 2, 3], TestForecast = [1.5f, 2, 2.5f],
    };

    [Fact]
    public void AppendThenLoad_RoundTripsEveryColumn()
    {
        using var dir = new TempFolder();
        var store = new StudyResultStore(dir.Path);
        store.Append(Trial(42), Result(1.0 / 3));
        var rows = new StudyResultStore(dir.Path).Load();
        var r = Assert.Single(rows);
        Assert.Equal(Trial(42).Id, r.Id);
        Assert.Equal(1.0 / 3, r.Mae); // "R" format round-trips doubles exactly
        Assert.Equal(10, r.NaiveMae);
        Assert.Equal(6, r.Epochs);
        Assert.Equal(0.61, r.FinalSparsity);
        Assert.Equal(0.75, r.LayerSparsity["head.weight"]);
        Assert.Equal("head.weight=0.75;rnn.weight_ih_l0=0.5", StudyResultRow.FormatLayerSparsity(r.LayerSparsity));
        var header = File.ReadLines(store.ResultsPath).First();
        Assert.Equal(string.Join(",", StudyResultRow.Columns), header);
        var detail = store.LoadDetails()[Trial(42).Id];
        Assert.Equal([1f, 2f, 3f], detail.Actual!);
        Assert.Equal(0.3, detail.Sparsity[2][1]);
    }

    [Fact]
    public void TruncatedLastLine_IsIgnored_ThenCutOff_SoTheNextAppendStartsOnItsOwnLine()
    {
        using var dir = new TempFolder();
        var store = new StudyResultStore(dir.Path);
        store.Append(Trial(42), Result(1));
        store.Append(Trial(43), Result(2));
        // Simulate a crash in the middle of the third append.
        var partial = StudyResultRow.From(Trial(44), Result(3)).ToCsvLine();
        File.AppendAllText(store.ResultsPath, partial[..(partial.Length / 2)], new UTF8Encoding(false));

        var reopened = new StudyResultStore(dir.Path);
        Assert.Equal(1, reopened.TruncatedLinesRemoved);
        Assert.Equal([Trial(42).Id, Trial(43).Id], reopened.Load().Select(r => r.Id).Order());
        reopened.Append(Trial(44), Result(3));
        var ids = new StudyResultStore(dir.Path).Load().Select(r => r.Id).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Contains(Trial(44).Id, ids);
        Assert.All(File.ReadAllLines(reopened.ResultsPath).Skip(1), l => Assert.Equal(StudyResultRow.Columns.Length, l.Split(',').Length));
    }

    [Fact]
    public void MalformedLine_IsSkippedAndCounted()
    {
        using var dir = new TempFolder();
        var store = new StudyResultStore(dir.Path);
        store.Append(Trial(42), Result(1));
        File.AppendAllText(store.ResultsPath, "garbage,line\n");
        store.Append(Trial(43), Result(2));
        var rows = store.Load();
        Assert.Equal(2, rows.Count);
        Assert.Equal(1, store.SkippedLines);
        Assert.Equal(2, store.FinishedIds().Count);
    }

    [Fact]
    public void ForecastsAreKeptForTheLastWindowsOnly()
    {
        using var dir = new TempFolder();
        var store = new StudyResultStore(dir.Path);
        var n = StudyResultStore.MaxForecastPoints + 50;
        var actual = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        store.Append(Trial(42), Result(1) with { TestActual = actual, TestForecast = actual });
        var detail = store.LoadDetails()[Trial(42).Id];
        Assert.Equal(StudyResultStore.MaxForecastPoints, detail.Actual!.Length);
        Assert.Equal(50f, detail.Actual[0]);
    }
}
