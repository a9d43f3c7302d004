using System.Globalization;
using System.Text;
using System.Text.Json;
using SynapticPruning.Study.Statistics;

namespace Samples.Commands;

/// <summary>
/// <c>sweep --grid</c>: the issue-18 evidence grid — one <c>sweep</c> (with its held-out check) per dataset × tuner × seed
/// at the same budget, each cell appended to <c>--grid-results</c> (JSON lines; a rerun skips the cells already there),
/// then a Markdown report: per dataset the held-out MAE (× naive) of the sweep's pick, the paper's default LSTM and the
/// best baseline, and per dataset and tuner the mean and 95 % t-interval over the seeds of the pick's held-out MAE.
/// Every option other than the grid's own is passed to each sweep unchanged (e.g. <c>--trials 20 --budget-minutes 4</c>).
/// </summary>
internal static class SweepGridCommand
{
    private static readonly string[] DefaultDatasets = { "household-power", "air-quality", "aapl", "bitcoin", "etth1" };
    private static readonly string[] GridOptions = { "--grid", "--datasets", "--tuners", "--seeds", "--grid-results", "--report" };

    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        cl.Flag("grid");
        string[] datasets = cl.Strings("datasets", DefaultDatasets);
        string[] tuners = cl.Strings("tuners", new[] { "asha", "tpe", "random" });
        int seeds = cl.Int("seeds", 5);
        string file = cl.String("grid-results") ?? throw new ArgumentException("--grid-results FILE.jsonl is required with --grid (each finished cell is appended; a rerun resumes).");
        string? report = cl.String("report");
        if (seeds < 1) throw new ArgumentException($"--seeds must be at least 1 (got {seeds}).");
        if (tuners.Except(new[] { "asha", "tpe", "random" }).FirstOrDefault() is { } bad) throw new ArgumentException($"--tuners: '{bad}' is unknown; use asha, tpe, random.");
        if (args.Contains("--data") || args.Contains("--tuner") || args.Contains("--seed"))
            throw new ArgumentException("--grid sets --data, --tuner and --seed per cell: use --datasets, --tuners and --seeds.");
        var passThrough = PassThrough(args);

        var done = Read(file);
        foreach (string dataset in datasets)
        foreach (string tuner in tuners)
        for (int seed = 0; seed < seeds; seed++)
        {
            if (done.Any(c => c.Dataset == dataset && c.Tuner == tuner && c.Seed == seed)) continue;
            Console.WriteLine($"=== grid cell: {dataset}, tuner {tuner}, seed {seed} ===");
            var cellArgs = passThrough.Concat(new[] { "--data", dataset, "--tuner", tuner, "--seed", seed.ToString(CultureInfo.InvariantCulture) }).ToArray();
            int code = SweepCommand.Execute(cellArgs, out var check);
            if (code != 0 || check is null) return code;
            var cell = check with { Dataset = dataset };
            File.AppendAllText(file, JsonSerializer.Serialize(cell) + "\n");
            done.Add(cell);
        }
        string markdown = Report(done.Where(c => datasets.Contains(c.Dataset) && tuners.Contains(c.Tuner) && c.Seed < seeds).ToList(), tuners);
        Console.WriteLine();
        Console.Write(markdown);
        if (report is not null) File.WriteAllText(report, markdown);
        return 0;
    }

    /// <summary>The Markdown tables of the grid (held-out table per dataset, tuner comparison with 95 % t-intervals).</summary>
    internal static string Report(IReadOnlyList<HeldOutCheck> cells, IReadOnlyList<string> tuners)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("Held-out MAE on the last 20 % (mean over the cells of every tuner and seed; × = relative to the naive forecast's MAE on the same windows):");
        sb.AppendLine();
        sb.AppendLine("| dataset | cells | sweep pick | paper default LSTM | best baseline on CV | baseline recommended |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var group in cells.GroupBy(c => c.Dataset))
        {
            var g = group.ToArray();
            double naive = g.Average(c => c.NaiveMae);
            string Cell(Func<HeldOutCheck, double> mae) { double m = g.Average(mae); return $"{m.ToString("G5", inv)} ({(m / naive).ToString("F2", inv)}×)"; }
            sb.AppendLine($"| {group.Key} | {g.Length} | {Cell(c => c.PickMae)} | {Cell(c => c.PaperMae)} | {Cell(c => c.BaselineMae)} | {g.Count(c => c.BaselineRecommended)}/{g.Length} |");
        }
        sb.AppendLine();
        sb.AppendLine("Tuner comparison: held-out MAE of each tuner's own best trial (refitted also when the baseline was recommended), mean and 95 % t-interval over the seeds (same budget for every tuner):");
        sb.AppendLine();
        sb.AppendLine("| dataset | " + string.Join(" | ", tuners) + " |");
        sb.AppendLine("|---|" + string.Concat(tuners.Select(_ => "---:|")));
        foreach (var group in cells.GroupBy(c => c.Dataset))
        {
            var row = tuners.Select(t =>
            {
                var mine = group.Where(c => c.Tuner == t).ToArray();
                var values = mine.Where(c => c.TunerHeldOutMae is not null).Select(c => c.TunerHeldOutMae!.Value).ToArray();
                int none = mine.Count(c => c.NoTrialFinished);
                var finished = mine.Where(c => c.TrialsFinished is not null).Select(c => c.TrialsFinished!.Value).ToArray();
                string notes = (finished.Length == 0 ? "" : $"; {finished.Min()}–{finished.Max()} trials finished")
                    + (none == 0 ? "" : $"; {none} sweep(s) finished none");
                if (values.Length == 0) return none == 0 ? "-" : $"- (n = 0{notes})";
                if (values.Length == 1) return $"{values[0].ToString("G5", inv)} (n = 1{notes})";
                var ci = DescriptiveStatistics.MeanConfidenceInterval(values);
                return $"{ci.Mean.ToString("G5", inv)} [{ci.Lower.ToString("G5", inv)}, {ci.Upper.ToString("G5", inv)}] (n = {values.Length}{notes})";
            });
            sb.AppendLine($"| {group.Key} | " + string.Join(" | ", row) + " |");
        }
        int unknown = cells.Count(c => c.TunerHeldOutMae is null && !c.NoTrialFinished);
        if (unknown > 0)
        {
            sb.AppendLine();
            sb.AppendLine($"{unknown} cell(s) recommended a baseline and were run before the tuner's own best was refitted; they are left out of the tuner comparison (delete their lines and rerun to include them).");
        }
        return sb.ToString();
    }

    private static List<HeldOutCheck> Read(string file)
    {
        if (!File.Exists(file)) return new List<HeldOutCheck>();
        return File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<HeldOutCheck>(l)
            ?? throw new InvalidDataException($"'{file}' holds an empty line record.")).ToList();
    }

    // Every argument except the grid's own options (and their values).
    private static List<string> PassThrough(string[] args)
    {
        var kept = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (GridOptions.Contains(args[i]))
            {
                if (args[i] != "--grid" && i + 1 < args.Length) i++;
                continue;
            }
            kept.Add(args[i]);
        }
        return kept;
    }
}
