using System.Diagnostics;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 2: ForecastTrainer's whole fit (one epoch, dense: module creation, scaler, windows, Adam, shuffled batches,
/// validation pass, checkpoint) against a bare TorchSharp loop doing the same work by hand.
/// </summary>
internal static class LibraryFigures
{
    public static void Overhead(Report report, bool quick)
    {
        const int threads = 1;
        int length = quick ? 8_000 : 16_000;
        var values = BenchData.Synthetic(length);
        var data = BenchData.Univariate(values);
        var spec = PruningFigures.Lstm;
        var options = new TrainingOptions { MaxEpochs = 1, BatchSize = 64, NumberOfThreads = threads, Regularization = Regularization.None, Seed = 1 };
        var trainer = new ForecastTrainer();
        int trainWindows = 0;

        double Ours()
        {
            var watch = Stopwatch.StartNew();
            using var fitted = trainer.Fit(() => ForecasterFactory.Create(spec), data, null, options);
            double seconds = watch.Elapsed.TotalSeconds;
            trainWindows = fitted.SplitPlan.Train.Count;
            return trainWindows / seconds;
        }

        double Bare()
        {
            var watch = Stopwatch.StartNew();
            int windows = Bare1Epoch(spec, values, threads, out int trained);
            return trained / watch.Elapsed.TotalSeconds;
        }

        var (ours, bare) = Interleave.Run(quick ? 6 : 16, Ours, Bare);
        var ratios = Interleave.Ratios(ours, bare);
        report.Add(new Row("2", "Library overhead: ForecastTrainer throughput ÷ bare TorchSharp loop (LSTM h64 L30, batch 64, 1 epoch)",
            Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), "≥ 0.95",
            $"{threads} / {Machine.OmpWaitPolicy}",
            $"{length:N0}-point series, {trainWindows:N0} training windows + 10 % validation each; ours {Stats.Median(ours):N0} windows/s, bare {Stats.Median(bare):N0} windows/s; whole fit timed (creation to result)"));
    }

    /// <summary>
    /// The hand-written loop: seed, build the module, standardise with the first 90 % of rows' statistics, strided
    /// window views, Adam, one shuffled epoch over the first 90 % of windows, a no-grad validation pass over the rest.
    /// </summary>
    private static int Bare1Epoch(ForecasterSpec spec, float[] values, int threads, out int trained)
    {
        torch.set_num_threads(threads);
        int n = values.Length, lookback = spec.Lookback, horizon = spec.Horizon;
        int windows = n - lookback - horizon + 1;
        int validation = (int)Math.Round(windows * 0.1);
        trained = windows - validation;
        int scalerRows = trained + lookback - 1;
        double mean = 0; for (int i = 0; i < scalerRows; i++) mean += values[i];
        mean /= scalerRows;
        double var = 0; for (int i = 0; i < scalerRows; i++) var += (values[i] - mean) * (values[i] - mean);
        double std = Math.Sqrt(var / scalerRows);
        var scaled = new float[n];
        for (int i = 0; i < n; i++) scaled[i] = (float)((values[i] - mean) / std);

        torch.manual_seed(1);
        using var module = ForecasterFactory.Create(spec);
        using var series = torch.tensor(scaled, new long[] { n, 1 });
        using var x = series.narrow(0, 0, n - horizon).unfold(0, lookback, 1).transpose(1, 2);
        using var y = series.narrow(0, lookback, n - lookback).unfold(0, horizon, 1).transpose(1, 2);
        using var adam = torch.optim.Adam(module.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999);
        using var generator = new Generator(3, torch.CPU);
        var context = ForwardContext.ForTraining(generator);
        module.train();
        using (var order = torch.randperm(trained, generator: generator))
        {
            for (int start = 0; start < trained; start += 64)
            {
                int count = Math.Min(64, trained - start);
                using var scope = torch.NewDisposeScope();
                var index = order.narrow(0, start, count);
                adam.zero_grad();
                var loss = nn.functional.mse_loss(module.Forward(x.index_select(0, index), context), y.index_select(0, index));
                loss.backward();
                adam.step();
                _ = loss.item<float>();
            }
        }
        module.eval();
        using (torch.no_grad())
        {
            for (int start = trained; start < windows; start += 64)
            {
                int count = Math.Min(64, windows - start);
                using var scope = torch.NewDisposeScope();
                var xb = x.narrow(0, start, count);
                _ = nn.functional.mse_loss(module.Forward(xb, ForwardContext.Inference), y.narrow(0, start, count), nn.Reduction.Sum).item<float>();
            }
        }
        return windows;
    }
}
