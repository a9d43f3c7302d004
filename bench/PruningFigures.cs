using System.Diagnostics;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 1's diagnosis rows: per-step overhead of synaptic pruning (interval 5) at step level, and figure 1b: the cost
/// of one mask update vs size. The headline (the real fit) is <see cref="RealFitFigures"/>.
/// </summary>
internal static class PruningFigures
{
    public static readonly ForecasterSpec Lstm = new() { Kind = ForecasterKind.Lstm, Lookback = 30, Horizon = 1, HiddenSize = 64 };

    public static readonly ForecasterSpec PatchTst = new() { Kind = ForecasterKind.PatchTst, Lookback = 60, Horizon = 1, ModelDimension = 64, NumberOfHeads = 4, NumberOfLayers = 2, FeedForwardSize = 256 };

    public static void StepOverhead(Report report, bool quick)
    {
        const int threads = 1;
        torch.set_num_threads(threads);
        var data = BenchData.ScaledRowMajor(new[] { BenchData.Synthetic(20_000) });
        // Short blocks (a multiple of the update interval, so every block holds the same number of mask updates) and many
        // of them: contention bursts then hit single blocks, which the median of per-block ratios discards.
        foreach (var (name, spec, steps, blocks) in new[]
        {
            ("LSTM h64 L30", Lstm, 20, quick ? 12 : 40),
            ("PatchTST d64 L60", PatchTst, 10, quick ? 8 : 30),
        })
        {
            using var dense = new StepRunner(spec, data, 20_000, 64, prune: false);
            using var pruned = new StepRunner(spec, data, 20_000, 64, prune: true);
            var (a, b) = Interleave.Run(blocks, () => dense.Run(steps), () => pruned.Run(steps));
            var ratios = Interleave.Ratios(b, a);
            report.Add(new Row("1 (diagnosis)", $"Diagnosis, step level (StepRunner, a step-ramp schedule so every update prunes; not the user's path): pruning overhead, {name}, batch 64: time/step pruned ÷ dense",
                Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), "≤ 1.03",
                $"{threads} / {Machine.OmpWaitPolicy}",
                $"{steps} steps a block; dense {1000 * Stats.Median(a) / steps:0.00} ms/step, pruned {1000 * Stats.Median(b) / steps:0.00} ms/step (ratio of medians {Stats.Median(b) / Stats.Median(a):0.000}); " +
                $"{dense.ParameterCount:N0} parameters, {pruned.Pruner!.TotalPrunable:N0} prunable, sparsity reached {pruned.Pruner.GlobalSparsity:P1}"));
        }
    }

    public static void MaskUpdateScaling(Report report, bool quick)
    {
        const int threads = 1;
        torch.set_num_threads(threads);
        long[] sizes = { 10_000, 30_000, 100_000, 300_000, 1_000_000 };
        int rounds = quick ? 8 : 20;
        var pruners = new List<(long Size, nn.Module Module, SynapticPruner Pruner)>();
        foreach (long size in sizes)
        {
            // Four square linear layers holding `size` weights in total (biases are not prunable).
            int d = (int)Math.Round(Math.Sqrt(size / 4.0));
            torch.manual_seed(1);
            var module = nn.Sequential(nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d));
            pruners.Add((4L * d * d, module, new SynapticPruner(module, new StepRampSchedule(0.3, 0.7, 1000), new PruningOptions())));
        }
        var times = sizes.Select(_ => new List<double>()).ToArray();
        foreach (var p in pruners) p.Pruner.PruneTo(0.3);
        for (int r = 0; r < rounds; r++)
        {
            // Each update prunes 1 % more of the weights: the full global threshold, per-tensor masks and re-masking.
            double target = 0.3 + 0.01 * (r + 1);
            for (int i = 0; i < pruners.Count; i++)
            {
                int k = (i + r) % pruners.Count; // rotate the order between rounds
                var watch = Stopwatch.StartNew();
                pruners[k].Pruner.PruneTo(target);
                times[k].Add(watch.Elapsed.TotalSeconds);
            }
        }
        var medians = times.Select(Stats.Median).ToArray();
        var counts = pruners.Select(p => (double)p.Size).ToArray();
        double slope = Stats.LogLogSlope(counts, medians);
        for (int i = 0; i < pruners.Count; i++)
        {
            var ci = Stats.MedianCi(times[i]);
            report.Add(new Row("1b", $"One mask update, {counts[i]:N0} prunable weights (4 tensors)",
                $"{medians[i] * 1e3:0.000} ms", $"[{ci.Low * 1e3:0.000}, {ci.High * 1e3:0.000}] ms (n={times[i].Count})", "~linear",
                $"{threads} / {Machine.OmpWaitPolicy}", $"{medians[i] * 1e9 / counts[i]:0.00} ns per weight"));
        }
        report.Add(new Row("1b", "Mask update cost vs parameter count: log-log slope (1 = linear)", slope.ToString("0.00"), "—", "≈ 1",
            $"{threads} / {Machine.OmpWaitPolicy}", "least squares over the 5 sizes' medians"));
        foreach (var p in pruners) { p.Pruner.Dispose(); p.Module.Dispose(); }
    }
}
