using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 12: the paper authors' own <c>Runtime_Analysis.py</c> (xalentis/SynapticPruning), run unmodified with
/// /usr/bin/python3, against our study CLI on the same grid (Bitcoin, LSTM, none/dropout/MC dropout/pruning, lookbacks
/// 1–60, seeds 42–51): wall time of each whole command as a child process. The authors' files are never vendored: the
/// bench copies the two scripts from a checkout named by <c>--authors DIR</c> or <c>SP_AUTHORS_DIR</c>, plus the
/// repository's own data/bitcoin/bitcoin.csv, into a temporary folder.
/// </summary>
internal static partial class AuthorsFigure
{
    public const string EnvironmentVariable = "SP_AUTHORS_DIR";

    private const string Script = "Runtime_Analysis.py", Helper = "auto_feature_engineering.py";

    private static readonly string[] StudyArguments =
    [
        "study", "--protocol", "paper", "--datasets", "bitcoin", "--models", "lstm", "--methods", "none,dropout,mc-dropout,pruning",
        "--lookbacks", "1,3,7,14,30,60", "--seeds", "42..51",
    ];

    /// <summary>The authors' checkout: <c>--authors DIR</c>, else <c>SP_AUTHORS_DIR</c>, else null.</summary>
    public static string? Directory => Program.Option("--authors") ?? Environment.GetEnvironmentVariable(EnvironmentVariable);

    public static void Run(Report report, bool quick)
    {
        string? dir = Directory;
        string how = $"pass --authors DIR or set {EnvironmentVariable}=DIR, DIR a checkout of the authors' repository: git clone https://github.com/xalentis/SynapticPruning";
        if (string.IsNullOrEmpty(dir) || !File.Exists(Path.Combine(dir, Script)) || !File.Exists(Path.Combine(dir, Helper)))
        {
            string why = string.IsNullOrEmpty(dir) ? "no authors' checkout given" : $"{dir} holds no {Script} and {Helper}";
            Skip(report, $"{why}; {how}");
            return;
        }
        string bitcoin = Path.Combine(AppContext.BaseDirectory, "data", "bitcoin", "bitcoin.csv");
        if (!File.Exists(bitcoin)) { Skip(report, $"{bitcoin} is missing (the build copies the repository's data/ next to the bench)"); return; }
        const string imports = "import torch, pandas, numpy, sklearn, scipy, statsmodels, psutil, matplotlib";
        var (probeCode, probe) = ChildProcess.RunProgram(PythonTwin.Python, ["-c", imports + "; print(torch.get_num_threads(), torch.__version__)"], null, PythonEnvironment);
        if (probeCode != 0)
        {
            Skip(report, $"{PythonTwin.Python} cannot run '{imports}' (Debian: apt-get install -y python3-torch python3-pandas python3-sklearn python3-scipy python3-statsmodels python3-psutil python3-matplotlib)");
            return;
        }
        string[] probeParts = probe.Trim().Split(' ');
        string pythonThreads = probeParts[0], torchVersion = probeParts.Length > 1 ? probeParts[1] : "?";
        string samples = Path.Combine(AppContext.BaseDirectory, "Samples.dll");
        if (!File.Exists(samples)) { Skip(report, $"{samples} is missing (the bench references the Samples project; rebuild it)"); return; }

        int pairs = int.TryParse(Program.Option("--authors-pairs"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) && p > 0 ? p : 1;
        var ours = new List<double>();
        var theirs = new List<double>();
        var serial = new List<double>();
        string ourThreads = "?", ourTrials = "?", serialTrials = "?", theirTrials = "?", theirTraining = "";
        for (int i = 0; i < pairs; i++)
        {
            string work = Path.Combine(Path.GetTempPath(), $"sp-bench-authors-{Environment.ProcessId}-{Guid.NewGuid():N}");
            System.IO.Directory.CreateDirectory(work);
            try
            {
                File.Copy(Path.Combine(dir, Script), Path.Combine(work, Script));
                File.Copy(Path.Combine(dir, Helper), Path.Combine(work, Helper));
                File.Copy(bitcoin, Path.Combine(work, "bitcoin.csv"));

                // Our study CLI with its defaults (worker processes on every core), or with --parallel 1 (one core, one process).
                double Ours(bool oneCore)
                {
                    string outDir = Path.Combine(work, oneCore ? "study-out-serial" : "study-out"); // fresh: nothing to resume
                    string[] arguments = oneCore ? [.. StudyArguments, "--parallel", "1", "--out", outDir] : [.. StudyArguments, "--out", outDir];
                    Console.WriteLine($"   ours: dotnet Samples.dll {string.Join(' ', arguments)}");
                    var watch = Stopwatch.StartNew();
                    var (code, output) = ChildProcess.RunProgram("dotnet", [samples, .. arguments], work,
                        psi => psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE");
                    double seconds = watch.Elapsed.TotalSeconds;
                    if (code != 0) throw new InvalidOperationException($"The study command failed (exit {code}):\n{Tail(output)}");
                    var finished = FinishedLine().Match(output);
                    string trials = finished.Success ? $"{finished.Groups[1].Value} of {finished.Groups[2].Value} planned" : "?";
                    if (oneCore) serialTrials = trials;
                    else
                    {
                        ourTrials = trials;
                        var parallelism = output.Split('\n').FirstOrDefault(l => l.StartsWith("Parallelism:", StringComparison.Ordinal));
                        if (parallelism is not null) ourThreads = parallelism.Trim();
                    }
                    return seconds;
                }

                double Theirs()
                {
                    Console.WriteLine($"   authors: {PythonTwin.Python} {Script} (in {work})");
                    var watch = Stopwatch.StartNew();
                    var (code, output) = ChildProcess.RunProgram(PythonTwin.Python, ["-u", Script], work, PythonEnvironment);
                    double seconds = watch.Elapsed.TotalSeconds;
                    if (code != 0) throw new InvalidOperationException($"{Script} failed (exit {code}):\n{Tail(output)}");
                    // Its main(): 6 sequence lengths × 4 methods × 10 trials; the final summary prints one block per length.
                    int lengths = SummaryLine().Matches(output).Count;
                    theirTrials = $"{lengths * 4 * 10} (summary printed for {lengths} of 6 sequence lengths × 4 methods × 10 trials)";
                    // Its own timer (training loops only): the mean runtime per trial of each length × method, × 10 trials.
                    double training = RuntimeLine().Matches(output).Sum(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Sum(v => double.Parse(v, CultureInfo.InvariantCulture)) * 10);
                    theirTraining = $"; its training loops by its own timer {training:0} s";
                    return seconds;
                }

                // Alternate the order between rounds (the first runs ours, ours on one core, theirs; the next the reverse).
                if (i % 2 == 0) { ours.Add(Ours(false)); serial.Add(Ours(true)); theirs.Add(Theirs()); }
                else { theirs.Add(Theirs()); serial.Add(Ours(true)); ours.Add(Ours(false)); }
            }
            finally
            {
                try { System.IO.Directory.Delete(work, recursive: true); } catch (IOException) { }
            }
        }
        var ratios = Interleave.Ratios(ours, theirs);
        report.Add(new Row("12", "The authors' Runtime_Analysis.py vs our study CLI on its grid (Bitcoin, LSTM h64, none/dropout/MC dropout/pruning, lookbacks 1,3,7,14,30,60, seeds 42–51, ≤ 20 epochs): our wall time ÷ theirs",
            Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), "≤ 0.3",
            $"ours: {ourThreads} / PASSIVE; authors: torch default {pythonThreads} thread(s) / PASSIVE",
            $"{pairs} round(s){(pairs == 1 ? " (one round: the Python grid alone takes minutes)" : ", order alternated")}; whole commands as child processes, wall time from start to exit (data loading, every trial, report/plots): " +
            $"ours `dotnet Samples.dll {string.Join(' ', StudyArguments)} --out <fresh temp dir>` {Stats.Median(ours):0} s, {ourTrials} trials; " +
            $"theirs `{PythonTwin.Python} {Script}` unmodified (xalentis/SynapticPruning, copied with {Helper} and this repository's data/bitcoin/bitcoin.csv into a temp dir; MPLBACKEND=Agg) " +
            $"{Stats.Median(theirs):0} s, {theirTrials} trials{theirTraining}; PyTorch {torchVersion} (Debian python3-torch)"));
        var serialRatios = Interleave.Ratios(serial, theirs);
        report.Add(new Row("12", "The same, our study CLI on one core (`--parallel 1`: trials one after another in one process): our wall time ÷ theirs",
            Report.Ratio(Stats.Median(serialRatios)), Report.CiText(Stats.MedianCi(serialRatios), serialRatios.Count), "—",
            $"ours: 1 process, 1 thread / PASSIVE; authors: torch default {pythonThreads} thread(s) / PASSIVE",
            $"same round(s) as the row above; ours with --parallel 1 {Stats.Median(serial):0} s, {serialTrials} trials; " +
            $"shows how much of the row above is parallel worker processes (Debian's PyTorch defaults to {pythonThreads} intra-op thread(s) here)"));
    }

    private static void PythonEnvironment(ProcessStartInfo psi)
    {
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        psi.Environment["MPLBACKEND"] = "Agg";
        psi.Environment.Remove("OMP_NUM_THREADS"); // torch's default thread count
    }

    public static void Skip(Report report, string why)
    {
        Console.WriteLine($"Skipping figure 12: {why}.");
        report.Add(new Row("12", "The authors' Runtime_Analysis.py vs our study CLI", "skipped", "—", "≤ 0.3", "—", why));
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(20));

    [GeneratedRegex(@"Finished ([\d,]+) of ([\d,]+) trials")]
    private static partial Regex FinishedLine();

    [GeneratedRegex(@"^=== Results for Sequence Length: \d+ ===", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^runtime +([-\d. ]+)$", RegexOptions.Multiline)]
    private static partial Regex RuntimeLine();
}
