using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 7: seconds of the first epoch of a real ForecastTrainer.Fit (LSTM h64 L30, pruning on from the first epoch,
/// library default threads; training steps + validation pass) vs series length.
/// </summary>
internal static class ScaleFigure
{
    public static void Epochs(Report report, bool quick)
    {
        int threads = ForecastTrainer.DefaultThreads(PruningFigures.Lstm, new TrainingOptions().BatchSize);
        int[] lengths = { 1_000, 10_000, 100_000 };
        int rounds = quick ? 1 : 3;
        var times = lengths.Select(_ => new List<double>()).ToArray();
        var series = lengths.Select(n => BenchData.Univariate(BenchData.Synthetic(n))).ToArray();
        var trainer = new ForecastTrainer();
        var options = new TrainingOptions { MaxEpochs = 1, Seed = 1, Pruning = new() { WarmupEpochs = 0 } }; // Threads null: the library's default
        using (trainer.Fit(() => ForecasterFactory.Create(PruningFigures.Lstm), series[0], null, options)) { } // warm-up (JIT)
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < lengths.Length; i++)
            {
                int k = (i + r) % lengths.Length;
                using var fitted = trainer.Fit(() => ForecasterFactory.Create(PruningFigures.Lstm), series[k], null, options);
                times[k].Add(fitted.History[0].Elapsed.TotalSeconds); // the epoch (training steps + validation pass)
            }
        }
        var medians = times.Select(Stats.Median).ToArray();
        for (int i = 0; i < lengths.Length; i++)
        {
            report.Add(new Row("7", $"Seconds per epoch, {lengths[i]:N0}-point series (LSTM h64 L30, batch 64, pruning on)",
                $"{medians[i]:0.000} s", rounds > 1 ? $"[{times[i].Min():0.000}, {times[i].Max():0.000}] s (range, n={rounds})" : "single run",
                "linear", $"{threads} (library default) / {Machine.OmpWaitPolicy}", $"{medians[i] / lengths[i] * 1e6:0.0} µs per point; EpochReport.Elapsed of a 1-epoch ForecastTrainer.Fit"));
        }
        report.Add(new Row("7", "Epoch time vs length: log-log slope (1 = linear)", Stats.LogLogSlope(lengths.Select(l => (double)l).ToArray(), medians).ToString("0.00"),
            "—", "≈ 1", $"{threads} / {Machine.OmpWaitPolicy}", $"t(100k)/t(10k) = {medians[2] / medians[1]:0.00} (10 = linear)"));
    }
}
