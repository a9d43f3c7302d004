using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Models.Layers;
using Microsoft.ML.SynapticPruning.Training;
using Samples.Commands;
using TorchSharp;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 13: the cost of dropout on PatchTST/42's training tensors. (a) One dropout application of the library
/// (<see cref="ContextDropout"/>: a host-drawn <c>DropoutMask</c> from the forward context's generator, then the
/// multiply) against TorchSharp's <c>nn.functional.dropout</c> on the same tensor; (b) the PatchTST/42 training step
/// with the published dropout 0.3 against the same module built with dropout 0.
/// </summary>
internal static class DropoutFigure
{
    public static void Run(Report report, bool quick)
    {
        var spec = PublishedConfigurations.PatchTst42();
        int threads = ForecastTrainer.DefaultThreads(spec, PublishedConfigurations.PatchTstTraining(1).BatchSize);
        MaskCost(report, quick, threads);
        StepCost(report, quick, spec, threads);
    }

    private static void MaskCost(Report report, bool quick, int threads)
    {
        torch.set_num_threads(threads);
        // Batch 128 of 7 channels = 896 series of 42 patches: the feed-forward hidden activation and the d_model-wide tokens.
        foreach (var (shape, calls) in new[] { (new long[] { 896, 42, 128 }, quick ? 5 : 10), (new long[] { 896, 42, 16 }, quick ? 20 : 40) })
        {
            torch.manual_seed(1);
            using var x = torch.randn(shape);
            var dropout = new ContextDropout(0.3);
            using var generator = new Generator(7, torch.CPU);
            var context = ForwardContext.ForTraining(generator);

            double Ours()
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++)
                {
                    using var scope = torch.NewDisposeScope();
                    _ = dropout.Forward(x, context);
                }
                return watch.Elapsed.TotalSeconds / calls;
            }

            double Theirs()
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++)
                {
                    using var scope = torch.NewDisposeScope();
                    _ = nn.functional.dropout(x, 0.3, training: true);
                }
                return watch.Elapsed.TotalSeconds / calls;
            }

            var (ours, theirs) = Interleave.Run(quick ? 6 : 16, Ours, Theirs);
            var ratios = Interleave.Ratios(ours, theirs);
            string dims = string.Join("×", shape);
            report.Add(new Row("13", $"Dropout 0.3 on a {dims} float32 tensor (PatchTST/42 at batch 128): ms per application, library ContextDropout ÷ TorchSharp nn.functional.dropout",
                Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), "< 1",
                $"{threads} (the library's default for PatchTST/42) / {Machine.OmpWaitPolicy}",
                $"{calls} applications a block, each mask + multiply into a new tensor, disposed; ours {1000 * Stats.Median(ours):0.00} ms (mask drawn on the host from one seed of the context's generator, " +
                $"DropoutMask is internal, timed through the public ContextDropout.Forward), TorchSharp {1000 * Stats.Median(theirs):0.00} ms (libtorch bernoulli_ on the global generator); " +
                $"{shape.Aggregate(1L, (a, b) => a * b) / 1e6:0.00} M elements"));
        }
    }

    private static void StepCost(Report report, bool quick, ForecasterSpec spec, int threads)
    {
        var (train, _, _) = PublishedConfigurations.Etth1Split();
        var columns = Enumerable.Range(0, train.InputChannels).Select(c => train.Channel(c).ToArray()).ToArray();
        var data = BenchData.ScaledRowMajor(columns);
        int steps = quick ? 2 : 4;
        torch.set_num_threads(threads);
        using var withDropout = new StepRunner(spec, data, train.Length, 128, prune: false);
        using var without = new StepRunner(spec with { DropoutRate = 0 }, data, train.Length, 128, prune: false);
        var (a, b) = Interleave.Run(quick ? 4 : 10, () => { torch.set_num_threads(threads); return withDropout.Run(steps); },
            () => { torch.set_num_threads(threads); return without.Run(steps); });
        var ratios = Interleave.Ratios(a, b);
        report.Add(new Row("13", "PatchTST/42 training step on ETTh1, batch 128: dropout 0.3 ÷ dropout 0 (same module otherwise)",
            Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), "≤ 1.3",
            $"{threads} (the library's default for PatchTST/42) / {Machine.OmpWaitPolicy}",
            $"{steps} steps a block (StepRunner: ForecastTrainer's step, forward in the training context, MSE, backward, Adam, loss.item; no pruning); " +
            $"13 dropout masks a step (embedding, then per layer attention projection, attention residual, after GELU, after the second linear); " +
            $"dropout 0.3 {1000 * Stats.Median(a) / steps:0} ms/step, dropout 0 {1000 * Stats.Median(b) / steps:0} ms/step; {withDropout.ParameterCount:N0} parameters"));
    }
}
