using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 15 (diagnosis): the native heap under repeated real fits. The same <see cref="ForecastTrainer.Fit"/> (LSTM h64
/// L30, the real-fit figure's series and options, <see cref="Regularization.None"/>) runs several times in this process;
/// per fit the row gives its seconds, its epoch times, the minor page faults it caused and glibc's main-arena size and
/// bytes in use after it (<c>mallinfo2</c>). It shows how much of the run-to-run spread of identical fits goes with
/// the heap growing and pages being faulted in again, which is why the real-fit ratios of figure 1 have wide intervals.
/// Linux/glibc only; elsewhere it reports that it did not run.
/// </summary>
internal static class HeapFigure
{
    public static void Run(Report report, bool quick)
    {
        if (!OperatingSystem.IsLinux())
        {
            report.Add(new Row("15", "Native heap under repeated fits", "not run", "—", "—", "—", "needs Linux/glibc (mallinfo2, /proc/self/stat)"));
            return;
        }
        int fits = quick ? 3 : 8, epochs = quick ? 2 : 4;
        var data = BenchData.Univariate(BenchData.Synthetic(10_000));
        var trainer = new ForecastTrainer();
        var options = new TrainingOptions { MaxEpochs = epochs, BatchSize = 64, Patience = epochs + 1, Regularization = Regularization.None, Seed = 1 };
        for (int i = 0; i < fits; i++)
        {
            long faultsBefore = MinorFaults();
            var watch = Stopwatch.StartNew();
            using var fitted = trainer.Fit(() => ForecasterFactory.Create(PruningFigures.Lstm), data, null, options);
            double seconds = watch.Elapsed.TotalSeconds;
            long faults = MinorFaults() - faultsBefore;
            var info = mallinfo2();
            var h = fitted.History;
            var epochMs = Enumerable.Range(0, h.Count).Select(e => (h[e].Elapsed - (e == 0 ? TimeSpan.Zero : h[e - 1].Elapsed)).TotalMilliseconds);
            report.Add(new Row("15", $"Identical LSTM h64 L30 fit {i + 1} of {fits} in one process ({epochs} epochs, None)",
                FormattableString.Invariant($"{seconds:0.00} s"), "single run", "— (diagnosis)",
                $"{ForecastTrainer.DefaultThreads(PruningFigures.Lstm, 64)} / {Machine.OmpWaitPolicy}",
                FormattableString.Invariant($"epochs {string.Join(" ", epochMs.Select(ms => ms.ToString("0", CultureInfo.InvariantCulture)))} ms; {faults:N0} minor page faults; glibc main arena {(long)info.Arena >> 20:N0} MiB, {(long)info.InUse >> 20:N0} MiB in use, after the fit")));
        }
    }

    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat).</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command name (which may hold spaces) start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, InUse, Free, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();
}
