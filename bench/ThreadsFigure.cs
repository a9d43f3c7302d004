using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;
using Samples.Commands;
using TorchSharp;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 14: the evidence behind the default thread rule (<see cref="ForecastTrainer.DefaultThreads"/>). For networks
/// from tiny to PatchTST/42, the training step (StepRunner: ForecastTrainer's step with dropout where the configuration
/// has it, no pruning) on 1 thread ÷ on 2 threads, interleaved, beside the step's estimated parallel work
/// (<see cref="ForecastTrainer.EstimateParallelStepWork"/>) and the rule's choice. A speed-up above 1 where the rule picks
/// 1 thread, or below 1 where it picks 2, says the threshold is wrong for this machine. Diagnosis at step level: the
/// threads figure explains a default, it is not a headline.
/// </summary>
internal static class ThreadsFigure
{
    public static void Figure(Report report, bool quick)
    {
        if (Environment.ProcessorCount < 2)
        {
            Console.WriteLine("figure 14 skipped: one processor");
            return;
        }
        var univariate = BenchData.Synthetic(20_000);
        var (train, _, _) = PublishedConfigurations.Etth1Split();
        var etth1 = BenchData.ScaledRowMajor(Enumerable.Range(0, train.InputChannels).Select(c => train.Channel(c).ToArray()).ToArray());
        var patchTst42 = PublishedConfigurations.PatchTst42();
        var cases = new (string Name, ForecasterSpec Spec, int Batch, bool Etth1)[]
        {
            ("RNN h64 L30 (paper)", new ForecasterSpec { Kind = ForecasterKind.Rnn, Lookback = 30, HiddenSize = 64, DropoutRate = 0.3 }, 64, false),
            ("LSTM h64 L30 (paper)", new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 30, HiddenSize = 64, DropoutRate = 0.3 }, 64, false),
            ("LSTM h64 L336", new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 336, HiddenSize = 64 }, 64, false),
            ("LSTM h256 L96", new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 96, HiddenSize = 256 }, 64, false),
            ("DLinear L336 H96 (ETTh1)", new ForecasterSpec { Kind = ForecasterKind.DLinear, Lookback = 336, Horizon = 96, TargetChannels = 7 }, 128, true),
            ("PatchTST d64 L60 (library sizes)", PruningFigures.PatchTst, 64, false),
            ("PatchTST d128 L336 H96", new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 336, Horizon = 96, ModelDimension = 128, NumberOfHeads = 16, NumberOfLayers = 3, FeedForwardSize = 256 }, 32, false),
            ("PatchTST/42 (ETTh1)", patchTst42, 32, true),
            ("PatchTST/42 (ETTh1)", patchTst42, 64, true),
            ("PatchTST/42 (ETTh1)", patchTst42, 128, true),
        };
        int previous = torch.get_num_threads();
        try
        {
            foreach (var (name, spec, batch, onEtth1) in cases)
            {
                var data = onEtth1 ? etth1 : univariate;
                int rows = onEtth1 ? train.Length : univariate.Length;
                long work = ForecastTrainer.EstimateParallelStepWork(spec, batch);
                int pick = ForecastTrainer.DefaultThreads(spec, batch);
                using var runner = new StepRunner(spec, data, rows, batch, prune: false);
                torch.set_num_threads(1);
                double probe = runner.Run(2) / 2;
                int steps = Math.Clamp((int)Math.Ceiling((quick ? 0.4 : 1.5) / Math.Max(probe, 1e-4)), 2, 400);
                var (one, two) = Interleave.Run(quick ? 4 : 10,
                    () => { torch.set_num_threads(1); return runner.Run(steps); },
                    () => { torch.set_num_threads(2); return runner.Run(steps); });
                var ratios = Interleave.Ratios(one, two);
                double speedUp = Stats.Median(ratios);
                string verdict = (speedUp > 1) == (pick == 2) ? "rule agrees" : "rule disagrees";
                report.Add(new Row("14", $"{name}, batch {batch}: training step on 1 thread ÷ on 2 threads (speed-up of a second thread)",
                    Report.Ratio(speedUp), Report.CiText(Stats.MedianCi(ratios), ratios.Count), pick == 2 ? "> 1 (rule: 2)" : "≤ 1 (rule: 1)",
                    $"1 vs 2 / {Machine.OmpWaitPolicy}",
                    $"estimated parallel work {work / 1e6:N0} M multiply-adds a step (threshold {ForecastTrainer.TwoThreadStepMultiplyAdds / 1e6:N0} M), {verdict}; " +
                    $"{1000 * Stats.Median(one) / steps:0.0} vs {1000 * Stats.Median(two) / steps:0.0} ms/step, {steps} steps a block; {runner.ParameterCount:N0} parameters, dropout {spec.DropoutRate}"));
                Console.WriteLine($"  {name} b{batch}: {speedUp:0.000} ({1000 * Stats.Median(one) / steps:0.0} vs {1000 * Stats.Median(two) / steps:0.0} ms), work {work / 1e6:N0} M, rule {pick}");
            }
        }
        finally
        {
            torch.set_num_threads(previous);
        }
    }
}
