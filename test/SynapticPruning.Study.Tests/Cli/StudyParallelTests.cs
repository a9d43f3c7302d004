using Samples.Study;
using TorchSharp;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>
/// The study's parallel path with real training in real worker processes (<c>dotnet Samples.dll study-worker</c>) on a tiny
/// grid: the same rows as the in-process serial run, resume after an interrupted parallel run, a worker that dies.
/// </summary>
[Collection("Torch")]
public sealed class StudyParallelTests : IClassFixture<StudyParallelTests.SerialReference>
{
    // bitcoin (365 rows), LSTM, lookback 7, 2 epochs: 3 arms × 2 seeds + naive + 2 DLinear + FastTree = 10 trials.
    private static readonly string[] Grid =
        ["--datasets", "bitcoin", "--models", "lstm", "--methods", "none,pruning,mc-dropout,naive,dlinear,fasttree",
         "--lookbacks", "7", "--seeds", "2", "--epochs", "2", "--horizon", "1", "--backtest", "1"];

    private const int GridTrials = 10;

    private readonly SerialReference _serial;

    public StudyParallelTests(SerialReference serial) => _serial = serial;

    /// <summary>The grid run serially in this test process (<c>--parallel 1</c>, the real runner), once for the class.</summary>
    public sealed class SerialReference : IDisposable
    {
        private readonly TempFolder _dir = new();

        public SerialReference()
        {
            // A process-wide thread count the workers do not have: a trial must not depend on it.
            int before = torch.get_num_threads();
            torch.set_num_threads(3);
            try
            {
                var o = new StringWriter();
                var e = new StringWriter();
                int code = StudyCommand.Run([.. Grid, "--parallel", "1", "--out", _dir.Path], () => new TrainingStudyRunner(), o, e, interactive: false, CancellationToken.None);
                Output = o.ToString() + e;
                if (code != StudyCommand.Success) throw new InvalidOperationException($"Serial reference run failed ({code}): {Output}");
            }
            finally
            {
                torch.set_num_threads(before);
            }
            Rows = Load(_dir.Path);
            Details = LoadDetails(_dir.Path);
        }

        public string Output { get; }
        public Dictionary<string, StudyResultRow> Rows { get; }
        public Dictionary<string, string> Details { get; }
        public void Dispose() => _dir.Dispose();
    }

    private static StudyWorkers TestWorkers(IReadOnlyDictionary<string, string>? environment = null) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "Samples.dll")], TrainingStudyRunner.ThreadsFor)
        {
            EnvironmentVariables = environment ?? new Dictionary<string, string>(),
        };

    // The parent must not run trials itself in these tests: its in-process runner fails every trial.
    private static IStudyTrialRunner NoInProcessRunner() => new UnwiredStudyTrialRunner();

    private static int RunParallel(string outDir, StudyWorkers workers, out string output, TextWriter? progress = null, CancellationToken ct = default,
        Func<IStudyTrialRunner>? inProcess = null)
    {
        var o = progress ?? new StringWriter();
        var e = new StringWriter();
        // Run on a separate task with a deadline: a hang fails the test instead of blocking the suite.
        var run = Task.Run(() => StudyCommand.Run([.. Grid, "--parallel", "2", "--out", outDir], inProcess ?? NoInProcessRunner, o, e, interactive: false, ct, workers));
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "The parallel study run did not finish within 120 s.");
        output = o + e.ToString();
        AssertNoWorkerLeft(outDir);
        return run.Result;
    }

    [Fact]
    public void SerialRunAndTwoWorkers_GiveBitIdenticalRows()
    {
        using var dir = new TempFolder();
        int code = RunParallel(dir.Path, TestWorkers(), out var output);
        Assert.True(code == StudyCommand.Success, output);
        Assert.Contains("Parallelism: 2 worker processes", output);
        Assert.Contains("Parallelism: 1", _serial.Output);
        Assert.Equal(GridTrials, _serial.Rows.Count);
        AssertSameRows(_serial.Rows, Load(dir.Path));
        Assert.Equal(_serial.Details, LoadDetails(dir.Path));
    }

    [Fact]
    public void ResumeAfterAnInterruptedParallelRun_FinishesTheGridWithTheSameRows()
    {
        using var dir = new TempFolder();
        using var cts = new CancellationTokenSource();
        // Interrupt as soon as the third trial is reported finished.
        var progress = new CancelOnLine("[3/", cts);
        int first = RunParallel(dir.Path, TestWorkers(), out var output, progress, cts.Token);
        Assert.True(first == StudyCommand.Interrupted, output);
        Assert.Contains("Parallelism: 2 worker processes", output);
        int kept = Load(dir.Path).Count;
        Assert.InRange(kept, 3, GridTrials - 1);

        int second = RunParallel(dir.Path, TestWorkers(), out output);
        Assert.True(second == StudyCommand.Success, output);
        Assert.Contains($"{kept} already in", output);
        Assert.Contains($"{GridTrials - kept} to run", output);
        var ids = File.ReadLines(Path.Combine(dir.Path, StudyResultStore.ResultsFileName)).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count()); // every trial appended exactly once
        AssertSameRows(_serial.Rows, Load(dir.Path));
    }

    [Fact]
    public void WorkerThatDiesOnATrial_GivesAFailedTrialAfterARetry_AndNoHang()
    {
        using var dir = new TempFolder();
        var victim = _serial.Rows.Keys.First(id => id.Contains("/lstm/pruning/", StringComparison.Ordinal));
        var crashing = TestWorkers(new Dictionary<string, string> { [StudyWorker.CrashOnTrialVariable] = victim });
        int code = RunParallel(dir.Path, crashing, out var output);
        Assert.True(code == StudyCommand.Success, output);
        Assert.Contains("Parallelism: 2 worker processes", output);
        Assert.Contains("1 failed (failures.log)", output);
        var failures = File.ReadAllText(Path.Combine(dir.Path, "failures.log"));
        Assert.Contains(victim, failures);
        Assert.Contains("WorkerExited", failures);
        Assert.Contains("tried 2 times", failures);
        var rows = Load(dir.Path);
        Assert.Equal(GridTrials - 1, rows.Count);
        Assert.DoesNotContain(victim, rows.Keys);

        // The failed trial is not in trials.csv, so a rerun runs exactly it — in this process, since --parallel is capped by
        // the number of trials left.
        code = RunParallel(dir.Path, TestWorkers(), out output, inProcess: () => new TrainingStudyRunner());
        Assert.True(code == StudyCommand.Success, output);
        Assert.Contains("1 to run", output);
        Assert.Contains("Parallelism: 1", output);
        AssertSameRows(_serial.Rows, Load(dir.Path));
    }

    private static void AssertSameRows(Dictionary<string, StudyResultRow> expected, Dictionary<string, StudyResultRow> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (id, e) in expected)
        {
            var a = actual[id];
            Assert.True(BitConverter.DoubleToInt64Bits(e.Mae) == BitConverter.DoubleToInt64Bits(a.Mae), $"{id}: MAE {e.Mae:R} vs {a.Mae:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(e.Rmse) == BitConverter.DoubleToInt64Bits(a.Rmse), $"{id}: RMSE {e.Rmse:R} vs {a.Rmse:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(e.Mape) == BitConverter.DoubleToInt64Bits(a.Mape), $"{id}: MAPE {e.Mape:R} vs {a.Mape:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(e.NaiveMae) == BitConverter.DoubleToInt64Bits(a.NaiveMae), $"{id}: naive MAE");
            Assert.Equal(e.Epochs, a.Epochs);
            Assert.Equal(e.FinalSparsity, a.FinalSparsity);
            Assert.Equal(e.LayerSparsity.OrderBy(kv => kv.Key), a.LayerSparsity.OrderBy(kv => kv.Key));
            Assert.Equal((e.Lookback, e.Horizon, e.Seed, e.Fold, e.Method, e.Model), (a.Lookback, a.Horizon, a.Seed, a.Fold, a.Method, a.Model));
        }
    }

    private static Dictionary<string, StudyResultRow> Load(string dir) =>
        new StudyResultStore(dir).Load().ToDictionary(r => r.Id, StringComparer.Ordinal);

    // Per trial: the sparsity history and the kept test forecasts, as stored (JSON text, exact).
    private static Dictionary<string, string> LoadDetails(string dir) =>
        File.ReadLines(Path.Combine(dir, StudyResultStore.DetailsFileName)).Where(l => l.Length > 0)
            .ToDictionary(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("Id").GetString()!, l => l, StringComparer.Ordinal);

    /// <summary>No process whose command line names <paramref name="outDir"/> (the workers get it in their arguments) is left.</summary>
    private static void AssertNoWorkerLeft(string outDir)
    {
        if (!OperatingSystem.IsLinux()) return;
        var left = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out int pid) || pid == Environment.ProcessId) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' '); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (cmdline.Contains(StudyWorker.CommandName, StringComparison.Ordinal) && cmdline.Contains(outDir, StringComparison.Ordinal))
                left.Add($"{pid}: {cmdline}");
        }
        Assert.True(left.Count == 0, "Worker processes left running: " + string.Join("; ", left));
    }

    /// <summary>A progress writer that cancels when a line starting with <paramref name="prefix"/> is written.</summary>
    private sealed class CancelOnLine(string prefix, CancellationTokenSource cts) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.StartsWith(prefix, StringComparison.Ordinal)) cts.Cancel();
        }
    }
}
