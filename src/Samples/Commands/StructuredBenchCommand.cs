using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Compaction;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using SynapticPruning.Study.Data;
using static TorchSharp.torch;

namespace Samples.Commands;

/// <summary>
/// Structured synaptic pruning figures (docs/structured-pruning.md): inference latency/throughput of compacted vs dense
/// networks at 25/50/75 % structured sparsity (LSTM, GRU, PatchTST; one libtorch thread; interleaved rounds, medians),
/// .zip sizes of dense, unstructured-sparse and compacted models, and test accuracy of dense vs unstructured vs
/// structured pruning on the bundled Bitcoin series over several seeds (fit on the first 70 % — the estimator's own
/// validation tail of it for early stopping — and score the last 20 %). Structured variants run once per structure
/// ranking rule of <c>--importance</c> (default group-relative); a summary at the end gives, per rule, PatchTST's
/// speed-up at 50 % and its MAE against dense (the goal: ≥ 1.5× with MAE within 2 % of dense).
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
        bool skipScoring = cl.Flag("no-scoring");
        var kinds = cl.Strings("models", new[] { "lstm", "gru", "patchtst" }).Select(ParseKind).Distinct().ToArray();
        var rules = cl.Strings("importance", new[] { "group-relative" }).Select(ParseRule).Distinct().ToArray();
        string? outPath = cl.String("out");
        cl.RejectUnknown();
        if (kinds.Length == 0) throw new ArgumentException("--models needs at least one of lstm, gru, patchtst.");
        if (rules.Length == 0) throw new ArgumentException("--importance needs at least one of group-relative, absolute.");

        var report = new StringBuilder();
        void Line(string s = "") { Console.WriteLine(s); report.AppendLine(s); }
        Line($"machine: {Environment.ProcessorCount} cores, libtorch threads {threads}, {RuntimeInfo()}");
        var summary = new List<string>();
        // Accuracy first: the speed table then also times PatchTST networks of the shapes the trained models were
        // compacted to (speed depends on the shape only, not on the weights or the lookback the model was trained with).
        var trainedShapes = new List<(StructureImportance Rule, int Seed, ForecasterSpec Spec)>();
        if (!skipAccuracy) Accuracy(seeds, epochs, kinds, rules, !skipScoring, Line, summary, trainedShapes);
        if (!skipSpeed) Speed(rounds, threads, kinds, rules, trainedShapes, Line, summary);
        if (summary.Count > 0)
        {
            Line("");
            Line("## Summary: PatchTST at 50 % structured sparsity (goal: ≥ 1.5× inference with MAE within 2 % of dense)");
            Line("");
            foreach (var s in summary) Line("* " + s);
        }
        if (outPath is not null) File.WriteAllText(outPath, report.ToString());
        return 0;
    }

    private static ForecasterKind ParseKind(string name) => name.ToLowerInvariant() switch
    {
        "lstm" => ForecasterKind.Lstm,
        "gru" => ForecasterKind.Gru,
        "patchtst" => ForecasterKind.PatchTst,
        _ => throw new ArgumentException($"--models: unknown model '{name}'; use lstm, gru, patchtst (comma-separated)."),
    };

    private static StructureImportance ParseRule(string name) => name.ToLowerInvariant() switch
    {
        "group-relative" => StructureImportance.GroupRelative,
        "absolute" => StructureImportance.Absolute,
        _ => throw new ArgumentException($"--importance: unknown rule '{name}'; use group-relative, absolute (comma-separated)."),
    };

    private static string RuleName(StructureImportance rule) => rule == StructureImportance.GroupRelative ? "group-relative" : "absolute";

    private static string RuntimeInfo() => $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    private static void Speed(int rounds, int threads, ForecasterKind[] kinds, StructureImportance[] rules, List<(StructureImportance Rule, int Seed, ForecasterSpec Spec)> trainedShapes,
        Action<string> line, List<string> summary)
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
            }.Where(s => kinds.Contains(s.Kind)).ToArray();
            line("");
            line("## Inference speed (random-init networks pruned with PruneTo(s), then compacted; PatchTST also at the shapes of the trained 50 % models of the accuracy table; median of interleaved rounds)");
            line("");
            line("| model | structured sparsity | structure ranking | shape after compaction | weights | weight sparsity | batch 1 latency (µs) | speed-up | batch 256 latency (ms) | batch 256 windows/s | speed-up | speed-up (fastest round) |");
            line("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var spec in specs)
            {
                torch.manual_seed(1);
                var dense = ForecasterFactory.Create(spec);
                dense.eval();
                var variants = new List<(string Label, StructureImportance? Rule, double Sparsity, bool Trained, string Shape, long Weights, double WeightSparsity, ForecastingNetwork Module)>
                {
                    ("dense", null, 0, false, Shape(dense.Spec), Count(dense), 0, dense),
                };
                // One recurrent layer is one group: both rules prune the same units (tested), so time the first rule only.
                foreach (var rule in spec.Kind == ForecasterKind.PatchTst || spec.NumberOfLayers > 1 ? rules : rules.Take(1))
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
                    using var copyPruner = new SynapticPruner(copy, new CubicSparsitySchedule(s, s, 0, 1), new PruningOptions { PruningGranularity = PruningGranularity.Structure, StructureImportance = rule });
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
                    variants.Add(($"{s:P0}", rule, s, false, Shape(compacted.Spec), Count(compacted), copyPruner.GlobalSparsity, compacted));
                }
                if (spec.Kind == ForecasterKind.PatchTst)
                {
                    long densePrunable = Prunable(dense);
                    foreach (var (rule, seed, trained) in trainedShapes)
                    {
                        if (trained.ModelDimension != spec.ModelDimension || trained.NumberOfHeads != spec.NumberOfHeads || trained.NumberOfLayers != spec.NumberOfLayers || trained.FeedForwardSize != spec.FeedForwardSize)
                            throw new InvalidOperationException($"The trained PatchTST ({Shape(trained)}, d_model {trained.ModelDimension}) does not have the speed table's base architecture.");
                        var shaped = ForecasterFactory.Create(spec with { LayerHeadSlots = trained.LayerHeadSlots, LayerFeedForward = trained.LayerFeedForward });
                        shaped.eval();
                        variants.Add(($"{Target:P0} trained, seed {seed}", rule, Target, true, Shape(shaped.Spec), Count(shaped), 1 - (double)Prunable(shaped) / densePrunable, shaped));
                    }
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
                    line($"| {spec.Kind} | {v.Label} | {(v.Rule is { } r ? RuleName(r) : "–")} | {v.Shape} | {v.Weights:N0} | {v.WeightSparsity:P1} | {l1 * 1e6:F0} | {base1 / l1:F2}× | {l256 * 1e3:F2} | {256 / l256:N0} | {base256 / l256:F2}× | {best256 / latency256[i].Min():F2}× |");
                    if (spec.Kind == ForecasterKind.PatchTst && v.Rule is { } rule && v.Sparsity == 0.5 && !v.Trained)
                        summary.Add($"speed ({RuleName(rule)}, random-init network pruned once, L = {spec.Lookback}): {v.Shape}; batch 256 {base256 / l256:F2}× (fastest round {best256 / latency256[i].Min():F2}×), batch 1 {base1 / l1:F2}× vs dense");
                }
                foreach (var rule in rules)
                {
                    var trained = Enumerable.Range(0, variants.Count).Where(i => variants[i].Trained && variants[i].Rule == rule).ToArray();
                    if (trained.Length == 0) continue;
                    var up256 = trained.Select(i => base256 / Median(latency256[i])).OrderBy(v => v).ToList();
                    var up1 = trained.Select(i => base1 / Median(latency1[i])).OrderBy(v => v).ToList();
                    summary.Add($"speed ({RuleName(rule)}, L = {spec.Lookback} networks of the {trained.Length} trained 50 % shapes): batch 256 median {Median(up256):F2}× (range {up256[0]:F2}–{up256[^1]:F2}×), batch 1 median {Median(up1):F2}× vs dense");
                }
                foreach (var v in variants) v.Module.Dispose();
            }
        }
        finally
        {
            torch.set_num_threads(previous);
        }
    }

    private static double Time(ForecastingNetwork module, Tensor x, int iterations)
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

    private static long Count(ForecastingNetwork m) => m.parameters().Sum(p => p.numel());

    private static long Prunable(ForecastingNetwork m) => PrunableParameterSelection.Select(m, new PruningOptions()).Sum(p => p.Parameter.numel());

    private static string Shape(ForecasterSpec s) => s.Kind == ForecasterKind.PatchTst
        ? $"heads [{string.Join(",", Enumerable.Range(0, s.NumberOfLayers).Select(i => s.HeadSlotsOf(i).Length))}], FF [{string.Join(",", Enumerable.Range(0, s.NumberOfLayers).Select(s.FeedForwardOf))}]"
        : $"hidden [{string.Join(",", Enumerable.Range(0, s.NumberOfLayers).Select(s.HiddenSizeOf))}]";

    private enum Method { Dense, Unstructured, Structured }

    private static void Accuracy(int seeds, int epochs, ForecasterKind[] kinds, StructureImportance[] rules, bool scoringTimes, Action<string> line, List<string> summary,
        List<(StructureImportance Rule, int Seed, ForecasterSpec Spec)> trainedShapes)
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
        line("| model | method | MAE mean ± sd | MAE vs dense | MAE / naive | weight sparsity | structure sparsity | shape (seed 0) | .zip bytes (seed 0) | epochs (mean) |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        var scoring = new List<string>();
        var shapes = new List<string>();
        foreach (var kind in kinds)
        {
            // The recurrent models here have one layer, one group: both rules prune the same units, so train the first rule only.
            var methods = new List<(Method Method, StructureImportance Rule)> { (Method.Dense, default), (Method.Unstructured, default) };
            methods.AddRange((kind == ForecasterKind.PatchTst ? rules : rules.Take(1)).Select(r => (Method.Structured, r)));
            var kept = new List<(string Label, PrunedForecastingTransformer Model)>();
            double denseMae = double.NaN;
            foreach (var (method, rule) in methods)
            {
                string label = method == Method.Structured ? $"Structured ({RuleName(rule)})" : method.ToString();
                var seedShapes = new List<string>();
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
                    o.StructureImportance = rule;
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
                    seedShapes.Add(Shape(model.Spec));
                    if (method == Method.Structured && kind == ForecasterKind.PatchTst) trainedShapes.Add((rule, seed, model.Spec));
                    if (seed == 0)
                    {
                        shape = Shape(model.Spec);
                        string path = Path.Combine(dir, $"{kind}-{method}-{rule}.zip");
                        ml.Model.Save(model, data.Schema, path);
                        bytes = new FileInfo(path).Length;
                        kept.Add((label, model));
                    }
                    else
                    {
                        model.Dispose();
                    }
                }
                double mean = maes.Average();
                double sd = maes.Count > 1 ? Math.Sqrt(maes.Sum(m => (m - mean) * (m - mean)) / (maes.Count - 1)) : 0;
                if (method == Method.Dense) denseMae = mean;
                string versusDense = method == Method.Dense ? "–" : $"{(mean / denseMae - 1) * 100:+0.0;−0.0;0.0} %";
                string structures = method == Method.Structured ? structureSparsity.Average().ToString("P1", CultureInfo.InvariantCulture) : "–";
                line($"| {kind} | {label} | {mean:F1} ± {sd:F1} | {versusDense} | {mean / naive:F3} | {sparsity.Average():P1} | {structures} | {shape} | {bytes:N0} | {epochsRun.Average():F1} |");
                if (method == Method.Structured)
                {
                    shapes.Add($"| {kind} | {label} | {string.Join(" · ", seedShapes)} |");
                    if (kind == ForecasterKind.PatchTst)
                        summary.Add($"accuracy ({RuleName(rule)}, trained on Bitcoin, L = {lookback}, {seeds} seeds): MAE {mean:F1} vs dense {denseMae:F1} ({versusDense}); shapes per seed {string.Join(" · ", seedShapes)}");
                }
            }

            if (!scoringTimes)
            {
                foreach (var (_, m) in kept) m.Dispose();
                continue;
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
            var cells = kept.Select((m, i) => $"{Median(times[i]) * 1e3:F1} ms ({dense / Median(times[i]):F2}×)").ToList();
            while (cells.Count < 2 + rules.Length) cells.Add("as left (one group)");
            scoring.Add($"| {kind} | " + string.Join(" | ", cells) + " |");
            if (kind == ForecasterKind.PatchTst)
            {
                for (int i = 0; i < kept.Count; i++)
                {
                    if (kept[i].Label.StartsWith("Structured", StringComparison.Ordinal))
                        summary.Add($"end-to-end scoring of the trained seed-0 model, {kept[i].Label}: {dense / Median(times[i]):F2}× vs dense");
                }
            }
            foreach (var (_, m) in kept) m.Dispose();
        }
        line("");
        line("Shapes after compaction, every seed (heads and feed-forward widths per encoder layer, or hidden sizes per recurrent layer):");
        line("");
        line("| model | method | shape per seed |");
        line("|---|---|---|");
        foreach (var row in shapes) line(row);
        if (scoring.Count > 0)
        {
            line("");
            line($"End-to-end scoring of all {rows} rows by the trained seed-0 models (Transform + read the Forecast column; default threads; median of 9 interleaved rounds, speed-up vs dense):");
            line("");
            line("| model | dense | unstructured | " + string.Join(" | ", rules.Select(r => $"structured, {RuleName(r)} (compacted)")) + " |");
            line("|---|---|---|" + string.Concat(rules.Select(_ => "---|")));
            foreach (var row in scoring) line(row);
        }
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
        ? Enumerable.Range(0, s.NumberOfLayers).Sum(i => s.HeadSlotsOf(i).Length + s.FeedForwardOf(i))
        : Enumerable.Range(0, s.NumberOfLayers).Sum(s.HiddenSizeOf);

    private static double NaiveMae(float[] close, int testStart, int horizon)
    {
        double sum = 0;
        long n = 0;
        for (int t = testStart - 1; t + horizon < close.Length; t++)
            for (int h = 1; h <= horizon; h++) { sum += Math.Abs(close[t + h] - close[t]); n++; }
        return sum / n;
    }
}
