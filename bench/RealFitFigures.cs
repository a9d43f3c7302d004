using System.Diagnostics;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 1's headline: the cost of synaptic pruning in a real <see cref="ForecastTrainer.Fit"/> (the library's
/// defaults: cubic 0.3→0.7 schedule after 2 warm-up epochs, a mask update every 5 steps, validation pass, checkpoints,
/// best-epoch restore, default threads) against the same fit with <see cref="Regularization.None"/>, interleaved fits on
/// the same series with the same epochs and no early stop. The step-level rows (<see cref="PruningFigures"/>) stay as diagnosis.
/// </summary>
internal static class RealFitFigures
{
    public static void PruningOverhead(Report report, bool quick)
    {
        foreach (var (name, spec, length, epochs, blocks) in new[]
        {
            // The LSTM fit uses the library's default epoch count (20) in the full run.
            ("LSTM h64 L30", PruningFigures.Lstm, quick ? 5_000 : 10_000, quick ? 5 : 20, quick ? 4 : 8),
            ("PatchTST d64 L60", PruningFigures.PatchTst, quick ? 3_000 : 5_000, quick ? 4 : 8, quick ? 2 : 6),
        })
        {
            var data = BenchData.Univariate(BenchData.Synthetic(length));
            var trainer = new ForecastTrainer();
            int warmup = new TrainingOptions().Pruning.WarmupEpochs;
            TrainingOptions Options(Regularization regularization) => new()
            {
                MaxEpochs = epochs, BatchSize = 64, Patience = epochs + 1, Regularization = regularization, Seed = 1,
            };
            var denseEpoch = new List<double>();
            var prunedEpoch = new List<double>();
            double sparsity = 0;
            int trainWindows = 0, validationWindows = 0;

            // Seconds of the whole fit (module creation to the returned forecaster); the pruning epochs' mean seconds on the side.
            double Fit(Regularization regularization, List<double> perEpoch)
            {
                var watch = Stopwatch.StartNew();
                using var fitted = trainer.Fit(() => ForecasterFactory.Create(spec), data, null, Options(regularization));
                double seconds = watch.Elapsed.TotalSeconds;
                if (fitted.EpochsRun != epochs) throw new InvalidOperationException($"The fit stopped after {fitted.EpochsRun} of {epochs} epochs.");
                var h = fitted.History;
                perEpoch.Add((h[^1].Elapsed - h[warmup - 1].Elapsed).TotalSeconds / (epochs - warmup));
                if (regularization != Regularization.None) sparsity = fitted.PruningSummary?.GlobalSparsity ?? 0;
                trainWindows = fitted.SplitPlan.Train.Count;
                validationWindows = fitted.SplitPlan.Validation.Count;
                return seconds;
            }

            var (dense, pruned) = Interleave.Run(blocks, () => Fit(Regularization.None, denseEpoch), () => Fit(Regularization.SynapticPruning, prunedEpoch));
            // The warm-up pair appended one entry to each per-epoch list first: drop it.
            denseEpoch.RemoveAt(0);
            prunedEpoch.RemoveAt(0);
            long parameters = ForecasterFactory.CountParameters(spec);
            string setting = $"{ForecastTrainer.DefaultThreads(spec, 64)} (library default for {parameters:N0} parameters, batch 64) / {Machine.OmpWaitPolicy}";
            var fitRatios = Interleave.Ratios(pruned, dense);
            report.Add(new Row("1", $"Pruning overhead in the real fit, {name}, batch 64, {epochs} epochs: ForecastTrainer.Fit time with SynapticPruning ÷ with None",
                Report.Ratio(Stats.Median(fitRatios)), Report.CiText(Stats.MedianCi(fitRatios), fitRatios.Count), "≤ 1.03", setting,
                $"{length:N0}-point series, {trainWindows:N0} training + {validationWindows:N0} validation windows; whole fits interleaved (creation to result, validation pass, checkpoints and restore included), " +
                $"library defaults otherwise (schedule 0.3→0.7 after {warmup} warm-up epochs, update every 5 steps; patience {epochs + 1} so both run every epoch); " +
                $"dense {Stats.Median(dense):0.00} s, pruned {Stats.Median(pruned):0.00} s per fit; sparsity reached {sparsity:P1}"));
            var epochRatios = Interleave.Ratios(prunedEpoch, denseEpoch);
            report.Add(new Row("1", $"Pruning overhead in the real fit, {name}: seconds per pruning epoch (epochs {warmup + 1}–{epochs}) with SynapticPruning ÷ with None",
                Report.Ratio(Stats.Median(epochRatios)), Report.CiText(Stats.MedianCi(epochRatios), epochRatios.Count), "≤ 1.03", setting,
                $"mean epoch time after the warm-up epochs from EpochReport.Elapsed of the same fits (training steps, mask updates, validation pass, checkpoint); " +
                $"dense {1000 * Stats.Median(denseEpoch):0} ms, pruned {1000 * Stats.Median(prunedEpoch):0} ms per epoch"));
        }
    }
}
