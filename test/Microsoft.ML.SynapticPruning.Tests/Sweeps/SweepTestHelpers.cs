using System.Collections.Concurrent;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

/// <summary>A cheap objective with a known optimum and a noisy learning curve (docs/study.md).</summary>
internal static class SyntheticObjective
{
    public const double NoiseScale = 0.5;
    public const double CurveScale = 1.0;

    public static SweepSearchSpace Space() => new SweepSearchSpace()
        .Add(new FloatRange("x", 0, 1))
        .Add(new FloatRange("lr", 1e-4, 1e-1, logScale: true))
        .Add(new Choice("kind", "a", "b", "c"));

    /// <summary>f(config) ≥ 0, minimal (0) at x = 0.3, lr = 10^-2.5, kind = a.</summary>
    public static double F(Configuration c)
    {
        double x = c.GetDouble("x");
        double l = Math.Log10(c.GetDouble("lr")) + 2.5;
        double kind = c.GetString("kind") switch { "a" => 0, "b" => 0.3, _ => 0.6 };
        return 4 * (x - 0.3) * (x - 0.3) + 0.5 * l * l + kind;
    }

    /// <summary>Observed loss after <paramref name="epochs"/> epochs: f + c/e + σ·z/√e, z ~ N(0,1) seeded by (seed, epochs).</summary>
    public static double Loss(Configuration c, int seed, int epochs)
    {
        var random = new Random(unchecked(seed * 1_000_003 + epochs));
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return F(c) + CurveScale / epochs + NoiseScale * z / Math.Sqrt(epochs);
    }
}

/// <summary>Deterministic fake runner: objective from the synthetic loss; counts calls and concurrency.</summary>
internal sealed class FakeRunner : ITrialRunner
{
    private readonly object _gate = new();
    private int _running;

    public Func<TrialRequest, CancellationToken, TrialResult>? Override { get; init; }
    public int DelayMilliseconds { get; init; }
    public bool JitterDelay { get; init; }
    public List<string> CalledIds { get; } = new();
    public int MaxObservedConcurrency { get; private set; }
    public int Calls { get { lock (_gate) return CalledIds.Count; } }

    public TrialResult Run(TrialRequest trial, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CalledIds.Add(trial.TrialId);
            _running++;
            MaxObservedConcurrency = Math.Max(MaxObservedConcurrency, _running);
        }
        try
        {
            if (Override is not null)
                return Override(trial, cancellationToken);
            int delay = JitterDelay ? (int)(Convert.ToUInt32(trial.TrialId[..4], 16) % 15) : DelayMilliseconds;
            if (delay > 0 && cancellationToken.WaitHandle.WaitOne(delay))
                cancellationToken.ThrowIfCancellationRequested();
            double loss = SyntheticObjective.Loss(trial.Configuration, trial.Seed, trial.EpochBudget);
            return TrialResult.Succeeded(trial.TrialId, loss, new Dictionary<string, double> { ["f"] = SyntheticObjective.F(trial.Configuration) }, trial.EpochBudget);
        }
        finally
        {
            lock (_gate) _running--;
        }
    }
}

/// <summary>Synchronous progress sink (the runner reports on its loop).</summary>
internal sealed class SyncProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sp-sweeps-" + Guid.NewGuid().ToString("N"));
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class TestData
{
    public static readonly DataReference Data = new("synthetic", new string('a', 64));
}

/// <summary>A string writer that may be read while another thread writes to it.</summary>
internal sealed class LockedWriter : StringWriter
{
    public override void Write(char value) { lock (this) base.Write(value); }
    public override void Write(string? value) { lock (this) base.Write(value); }
    public override void Write(char[] buffer, int index, int count) { lock (this) base.Write(buffer, index, count); }
    public override void WriteLine(string? value) { lock (this) base.WriteLine(value); }
    public override string ToString() { lock (this) return base.ToString(); }
}

/// <summary>Standard input of a worker whose parent is still there: lines arrive when sent; the end comes when <see cref="End"/> is called.</summary>
internal sealed class QueueReader : TextReader
{
    private readonly BlockingCollection<string> _lines = new();

    public void Send(string line) => _lines.Add(line);

    public void End() => _lines.CompleteAdding();

    public override string? ReadLine()
    {
        try { return _lines.Take(); }
        catch (InvalidOperationException) { return null; }
    }
}

/// <summary>Runs <see cref="TrialWorker.Run"/> the way a parent process drives it.</summary>
internal static class WorkerTestDriver
{
    /// <summary>Sends <paramref name="request"/>, waits for the reply line, then closes the input; returns the exit code and the reply (the text after <c>@reply </c>).</summary>
    public static (int ExitCode, string Reply) RunOnce(ITrialRunner runner, TrialRequest request)
    {
        var input = new QueueReader();
        var output = new LockedWriter();
        var worker = Task.Run(() => TrialWorker.Run(runner, input, output, new StringWriter()));
        input.Send(request.ToJson());
        string? reply = null;
        SpinWait.SpinUntil(() => (reply = output.ToString().Split('\n').FirstOrDefault(l => l.StartsWith(WorkerProcessPool.ReplyPrefix, StringComparison.Ordinal))) is not null || worker.IsCompleted,
            TimeSpan.FromSeconds(60));
        input.End();
        if (!worker.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("The worker did not stop after its input ended.");
        return (worker.Result, reply?[WorkerProcessPool.ReplyPrefix.Length..].Trim() ?? throw new InvalidOperationException("No reply: " + output));
    }
}
