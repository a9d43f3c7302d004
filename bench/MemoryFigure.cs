using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Runtime;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 6: peak RSS while training each model on all ~35k rows of household power. Each model trains in its own
/// child process (this executable, command <c>memchild</c>), which reports VmHWM from /proc/self/status after loading
/// the data and libtorch (baseline) and after the fit (peak).
/// </summary>
internal static class MemoryFigure
{
    private static readonly (string Name, ForecasterSpec Spec)[] Models =
    {
        ("RNN h64 L30", PruningFigures.Lstm with { Kind = ForecasterKind.Rnn }),
        ("LSTM h64 L30", PruningFigures.Lstm),
        ("GRU h64 L30", PruningFigures.Lstm with { Kind = ForecasterKind.Gru }),
        ("PatchTST d64 L60", PruningFigures.PatchTst),
        ("DLinear L60", new ForecasterSpec { Kind = ForecasterKind.DLinear, Lookback = 60, Horizon = 1 }),
    };

    public static void Peaks(Report report, bool quick)
    {
        int epochs = quick ? 1 : 2;
        for (int i = 0; i < Models.Length; i++)
        {
            var (exitCode, output) = ChildProcess.Run(new[] { "memchild", i.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture) });
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("MEM ", StringComparison.Ordinal));
            if (exitCode != 0 || line is null)
            {
                report.Add(new Row("6", $"Peak RSS, {Models[i].Name}", "failed", "—", "—", "—", output.Trim().Split('\n').LastOrDefault() ?? ""));
                continue;
            }
            var f = line.Split(' ');
            long baseKiB = long.Parse(f[1], CultureInfo.InvariantCulture), peakKiB = long.Parse(f[2], CultureInfo.InvariantCulture);
            report.Add(new Row("6", $"Peak RSS training {Models[i].Name} on household-power ({f[4]} rows, {epochs} epoch(s), pruning on)",
                $"{peakKiB / 1024.0:0} MiB", "single run", "—", $"{f[5]} (library default) / {Machine.OmpWaitPolicy}",
                $"VmHWM of a fresh child process; {baseKiB / 1024.0:0} MiB before the fit (runtime + libtorch + data), so the fit adds {(peakKiB - baseKiB) / 1024.0:0} MiB; {f[3]} s"));
        }
    }

    /// <summary>The child: <c>memchild &lt;model index&gt; &lt;epochs&gt;</c>; prints "MEM baseKiB peakKiB seconds rows threads".</summary>
    public static int Child(string[] args)
    {
        var (_, spec) = Models[int.Parse(args[0], CultureInfo.InvariantCulture)];
        int epochs = int.Parse(args[1], CultureInfo.InvariantCulture);
        var values = BenchData.HouseholdPower();
        var data = BenchData.Univariate(values);
        using (var warm = torch.ones(4)) { _ = warm.sum().item<float>(); }
        long baseline = Machine.StatusKiB("VmHWM");
        var options = new TrainingOptions
        {
            MaxEpochs = epochs, Seed = 1, Regularization = Regularization.SynapticPruning,
            Pruning = new Microsoft.ML.SynapticPruning.Pruning.PruningOptions { WarmupEpochs = 0 },
        };
        var watch = Stopwatch.StartNew();
        int threads;
        using (var fitted = new ForecastTrainer().Fit(() => ForecasterFactory.Create(spec), data, null, options))
        {
            // The library's default thread rule (TrainingOptions.Threads = null).
            threads = ForecastTrainer.DefaultThreads(spec, options.BatchSize);
        }
        long peak = Machine.StatusKiB("VmHWM");
        Console.WriteLine(FormattableString.Invariant($"MEM {baseline} {peak} {watch.Elapsed.TotalSeconds:0.0} {values.Length} {threads}"));
        NativeRuntime.TrimNativeHeap();
        return 0;
    }
}
