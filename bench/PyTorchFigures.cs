using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 3 and figure 8's diagnosis row: our training step (bench/StepRunner.cs) vs the PyTorch twin's, interleaved,
/// same data/batch/threads. Figure 8's headline (the real fit's epoch) is <see cref="Etth1EpochFigure"/>.
/// </summary>
internal static class PyTorchFigures
{
    public const int Threads = 2;

    public static bool Check(Report report, string figure)
    {
        if (PythonTwin.Available(out string why)) return true;
        Console.WriteLine($"Skipping figure {figure}: {why}.");
        report.Add(new Row(figure, "PyTorch peer", "skipped", "—", "—", "—", why));
        return false;
    }

    public static void Peer(Report report, bool quick)
    {
        if (!Check(report, "3")) return;
        int rows = 20_000;
        var data = BenchData.ScaledRowMajor(new[] { BenchData.Synthetic(rows) });
        string file = WriteData(data);
        try
        {
            foreach (var (name, spec, twinArgs, steps) in new[]
            {
                ("LSTM h64 L30", PruningFigures.Lstm, "--model lstm --lookback 30 --hidden 64", quick ? 10 : 20),
                ("PatchTST d64 L60", PruningFigures.PatchTst, "--model patchtst --lookback 60 --d-model 64 --heads 4 --layers 2 --ff 256 --patch 4 --stride 4", quick ? 5 : 10),
            })
            {
                Compare(report, "3", $"PyTorch peer, {name}, batch 64, pruning every 5 steps: our steps/s ÷ PyTorch's",
                    spec, data, rows, 64, $"{twinArgs} --data \"{file}\" --rows {rows} --channels 1 --horizon 1 --batch 64", steps, quick ? 6 : 10, "> 1 = faster", null);
            }
        }
        finally { File.Delete(file); }
    }

    /// <summary>Step-level diagnosis of figure 8: StepRunner steps (no dropout, pruning on, 2 threads) extrapolated to an epoch.</summary>
    public static void Etth1StepDiagnosis(Report report, bool quick)
    {
        if (!Check(report, "8 (diagnosis)")) return;
        const int rows = 8_640; // the standard 12-month training split: 8,640 − 336 − 96 + 1 = 8,209 windows
        var channels = BenchData.Etth1(rows);
        var data = BenchData.ScaledRowMajor(channels);
        var spec = new ForecasterSpec
        {
            Kind = ForecasterKind.PatchTst, Lookback = 336, Horizon = 96, TargetChannels = 7, ModelDimension = 16, NumberOfHeads = 4, NumberOfLayers = 3,
            FeedForwardSize = 128, PatchLength = 16, Stride = 8,
        };
        string file = WriteData(data);
        try
        {
            const int windows = 8_209, batch = 128;
            int stepsPerEpoch = (windows + batch - 1) / batch;
            Compare(report, "8 (diagnosis)", "Diagnosis, step level (not the user's path): PatchTST/42 training steps on ETTh1 (no dropout, pruning every 5 steps, Adam 1e-3, no validation pass), batch 128, extrapolated to an epoch: our s/epoch ÷ PyTorch's",
                spec, data, rows, batch,
                $"--model patchtst --lookback 336 --horizon 96 --d-model 16 --heads 4 --layers 3 --ff 128 --patch 16 --stride 8 --data \"{file}\" --rows {rows} --channels 7 --batch {batch}",
                quick ? 2 : 3, quick ? 4 : 8, "—", stepsPerEpoch);
        }
        finally { File.Delete(file); }
    }

    private static void Compare(Report report, string figure, string measure, ForecasterSpec spec, float[] data, int rows, int batch,
        string twinArgs, int steps, int blocks, string target, int? stepsPerEpoch)
    {
        torch.set_num_threads(Threads);
        using var ours = new StepRunner(spec, data, rows, batch, prune: true);
        using var twin = PythonTwin.Start(twinArgs, Threads);
        if (twin.Parameters != ours.ParameterCount)
            Console.WriteLine($"warning: parameter counts differ (ours {ours.ParameterCount}, PyTorch {twin.Parameters}).");
        var (a, b) = Interleave.Run(blocks, () => { torch.set_num_threads(Threads); return ours.Run(steps); }, () => twin.Run(steps));
        // steps/s ratio = PyTorch time / our time; seconds-per-epoch ratio = our time / PyTorch time.
        var ratios = stepsPerEpoch is null ? Interleave.Ratios(b, a) : Interleave.Ratios(a, b);
        double ourStep = Stats.Median(a) / steps, theirStep = Stats.Median(b) / steps;
        string notes = stepsPerEpoch is { } spe
            ? $"{steps} steps a block, extrapolated to an epoch of 8,209 windows = {spe} steps: ours {ourStep * spe:0.0} s/epoch, PyTorch {theirStep * spe:0.0} s/epoch"
            : $"{steps} steps a block; ours {1 / ourStep:0.0} steps/s ({1000 * ourStep:0.0} ms), PyTorch {1 / theirStep:0.0} steps/s ({1000 * theirStep:0.0} ms)";
        notes += $"; {ours.ParameterCount:N0} parameters (PyTorch {twin.Parameters:N0}); TorchSharp 0.107.0/libtorch 2.10 vs PyTorch {twin.TorchVersion} (Debian python3-torch), OPENBLAS_NUM_THREADS=1";
        report.Add(new Row(figure, measure, Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), target,
            $"{Threads} (both) / {Machine.OmpWaitPolicy} (both)", notes));
    }

    private static string WriteData(float[] rowMajor)
    {
        string file = Path.Combine(Path.GetTempPath(), $"sp-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.f32");
        File.WriteAllBytes(file, MemoryMarshal.AsBytes(rowMajor.AsSpan()).ToArray());
        return file;
    }
}
