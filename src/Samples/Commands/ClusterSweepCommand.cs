using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Orleans;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Samples.Commands;

/// <summary>
/// <c>cluster-sweep --cluster CONNECTION [--sweep-id ID] [--trials N] [--epochs E] [--results FILE] [--seed S] [--wait-slots N] [--max-concurrency N]</c>:
/// random search over <see cref="SineForecastTrialRunner.Space"/> run by the unchanged <see cref="SweepRunner"/> on an
/// <see cref="OrleansTrialScheduler"/>; finished trials are mirrored into the results file (resume = run it again).
/// Prints one line per finished trial and, at the end, the coordinator's re-queues and the wall time.
/// </summary>
public static class ClusterSweepCommand
{
    /// <summary>Runs the command; returns the exit code (0 when the sweep reached its trial count).</summary>
    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        string connection = cl.String("cluster") ?? throw new ArgumentException("--cluster is required: 'localhost' or a Redis endpoint such as 127.0.0.1:6379.");
        string sweepId = cl.String("sweep-id", "cluster-smoke");
        int trials = cl.Int("trials", 40);
        int epochs = cl.Int("epochs", 3);
        int seed = cl.Int("seed", 1);
        string results = cl.String("results", $"{sweepId}.jsonl");
        int? concurrency = cl.String("max-concurrency") is null ? null : cl.Int("max-concurrency", 1);
        int waitSlots = cl.Int("wait-slots", 1);
        cl.RejectUnknown();
        if (trials < 1) throw new ArgumentException($"--trials must be ≥ 1, got {trials}.");
        if (epochs < 1) throw new ArgumentException($"--epochs must be ≥ 1, got {epochs}.");

        var watch = Stopwatch.StartNew();
        using var scheduler = OrleansTrialScheduler.Connect(connection, new OrleansTrialSchedulerOptions { MaxConcurrency = concurrency });
        var slotDeadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (scheduler.RefreshSlotsAsync().GetAwaiter().GetResult() < waitSlots && DateTime.UtcNow < slotDeadline)
            Thread.Sleep(250);
        Console.WriteLine($"{Stamp()} connected to {connection}: {scheduler.MaxConcurrency} trial slot(s) after {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        var store = new SweepResultsStore(results);
        var runner = new SweepRunner(new RandomSearchTuner(SineForecastTrialRunner.Space(), epochs, seed), scheduler,
            new SweepRunnerOptions { SweepId = sweepId, Data = SineForecastTrialRunner.Data, MaxTrials = trials }, store);
        var progress = new Progress(p =>
        {
            if (p.LastFinished is { } r)
                Console.WriteLine($"{Stamp()} {p.Completed,3}/{p.MaxTrials} {r.TrialId} {r.Result.Status} mae={r.Result.Objective:F4} on {r.Result.Worker} ({r.Result.Seconds:F1} s)");
        });
        var outcome = runner.RunAsync(progress).GetAwaiter().GetResult();
        var status = scheduler.GetStatusAsync(sweepId).GetAwaiter().GetResult();
        foreach (var e in status.RecentRequeues)
            Console.WriteLine($"requeue: trial {e.TrialId} from {e.Silo} ({e.Reason}) at {e.AtUtc:HH:mm:ss.fff} UTC = {new DateTimeOffset(e.AtUtc, TimeSpan.Zero).ToUnixTimeMilliseconds()} ms");
        int distinct = store.Load().Count(r => r.Request.SweepId == sweepId);
        Console.WriteLine($"{Stamp()} sweep {sweepId}: {outcome.StopReason}, {outcome.Records.Count} trials ({outcome.TrialsExecuted} run now, {outcome.TrialsReused} reused), " +
            $"{distinct} distinct in {store.Path}, coordinator: {status.Completed} completed, {status.Requeued} re-queued; wall {watch.Elapsed.TotalSeconds:F1} s");
        if (outcome.Best is { } best)
            Console.WriteLine($"best: {best.TrialId} mae={best.Result.Objective:F4} {best.Request.Configuration}");
        return outcome.StopReason == SweepStopReason.MaxTrials ? 0 : 1;
    }

    private static string Stamp() => DateTime.UtcNow.ToString("HH:mm:ss.fff");

    private sealed class Progress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
