using System.Diagnostics;
using TorchSharp;

namespace SynapticPruning.Bench;

/// <summary>
/// Performance benchmarks of SynapticPruning.ML. Every comparison is a ratio of interleaved A/B blocks measured side
/// by side in one process (median of per-block ratios with an order-statistic 95 % CI), because the machine may be
/// shared. Headline figures time the library's real path (ForecastTrainer.Fit with its defaults or the published
/// configurations, validation included); step-level rows (StepRunner) are labelled as diagnosis.
/// Usage: <c>dotnet run -c Release --project bench -- &lt;command&gt; [--quick] [--out FILE] [--authors DIR]</c>.
/// </summary>
public static class Program
{
    private static readonly (string Name, string Help, Action<Report, bool> Run)[] Figures =
    {
        ("realfit", "1: pruning overhead in the real ForecastTrainer.Fit vs Regularization.None (LSTM h64 L30, PatchTST d64 L60), per fit and per pruning epoch", RealFitFigures.PruningOverhead),
        ("pruning", "1 (diagnosis) and 1b: per-step overhead of pruning at step level (StepRunner) and mask-update cost vs size", (r, q) => { PruningFigures.StepOverhead(r, q); PruningFigures.MaskUpdateScaling(r, q); }),
        ("library", "2: ForecastTrainer vs a bare TorchSharp loop", LibraryFigures.Overhead),
        ("inference", "4: ML.NET transformer vs bare forward, batch 256", InferenceFigures.Throughput),
        ("filesize", "5: payload size at 0–90 % sparsity", FileSizeFigure.Sizes),
        ("memory", "6: peak RSS per model on household-power (child processes)", MemoryFigure.Peaks),
        ("scale", "7: ForecastTrainer epoch time vs series length", ScaleFigure.Epochs),
        ("pytorch", "3, 8 and 8 (diagnosis): PyTorch twin (needs /usr/bin/python3 with torch; skips otherwise)", (r, q) => { PyTorchFigures.Peer(r, q); Etth1EpochFigure.Run(r, q); PyTorchFigures.Etth1StepDiagnosis(r, q); }),
        ("threads", "14 (diagnosis): speed-up of a second thread per training step vs the step's estimated work (the default thread rule)", ThreadsFigure.Figure),
        ("guard", "9: cost of the oneDNN ISA guard on the real PrunedLstm fit and Transform (child processes, cap on vs off)", GuardFigure.Cost),
        ("authors", $"12: the authors' Runtime_Analysis.py vs our study CLI on its grid (--authors DIR or {AuthorsFigure.EnvironmentVariable}=DIR, a checkout of xalentis/SynapticPruning; [--authors-pairs N])", AuthorsFigure.Run),
        ("dropout", "13: dropout mask cost vs nn.functional.dropout on PatchTST/42's tensors, and its training step with dropout 0.3 vs 0", DropoutFigure.Run),
        ("heap", "15 (diagnosis): identical LSTM fits in one process — seconds, page faults and glibc arena size per fit", HeapFigure.Run),
        ("etth1", "8 only: PatchTST/42 epochs as the accuracy command trains them vs the PyTorch twin's (and the step-level diagnosis row)", (r, q) => { Etth1EpochFigure.Run(r, q); PyTorchFigures.Etth1StepDiagnosis(r, q); }),
    };

    private static string[] _args = [];

    /// <summary>The value after <paramref name="name"/> on the command line, or null.</summary>
    public static string? Option(string name)
    {
        int at = Array.IndexOf(_args, name);
        return at >= 0 && at + 1 < _args.Length ? _args[at + 1] : null;
    }

    /// <summary>Runs the named benchmark(s).</summary>
    public static int Main(string[] args)
    {
        if (args.Length >= 1 && args[0] == "memchild") return MemoryFigure.Child(args[1..]);
        if (args.Length >= 1 && args[0] == "guardchild") return GuardFigure.Child(args[1..]);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine("usage: dotnet run -c Release --project bench -- <command> [--quick] [--out FILE] [--authors DIR]");
            Console.WriteLine("  all        every figure (1–9, 12–14; 3 and 8 skip with a message when /usr/bin/python3 cannot import torch, 12 when no");
            Console.WriteLine($"             authors' checkout is given; under --quick, 12 runs only with --authors DIR)");
            foreach (var f in Figures) Console.WriteLine($"  {f.Name,-10} {f.Help}");
            return args.Length == 0 ? 1 : 0;
        }
        _args = args;
        bool quick = args.Contains("--quick");
        string? outFile = Option("--out");
        string command = args[0];
        var selected = command switch
        {
            // The authors' grid takes minutes: a quick run includes it only when asked for with --authors DIR.
            "all" => Figures.Where(f => f.Name != "etth1" && !(f.Name == "authors" && quick && Option("--authors") is null)).ToArray(),
            _ => Figures.Where(f => f.Name == command).ToArray(),
        };
        if (selected.Length == 0)
        {
            Console.Error.WriteLine($"Unknown command '{command}'. Run with --help.");
            return 2;
        }

        Microsoft.ML.SynapticPruning.Runtime.NativeRuntime.EnsureInitialized();
        var report = new Report();
        if (command == "all" && !selected.Any(f => f.Name == "authors"))
            AuthorsFigure.Skip(report, "not run under --quick (the authors' grid takes minutes); run `authors --quick` or pass --authors DIR");
        string header = $"SynapticPruning.ML benchmark `{string.Join(' ', args)}` — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n" +
                        $"Machine: {Machine.Describe()}\nTorchSharp 0.107.0 (libtorch 2.10, CPU), native OMP_WAIT_POLICY={Machine.OmpWaitPolicy}, " +
                        $"torch threads at start {torch.get_num_threads()}\nLoad average (1/5/15 min) at start: {Machine.LoadAverage()}";
        Console.WriteLine(header);
        var total = Stopwatch.StartNew();
        foreach (var (name, _, run) in selected)
        {
            Console.WriteLine($"== {name} (load {Machine.LoadAverage()})");
            var watch = Stopwatch.StartNew();
            run(report, quick);
            Console.WriteLine($"   {name} took {watch.Elapsed.TotalSeconds:0.0} s");
        }
        string footer = $"Load average at end: {Machine.LoadAverage()}; total {total.Elapsed.TotalSeconds:0} s.";
        string markdown = header.Replace("\n", "  \n") + "\n\n" + report.ToMarkdown() + "\n" + footer + "\n";
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine(footer);
        if (outFile is not null) File.WriteAllText(outFile, markdown);
        return 0;
    }
}
