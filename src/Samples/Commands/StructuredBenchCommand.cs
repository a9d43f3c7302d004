using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.SynapticPruning.Data;
using Microsoft.ML.SynapticPruning.MLNet;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Pruning.Compaction;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Samples.Commands;

/// <summary>
/// Structured synaptic pruning figures (docs/structured-pruning.md): inference latency/throughput of compacted vs dense
/// networks at 25/50/75 % structured sparsity (LSTM, GRU, PatchTST; one libtorch thread; interleaved rounds, medians),
/// .zip sizes of dense, unstructured-sparse and compacted models, and test accuracy of dense vs unstructured vs
/// structured pruning on the bundled Bitcoin series over several seeds (fit on the first 70 % — the estimator's own
/// validation tail of it for early stopping — and score the last 20 %).
/// </summary>
internal static class StructuredBenchCommand
{
    private static readonly double[] Sparsities = { 0.25, 0.5, 0.75 };

    /// <summary>Target sparsity of both pruning methods in the accuracy runs, constant after the warm-up so that whichever epoch early stopping restores has it.</summary>
    private const float Target = 0.5f;

    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        int rounds = cl.Int("rounds", 7);
        int seeds = cl.Int("seeds", 3);
        int epochs = cl.Int("epochs", 20);
        int threads = cl.Int("threads", 1);
        bool skipSpeed = cl.Flag("no-speed");
        bool skipAccuracy = cl.Flag("no-accuracy");
        string? outPath = cl.String("out");
        cl.RejectUnknown();

        var report = new StringBuilder();
        void Line(string s = "") { Console.WriteLine(s); report.AppendLine(s); }
        Line($"machine: {Environment.ProcessorCount} cores, libtorch threads {threads}, {RuntimeInfo()}");
        if (!skipSpeed) Speed(rounds, threads, Line);
        if (!skipAccuracy) Accuracy(seeds, epochs, Line);
        if (outPath is not null) File.WriteAllText(outPath, report.ToString());
        return 0;
    }

    private static string RuntimeInfo() => $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    private static void Speed(int rounds, int threads, Action<string> line)
    {
        int previous = torch.get_num_threads();
        torch.set_num_threads(threads);
        try
        {
            var specs = new[]
            {
                new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 30, Horizon = 7, HiddenSize = 64 },
                new ForecasterSpec { Kind = ForecasterKind.Gru, Lookback = 30, Horizon = 7, HiddenSize = 64 },
                new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 96, Horizon = 7 },
            };
            line("");
            line("## Inference speed (random-init networks pruned with PruneTo(s), then compacted; median of interleaved rounds)");
            line("");
            line("| model | structured sparsity | shape after compaction | weights | weight sparsity | batch 1 latency (µs) | speed-up | batch 256 latency (ms) | batch 256 windows/s | speed-up | speed-up (fastest round) |");
            line("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var spec in specs)
            {
                torch.manual_seed(1);
                var dense = ForecasterFactory.Create(spec);
                dense.eval();
                var variants = new List<(string Label, string Shape, long Weights, double WeightSparsity, ForecastingModule Module)>
                {
                    ("dense", Shape(dense.Spec), Count(dense), 0, dense),
                };
                foreach (double s in Sparsities)
                {
                    // Prune a copy: compaction reads the masks; the dense network stays dense for the baseline.
                    var copy = ForecasterFactory.Create(spec);
                    using (torch.no_grad())
                    {
                        var source = dense.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                        foreach (var (name, p) in copy.named_parameters()) p.copy_(source[name]);
                    }
                    copy.eval();
                    using var copyPruner = new SynapticPruner(copy, new CubicSparsitySchedule(s, s, 0, 1), new PruningOptions { Granularity = PruningGranularity.Structure });
                    copyPruner.PruneTo(s);
                    var compacted = StructuredCompaction.Compact(copy, copyPruner.ExportMasks());
                    compacted.eval();
                    using (var x = torch.randn(4, spec.Lookback, 1))
                    using (torch.no_grad())
                    using (var a = copy.forward(x))
                    using (var b = compacted.forward(x))
                    using (var d = (a - b).abs().max())
                    {
                        if (d.item<float>() > 1e-5f) throw new InvalidOperationException($"Compaction changed the forecasts by {d.item<float>()}.");
                    }
                    copy.Dispose();
                    variants.Add(($"{s:P0}", Shape(compacted.Spec), Count(compacted), copyPruner.GlobalSparsity, compacted));
                }

                var latency1 = variants.Select(_ => new List<double>()).ToArray();
                var latency256 = variants.Select(_ => new List<double>()).ToArray();
                using var x1 = torch.randn(1, spec.Lookback, 1);
                using var x256 = torch.randn(256, spec.Lookback, 1);
                foreach (var v in variants) { Time(v.Module, x1, 20); Time(v.Module, x256, 2); }   // warm-up
                for (int r = 0; r < rounds; r++)
                {
                    for (int k = 0; k < variants.Count; k++)
                    {
                        // Alternate the order every round so a slow neighbour on the shared machine does not always hit the same variant.
                        int i = r % 2 == 0 ? k : variants.Count - 1 - k;
                        latency1[i].Add(Time(variants[i].Module, x1, 200));
                        latency256[i].Add(Time(variants[i].Module, x256, 10));
                    }
                }
                double base1 = Median(latency1[0]), base256 = Median(latency256[0]), best256 = latency256[0].Min();
                for (int i = 0; i < variants.Count; i++)
                {
                    var v = variants[i];
                    double l1 = Median(latency1[i]), l256 = Median(latency256[i]);
                    line($"| {spec.Kind} | {v.Label} | {v.Shape} | {v.Weights:N0} | {v.WeightSparsity:P1} | {l1 * 1e6:F0} | {base1 / l1:F2}× | {l256 * 1e3:F2} | {256 / l256:N0} | {base256 / l256:F2}× | {best256 / latency256[i].Min():F2}× |");
                }
                foreach (var v in variants) v.Module.Dispose();
            }
        }
        finally
        {
            torch.set_num_threads(previous);
        }
    }

    private static double Time(ForecastingModule module, Tensor x, int iterations)
    {
        using var noGrad = torch.no_grad();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            using var scope = torch.NewDisposeScope();
            module.Forward(x, ForwardContext.Inference);
        }
        return watch.Elapsed.TotalSeconds / iterations;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long Count(ForecastingModule m) => m.parameters().Sum(p => p.numel());

    private static string Shape(ForecasterSpec s) => s.Kind == ForecasterKind.PatchTst
        ? $"heads [{string.Join(",", Enumerable.Range(0, s.EncoderLayers).Select(i => s.HeadSlotsOf(i).Length))}], FF [{string.Join(",", Enumerable.Range(0, s.EncoderLayers).Select(s.FeedForwardOf))}]"
        : $"hidden [{string.Join(",", Enumerable.Range(0, s.Layers).Select(s.HiddenSizeOf))}]";

    private enum Method { Dense, Unstructured, Structured }

    private static void Accuracy(int seeds, int epochs, Action<string> line)
    {
        string csv = Path.Combine(BundledDatasets.FindDataRoot(), "bitcoin", "bitcoin.csv");
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<BitcoinRow>(csv, separatorChar: ',', hasHeader: true);
        var close = ml.Data.CreateEnumerable<BitcoinRow>(data, reuseRowObject: false).Select(r => r.Close).ToArray();
        int rows = close.Length, trainRows = (int)(rows * 0.7), testStart = (int)(rows * 0.8);
        const int lookback = 30, horizon = 7;
        IDataView train = ml.Data.TakeRows(data, trainRows);
        double naive = NaiveMae(close, testStart, horizon);
        string dir = Directory.CreateTempSubdirectory("sp-structured-bench-").FullName;

        line("");
        line($"## Accuracy on bundled Bitcoin ({rows} days; fit on the first {trainRows} rows with early stopping on the estimator's validation tail of them, test windows from row {testStart}; L = {lookback}, H = {horizon}, {epochs} epochs max, pruning target {Target:P0} (constant) after a 2-epoch warm-up, seeds 0..{seeds - 1})");
        line("");
        line($"naive MAE (last value repeated) on the test windows: {naive:F1}");
        line("");
        line("| model | method | MAE mean ± sd | MAE / naive | weight sparsity | structure sparsity | shape | .zip bytes (seed 0) | epochs (mean) |");
        line("|---|---|---|---|---|---|---|---|---|");
        var scoring = new List<string>();
        foreach (var kind in new[] { ForecasterKind.Lstm, ForecasterKind.Gru, ForecasterKind.PatchTst })
        {
            var kept = new List<(Method Method, PrunedForecastingTransformer Model)>();
            foreach (var method in new[] { Method.Dense, Method.Unstructured, Method.Structured })
            {
                var maes = new List<double>();
                var sparsity = new List<double>();
                var structureSparsity = new List<double>();
                var epochsRun = new List<int>();
                string shape = "";
                long bytes = 0;
                for (int seed = 0; seed < seeds; seed++)
                {
                    PrunedForecasterOptions o = kind == ForecasterKind.PatchTst ? new PrunedPatchTstOptions() : kind == ForecasterKind.Gru ? new PrunedGruOptions() : new PrunedLstmOptions();
                    o.LabelColumnName = nameof(BitcoinRow.Close);
                    o.Lookback = lookback;
                    o.Horizon = horizon;
                    o.MaxEpochs = epochs;
                    o.Seed = seed;
                    o.Confidence = null;
                    o.Normalization = InstanceNormalization.WindowLast;
                    o.Regularization = method == Method.Dense ? Regularization.None : Regularization.SynapticPruning;
                    o.InitialSparsity = Target;
                    o.FinalSparsity = Target;
                    o.PruningGranularity = method == Method.Structured ? PruningGranularity.Structure : PruningGranularity.Weight;
                    var estimator = o switch
                    {
                        PrunedPatchTstOptions p => ml.Forecasting.PrunedPatchTst(p),
                        PrunedGruOptions g => ml.Forecasting.PrunedGru(g),
                        _ => ml.Forecasting.PrunedLstm((PrunedLstmOptions)o),
                    };
                    var model = estimator.Fit(train);
                    var metrics = ml.Forecasting.Evaluate(model.Transform(data), "Close", "Forecast", firstScoredRow: testStart);
                    maes.Add(metrics.Mae);
                    sparsity.Add(model.GlobalSparsity);
                    structureSparsity.Add(1 - (double)Structures(model.Spec) / Structures(BaseSpec(model.Spec)));
                    epochsRun.Add(model.Info.EpochsRun);
                    shape = Shape(model.Spec);
                    if (seed == 0)
                    {
                        string path = Path.Combine(dir, $"{kind}-{method}.zip");
                        ml.Model.Save(model, data.Schema, path);
                        bytes = new FileInfo(path).Length;
                        kept.Add((method, model));
                    }
                    else
                    {
                        model.Dispose();
                    }
                }
                double mean = maes.Average();
                double sd = maes.Count > 1 ? Math.Sqrt(maes.Sum(m => (m - mean) * (m - mean)) / (maes.Count - 1)) : 0;
                string structures = method == Method.Structured ? structureSparsity.Average().ToString("P1", CultureInfo.InvariantCulture) : "–";
                line($"| {kind} | {method} | {mean:F1} ± {sd:F1} | {mean / naive:F3} | {sparsity.Average():P1} | {structures} | {shape} | {bytes:N0} | {epochsRun.Average():F1} |");
            }

            // End-to-end scoring of the whole series (ML.NET Transform + reading every forecast) by the trained seed-0 models, interleaved.
            var times = kept.Select(_ => new List<double>()).ToArray();
            foreach (var (_, m) in kept) Score(ml, m, data);
            for (int r = 0; r < 9; r++)
            {
                for (int k = 0; k < kept.Count; k++)
                {
                    int i = r % 2 == 0 ? k : kept.Count - 1 - k;
                    times[i].Add(Score(ml, kept[i].Model, data));
                }
            }
            double dense = Median(times[0]);
            scoring.Add($"| {kind} | " + string.Join(" | ", kept.Select((m, i) => $"{Median(times[i]) * 1e3:F1} ms ({dense / Median(times[i]):F2}×)")) + " |");
            foreach (var (_, m) in kept) m.Dispose();
        }
        line("");
        line($"End-to-end scoring of all {rows} rows by the trained seed-0 models (Transform + read the Forecast column; default threads; median of 9 interleaved rounds, speed-up vs dense):");
        line("");
        line("| model | dense | unstructured | structured (compacted) |");
        line("|---|---|---|---|");
        foreach (var row in scoring) line(row);
        Directory.Delete(dir, recursive: true);
    }

    private static double Score(MLContext ml, PrunedForecastingTransformer model, IDataView data)
    {
        var watch = Stopwatch.StartNew();
        var scored = model.Transform(data);
        var column = scored.Schema["Forecast"];
        using var cursor = scored.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(column);
        var buffer = default(Microsoft.ML.Data.VBuffer<float>);
        while (cursor.MoveNext()) getter(ref buffer);
        return watch.Elapsed.TotalSeconds;
    }

    private static ForecasterSpec BaseSpec(ForecasterSpec s) => s with { LayerHiddenSizes = null, LayerHeadSlots = null, LayerFeedForward = null };

    private static int Structures(ForecasterSpec s) => s.Kind == ForecasterKind.PatchTst
        ? Enumerable.Range(0, s.EncoderLayers).Sum(i => s.HeadSlotsOf(i).Length + s.FeedForwardOf(i))
        : Enumerable.Range(0, s.Layers).Sum(s.HiddenSizeOf);

    private static double NaiveMae(float[] close, int testStart, int horizon)
    {
        double sum = 0;
        long n = 0;
        for (int t = testStart - 1; t + horizon < close.Length; t++)
            for (int h = 1; h <= horizon; h++) { sum += Math.Abs(close[t + h] - close[t]); n++; }
        return sum / n;
    }
}
