using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class SweepResultsStoreTests
{
    private static TrialRecord Record(int i, string sweep = "s")
    {
        var request = new TrialRequest(sweep, Configuration.Empty.With("i", i), seed: i, rung: 0, epochBudget: 1, maxEpochs: 1, TestData.Data);
        return new TrialRecord(request, TrialResult.Succeeded(request.TrialId, i / 10.0));
    }

    [Fact]
    public void MissingFile_LoadsEmpty()
    {
        using var tmp = new TempFolder();
        Assert.Empty(new SweepResultsStore(tmp.File("none.jsonl")).Load());
    }

    [Fact]
    public void TruncatedLastLine_IsIgnoredWithWarning_AndLaterAppendsStayReadable()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("sub/results.jsonl");
        var store = new SweepResultsStore(path);
        for (int i = 0; i < 3; i++)
            store.Append(Record(i));
        string partial = Record(3).ToJson();
        File.AppendAllText(path, partial[..(partial.Length / 2)]); // crash mid-write: no newline

        var loaded = store.Load();
        Assert.Equal(3, loaded.Count);
        var warning = Assert.Single(store.Warnings);
        Assert.Contains("line 4", warning);
        Assert.Contains("truncated", warning);

        store.Append(Record(4));
        var reloaded = new SweepResultsStore(path);
        Assert.Equal(new[] { 0.0, 0.1, 0.2, 0.4 }, reloaded.Load().Select(r => r.Result.Objective));
        Assert.Single(reloaded.Warnings);
    }

    [Fact]
    public void NewerVersionRecord_IsAnError()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("r.jsonl");
        File.WriteAllText(path, Record(1).ToJson().Replace("{\"request\":{\"version\":1,", "{\"request\":{\"version\":7,") + "\n");
        var ex = Assert.Throws<InvalidDataException>(() => new SweepResultsStore(path).Load());
        Assert.Contains("line 1", ex.Message);
        Assert.Contains("version 7", ex.Message);
    }

    [Fact]
    public void CancelledTrials_AreNotRecorded()
    {
        using var tmp = new TempFolder();
        var r = Record(1);
        Assert.Throws<ArgumentException>(() => new SweepResultsStore(tmp.File("r.jsonl")).Append(new TrialRecord(r.Request, TrialResult.Cancelled(r.TrialId))));
    }

    [Fact]
    public void Append_IsIdempotentByTrialId_AndFirstRecordWinsOnLoad()
    {
        using var tmp = new TempFolder();
        var store = new SweepResultsStore(tmp.File("r.jsonl"));
        var r = Record(1);
        Assert.True(store.Append(r));
        Assert.False(store.Append(new TrialRecord(r.Request, TrialResult.Succeeded(r.TrialId, 99))));
        Assert.Single(File.ReadAllLines(store.Path));
        Assert.Equal(0.1, Assert.Single(store.Load()).Result.Objective);

        // A duplicate written by other means: the first record wins on load.
        File.AppendAllText(store.Path, new TrialRecord(r.Request, TrialResult.Succeeded(r.TrialId, 42)).ToJson() + "\n");
        Assert.Equal(0.1, Assert.Single(store.Load()).Result.Objective);
    }

    [Fact]
    public void TruncatedLineOfATrial_DoesNotBlockRecordingItLater()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("r.jsonl");
        string json = Record(5).ToJson();
        File.WriteAllText(path, json[..(json.Length - 10)]); // the trial's own line, cut by a crash
        var store = new SweepResultsStore(path);
        Assert.Empty(store.Load());
        Assert.True(store.Append(Record(5)));
        Assert.Equal(0.5, Assert.Single(store.Load()).Result.Objective);
    }

    [Fact]
    public void ConcurrentAppendsFromSeparateStores_ProduceWholeLines()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("r.jsonl");
        // Separate instances = separate file handles and locks, as separate processes would have.
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            var store = new SweepResultsStore(path);
            for (int i = 0; i < 25; i++)
                store.Append(Record(w * 100 + i));
        });
        var store = new SweepResultsStore(path);
        var all = store.Load();
        Assert.Empty(store.Warnings);
        Assert.Equal(100, all.Count);
        Assert.Equal(100, File.ReadAllLines(path).Length);
    }
}
