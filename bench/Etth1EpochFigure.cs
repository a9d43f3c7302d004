using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;
using Samples.Commands;
using TorchSharp;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 8: one epoch of what <c>accuracy --dataset etth1</c> trains for PatchTST/42 (its ForecasterSpec and
/// TrainingOptions from <see cref="PublishedConfigurations"/>, dropout 0.3, ETTh1's standard split, validation pass and
/// checkpoint included) ÷ one epoch of the PyTorch twin with the identical configuration, interleaved in one run: a
/// single <see cref="ForecastTrainer.Fit"/> whose synchronous progress handler runs one twin epoch after each of ours.
/// </summary>
internal static class Etth1EpochFigure
{
    public static void Run(Report report, bool quick)
    {
        if (!PyTorchFigures.Check(report, "8")) return;
        int pairs = quick ? 1 : 4;
        // --quick is a smoke run: the same fit on the first 2,000 training rows (and 480 validation rows) only.
        var (train, validation, _) = quick
            ? PublishedConfigurations.Etth1Split(PublishedConfigurations.Lookback, 2_000, 2_480, 2_960)
            : PublishedConfigurations.Etth1Split();
        var spec = PublishedConfigurations.PatchTst42();
        var options = PublishedConfigurations.PatchTstTraining(pairs, Regularization.Dropout, RestoreFrom.AnyEpoch);
        options.Patience = pairs + 1; // every epoch runs: no early stop
        long parameters = ForecasterFactory.CountParameters(spec);
        int expectedThreads = ForecastTrainer.DefaultThreads(spec, options.BatchSize);

        // The twin reads the same rows, standardised with the training rows' statistics (the trainer's scaler does the same).
        var (mean, std) = Moments(train);
        string trainFile = WriteScaled(train, mean, std), validationFile = WriteScaled(validation, mean, std);
        try
        {
            string twinArgs = string.Create(CultureInfo.InvariantCulture,
                $"--model patchtst --lookback {spec.Lookback} --horizon {spec.Horizon} --d-model {spec.ModelDimension} --heads {spec.NumberOfHeads} --layers {spec.NumberOfLayers} " +
                $"--ff {spec.FeedForwardSize} --patch {spec.PatchLength} --stride {spec.Stride} --dropout {spec.DropoutRate} --prune 0 " +
                $"--lr {options.LearningRate} --beta1 {options.Beta1} --batch {options.BatchSize} --channels {train.InputChannels} " +
                $"--data \"{trainFile}\" --rows {train.Length} --val-data \"{validationFile}\" --val-rows {validation.Length}");
            using var twin = PythonTwin.Start(twinArgs, expectedThreads);
            if (twin.Parameters != parameters)
                Console.WriteLine($"warning: parameter counts differ (ours {parameters}, PyTorch {twin.Parameters}).");
            var pairing = new EpochPairs(twin);
            using var fitted = new ForecastTrainer().Fit(() => ForecasterFactory.Create(spec), train, validation, options, pairing);

            var ratios = Interleave.Ratios(pairing.Ours, pairing.Theirs);
            string threads = string.Join(",", pairing.Threads.Distinct());
            string perPair = string.Join("; ", pairing.Ours.Select((o, i) => string.Create(CultureInfo.InvariantCulture,
                $"{o:0.0} s ÷ {pairing.Theirs[i]:0.0} s (train loss {pairing.OurLosses[i].Train:0.000} vs {pairing.TheirLosses[i].Train:0.000}, validation {pairing.OurLosses[i].Validation:0.000} vs {pairing.TheirLosses[i].Validation:0.000})")));
            report.Add(new Row("8", "PatchTST/42 on ETTh1 as `accuracy` trains it (L336 H96 C7 d16 3 layers 4 heads ff128 patch16/8, dropout 0.3, batch 128, validation pass): our s/epoch ÷ the PyTorch twin's",
                Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), "≤ 0.5",
                $"{threads} (both; the library's default thread rule for this step, {ForecastTrainer.EstimateParallelStepWork(spec, options.BatchSize) / 1e6:N0} M multiply-adds, read back in the progress handler) / {Machine.OmpWaitPolicy} (both)",
                $"one ForecastTrainer.Fit with the accuracy command's options (MaxEpochs {pairs}, patience {options.Patience}); after each of our epochs (EpochReport.Elapsed difference less the handler's own time) " +
                $"the handler runs one twin epoch (ours always first); {fitted.SplitPlan.Train.Count:N0} training windows (PyTorch {twin.Ready.GetProperty("windows").GetInt32():N0}), " +
                $"{fitted.SplitPlan.Validation.Count:N0} validation windows (PyTorch {twin.Ready.GetProperty("validation_windows").GetInt32():N0}); median ours {Stats.Median(pairing.Ours):0.0} s/epoch, PyTorch {Stats.Median(pairing.Theirs):0.0} s/epoch; " +
                $"per pair: {perPair}; {parameters:N0} parameters (PyTorch {twin.Parameters:N0}); TorchSharp 0.107.0/libtorch 2.10 vs PyTorch {twin.TorchVersion} (Debian python3-torch), OPENBLAS_NUM_THREADS=1 for the twin" +
                $"; the twin trains each epoch at our epoch's learning rate (the published schedule)" +
                (quick ? "; --quick smoke: one pair on the first 2,000 training rows only, not the figure" : "")));
        }
        finally
        {
            File.Delete(trainFile);
            File.Delete(validationFile);
        }
    }

    /// <summary>
    /// Records our epoch time at each report, then runs one twin epoch on the thread count the fit is using, at the learning
    /// rate our epoch used (the published per-epoch schedule). Synchronous
    /// (like AccuracyCommand's SyncProgress), so the fit waits; the handler's own time is removed from the next epoch's.
    /// </summary>
    private sealed class EpochPairs(PythonTwin twin) : IProgress<EpochReport>
    {
        private TimeSpan _lastElapsed = TimeSpan.Zero;
        private double _lastHandlerSeconds;

        public List<double> Ours { get; } = new();

        public List<double> Theirs { get; } = new();

        public List<int> Threads { get; } = new();

        public List<(double Train, double Validation)> OurLosses { get; } = new();

        public List<(double Train, double Validation)> TheirLosses { get; } = new();

        public void Report(EpochReport value)
        {
            long entered = Stopwatch.GetTimestamp();
            Ours.Add((value.Elapsed - _lastElapsed).TotalSeconds - _lastHandlerSeconds);
            OurLosses.Add((value.TrainLoss, value.ValidationLoss ?? double.NaN));
            int threads = torch.get_num_threads();
            Threads.Add(threads);
            var (seconds, trainLoss, validationLoss) = twin.Epoch(threads, value.LearningRate);
            Theirs.Add(seconds);
            TheirLosses.Add((trainLoss, validationLoss));
            Console.WriteLine($"   epoch {value.Epoch}: ours {Ours[^1]:0.00} s, PyTorch {seconds:0.00} s ({threads} thread(s) each)");
            _lastElapsed = value.Elapsed;
            _lastHandlerSeconds = Stopwatch.GetElapsedTime(entered).TotalSeconds;
        }
    }

    private static (double[] Mean, double[] Std) Moments(TimeSeriesData data)
    {
        int c = data.InputChannels;
        var mean = new double[c];
        var std = new double[c];
        for (int j = 0; j < c; j++)
        {
            var v = data.Channel(j);
            double m = 0;
            foreach (float x in v) m += x;
            m /= v.Length;
            double s = 0;
            foreach (float x in v) s += (x - m) * (x - m);
            mean[j] = m;
            std[j] = Math.Sqrt(s / v.Length) is > 0 and var d ? d : 1;
        }
        return (mean, std);
    }

    private static string WriteScaled(TimeSeriesData data, double[] mean, double[] std)
    {
        int n = data.Length, c = data.InputChannels;
        var rowMajor = new float[(long)n * c];
        for (int j = 0; j < c; j++)
        {
            var v = data.Channel(j);
            for (int i = 0; i < n; i++) rowMajor[(long)i * c + j] = (float)((v[i] - mean[j]) / std[j]);
        }
        string file = Path.Combine(Path.GetTempPath(), $"sp-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.f32");
        File.WriteAllBytes(file, MemoryMarshal.AsBytes(rowMajor.AsSpan()).ToArray());
        return file;
    }
}
