using System.Globalization;
using SynapticPruning.Study.Data;

namespace Samples.Study;

/// <summary>
/// Settings of one <c>study</c> run, parsed from the command line by <see cref="Parse"/>. Immutable.
/// </summary>
public sealed record StudyOptions
{
    /// <summary>First seed; seeds are consecutive from here unless listed. 42.</summary>
    public const int FirstSeed = 42;

    /// <summary>Protocol. Default <see cref="StudyProtocol.Rigorous"/>. <see cref="StudyProtocol.Authors"/> forces the datasets to
    /// bitcoin and the models to lstm (other values given explicitly are refused, naming the option).</summary>
    public StudyProtocol Protocol { get; init; } = StudyProtocol.Rigorous;

    /// <summary>Datasets (bundled names). Default bitcoin, air-quality, household-power, aapl. Ignored with <see cref="CustomData"/>.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = StudyDataLoader.DefaultDatasets;

    /// <summary>Networks. Default rnn, lstm, gru, patchtst (quick: lstm, patchtst).</summary>
    public IReadOnlyList<string> Models { get; init; } = StudyMethods.Models;

    /// <summary>Regularization arms and baselines. Default: every arm of the protocol and every baseline.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Seeds. Default 42..46 (rigorous), 42..51 (paper, authors), 42..44 (quick).</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];

    /// <summary>Lookbacks. Default <see cref="RigorousLookbacks"/> (7, 14, 30) for the full rigorous grid, 1, 3, 7, 14, 30, 60
    /// under the paper protocol, 7, 30 with <c>--quick</c>.</summary>
    public IReadOnlyList<int> Lookbacks { get; init; } = [];

    /// <summary>Horizons. Default 1 and 7 (rigorous), 1 (paper, authors and quick).</summary>
    public IReadOnlyList<int> Horizons { get; init; } = [];

    /// <summary>Most epochs per trial. Default 20 (quick: 8).</summary>
    public int Epochs { get; init; }

    /// <summary>Results folder. Default <c>study-results/{protocol}[-quick]</c>.</summary>
    public string OutputDirectory { get; init; } = "";

    /// <summary>A user CSV instead of the bundled datasets, or null.</summary>
    public CustomDataSource? CustomData { get; init; }

    /// <summary>Data root of the bundled datasets, or null to find it.</summary>
    public string? DataRoot { get; init; }

    /// <summary>Quick smoke run (docs/study.md): Bitcoin in full plus the last 2,000 rows of every other dataset, 2 lookbacks, 3 seeds, ≤ 8 epochs, LSTM and PatchTST, horizon 1.</summary>
    public bool Quick { get; init; }

    /// <summary>Estimate the full grid's running time from a stratified sample instead of running it.</summary>
    public bool Estimate { get; init; }

    /// <summary>Give the bundled datasets' recommended covariates to RNN/LSTM/GRU. Default false (target history only).</summary>
    public bool UseCovariates { get; init; }

    /// <summary>Rolling-origin backtest folds (rigorous only); each fold is a block of the statistics. <see cref="Parse"/>
    /// defaults to <see cref="RigorousBacktestFolds"/> for the full rigorous grid and to 1 (no backtest) with
    /// <c>--quick</c> and under other protocols; 1 when the record is built directly.</summary>
    public int BacktestFolds { get; init; } = 1;

    /// <summary>Rolling-origin folds of the default full rigorous grid: 2, so each dataset's 4 models × 3 lookbacks × 2
    /// horizons are scored on two disjoint test periods (48 blocks per dataset; docs/study.md, "Can the grid support claims?").</summary>
    public const int RigorousBacktestFolds = 2;

    /// <summary>Lookbacks of the default full rigorous grid: 7, 14, 30 (a week to a month of daily rows). Lookback 1 is left
    /// out because PatchTST with RevIN is the naive forecast there (its arms tie), 3 is barely a sequence, and 60 costs
    /// recurrent networks the most; pass <c>--lookbacks 1,3,7,14,30,60</c> for the paper's sweep (docs/study.md).</summary>
    public static IReadOnlyList<int> RigorousLookbacks { get; } = [7, 14, 30];

    /// <summary>Trials run at once, each in its own worker process; null = the default (the number of cores, capped by
    /// the number of trials to run; 1 with <see cref="Estimate"/>, which times trials one at a time). 1 = in this process,
    /// one after another.</summary>
    public int? Parallel { get; init; }

    /// <summary>Show help and exit.</summary>
    public bool ShowHelp { get; init; }

    /// <summary>One rung of the ablation ladder (<c>--rung NAME</c>, docs/study.md, "The ablation ladder"), or null. It sets the
    /// protocol, the data, the inputs and the training settings; datasets <see cref="StudyLadder.Datasets"/>, model lstm,
    /// horizon 1, the paper's four arms and 10 seeds by default.</summary>
    public StudyLadderRung? Rung { get; init; }

    /// <summary>Run every rung of the ablation ladder (<c>--ladder</c>; <see cref="StudyLadderCommand"/>).</summary>
    public bool Ladder { get; init; }

    /// <summary>The command-line help.</summary>
    public const string Help = """
        Usage: study [options]
        Reproduces and tests the synaptic-pruning claim: pruning vs none vs dropout vs MC dropout (rigorous: plus the
        Zhu-Gupta curve) on RNN, LSTM, GRU and PatchTST, with naive, seasonal-naive, DLinear and FastTree baselines.

          --ladder                    the ablation ladder (docs/study.md): every rung from authors to rigorous,
                                      one flaw removed per rung, into DIR/<dataset>/<rung>/, plus DIR/report.md;
                                      datasets bitcoin (default), aapl; lstm, horizon 1, 10 seeds
          --rung NAME                 one rung of the ladder (authors, no-leads, target-only, separate-validation,
                                      train-scaler, restore-best, patience, mc-validation, mc-samples,
                                      full-schedule, window-norm); sets the protocol
          --protocol rigorous|paper|authors
                                      rigorous (default): 70/10/20 split, train-only scaler, best-weights restore,
                                      untouched test part; paper: the authors' 80/20 protocol, flaws listed in the report;
                                      authors: paper plus their Bitcoin inputs (date parts, lags and leads of close,
                                      without close itself), their early-stopping rule and stochastic MC validation;
                                      bitcoin and lstm only, MAE in units of close's standard deviation
          --quick                     smoke run (<= 10 min on 2 cores): bitcoin + last 2,000 rows of the others,
                                      lstm + patchtst, lookbacks 7,30, 3 seeds, <= 8 epochs, horizon 1
          --estimate                  run one trial per dataset x model x method (mid lookback, first seed) and
                                      extrapolate the running time of the full grid (written as an estimate)
          --datasets a,b              bitcoin, air-quality, household-power, aapl (default: all four)
          --models a,b                rnn, lstm, gru, patchtst
          --methods a,b               none, dropout, mc-dropout, pruning, pruning-zhugupta, pruning-structured, naive, seasonal-naive,
                                      dlinear, fasttree (default: every arm of the protocol and every baseline)
          --seeds N | a..b | a,b      N seeds from 42, a range or a list
          --lookbacks a,b             default 7,14,30 (rigorous), 1,3,7,14,30,60 (paper)
          --horizon a,b               default 1,7 (rigorous) or 1 (paper)
          --epochs N                  most epochs per trial (default 20, quick 8)
          --out DIR                   results folder; rerunning with the same folder resumes
          --parallel N                trials run at once in N worker processes, a trial on k threads taking k of the
                                      N cores (default: the number of cores; same results as 1); 1 = one after
                                      another in this process (the default with --estimate)
          --covariates                give the recommended covariates to rnn/lstm/gru
          --backtest K                rolling-origin backtest (rigorous): the last 20% of rows split into K test
                                      blocks, each with its own expanding training part; every fold is a block of
                                      the statistics (default 2 for the full rigorous grid, 1 with --quick)
          --data FILE --target COL    any CSV with a time column and numeric columns
          --time COL                  time column (default: detected)
          --separator C               field separator (default: detected; use \t for tabs)
          --decimal C                 decimal mark, . or , (default .)
          --season N                  seasonal period of --data (default: from the time step)
          --data-root DIR             folder holding the bundled datasets (default: found automatically)
        """;

    /// <summary>Parses <paramref name="args"/> (the arguments after <c>study</c>) and fills in the defaults.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing or invalid value; the message names the option.</exception>
    public static StudyOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new StudyOptions();
        string? data = null, target = null, time = null;
        char? separator = null;
        char decimalMark = '.';
        int? season = null;
        bool methodsGiven = false, datasetsGiven = false, modelsGiven = false, protocolGiven = false;
        bool backtestGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                    throw new ArgumentException($"Option {a} needs a value. Run 'study --help' for the syntax.");
                return args[++i];
            }
            switch (a)
            {
                case "--help" or "-h": o = o with { ShowHelp = true }; break;
                case "--quick": o = o with { Quick = true }; break;
                case "--estimate": o = o with { Estimate = true }; break;
                case "--covariates": o = o with { UseCovariates = true }; break;
                case "--ladder": o = o with { Ladder = true }; break;
                case "--rung": o = o with { Rung = StudyLadder.Find(Value()) }; break;
                case "--protocol":
                    {
                        protocolGiven = true;
                        string v = Value();
                        o = o with
                        {
                            Protocol = v.ToLowerInvariant() switch
                            {
                                "paper" => StudyProtocol.Paper,
                                "rigorous" => StudyProtocol.Rigorous,
                                "authors" => StudyProtocol.Authors,
                                _ => throw new ArgumentException($"--protocol must be 'rigorous', 'paper' or 'authors' (was '{v}')."),
                            },
                        };
                        break;
                    }
                case "--datasets":
                    o = o with { Datasets = NameList(a, Value(), StudyDataLoader.DefaultDatasets.Concat(["etth1"]).ToArray()) };
                    datasetsGiven = true;
                    break;
                case "--models":
                    o = o with { Models = NameList(a, Value(), StudyMethods.Models) };
                    modelsGiven = true;
                    break;
                case "--methods":
                    o = o with { Methods = NameList(a, Value(), StudyMethods.RigorousArms.Concat(StudyMethods.Baselines).ToArray()) };
                    methodsGiven = true;
                    break;
                case "--seeds": o = o with { Seeds = ParseSeeds(Value()) }; break;
                case "--lookbacks": o = o with { Lookbacks = IntList(a, Value(), 1) }; break;
                case "--horizon" or "--horizons": o = o with { Horizons = IntList(a, Value(), 1) }; break;
                case "--epochs": o = o with { Epochs = IntList(a, Value(), 1).Single() }; break;
                case "--out": o = o with { OutputDirectory = Value() }; break;
                case "--parallel": o = o with { Parallel = IntList(a, Value(), 1).Single() }; break;
                case "--data-root": o = o with { DataRoot = Value() }; break;
                case "--data": data = Value(); break;
                case "--target": target = Value(); break;
                case "--time": time = Value(); break;
                case "--separator": separator = ParseChar(a, Value()); break;
                case "--decimal":
                    decimalMark = ParseChar(a, Value());
                    if (decimalMark is not ('.' or ','))
                        throw new ArgumentException($"--decimal must be '.' or ',' (was '{decimalMark}').");
                    break;
                case "--season": season = IntList(a, Value(), 1).Single(); break;
                case "--backtest": o = o with { BacktestFolds = IntList(a, Value(), 1).Single() }; backtestGiven = true; break;
                default:
                    throw new ArgumentException($"Unknown option '{a}'. Run 'study --help' for the options.");
            }
        }
        if (o.Protocol == StudyProtocol.Rigorous && !o.Quick && !o.Ladder && o.Rung is null)
        {
            // The full rigorous grid (docs/study.md, "Can the grid support claims?"); the defaults below fill the rest.
            if (!backtestGiven) o = o with { BacktestFolds = RigorousBacktestFolds };
            if (o.Lookbacks.Count == 0) o = o with { Lookbacks = RigorousLookbacks };
        }
        if (data is null && (target is not null || time is not null || separator is not null || season is not null))
            throw new ArgumentException("--target, --time, --separator and --season describe a --data file; pass --data FILE too.");
        if (data is not null)
        {
            if (target is null)
                throw new ArgumentException("--data needs --target COLUMN (the numeric column to forecast).");
            o = o with { CustomData = new CustomDataSource(data, target, time, separator, decimalMark, season) };
        }

        if (o.Ladder || o.Rung is not null)
            o = ApplyLadder(o, protocolGiven, modelsGiven, datasetsGiven, methodsGiven);
        bool paper = o.Protocol.UsesPaperSplit();
        bool authors = o.Protocol == StudyProtocol.Authors;
        string protocolName = $"the {o.Protocol.CliName()} protocol";
        var arms = o.Rung is not null || o.Ladder ? StudyMethods.PaperArms : StudyMethods.ArmsOf(o.Protocol);
        if (methodsGiven && (o.Rung is not null || o.Ladder) && o.Methods.Any(m => m is StudyMethods.PruningZhuGupta or StudyMethods.PruningStructured))
            throw new ArgumentException("--methods: the ladder compares the paper's four arms (none, dropout, mc-dropout, pruning) and the baselines; drop pruning-zhugupta and pruning-structured.");
        if (methodsGiven && o.Methods.Contains(StudyMethods.PruningZhuGupta) && paper)
            throw new ArgumentException($"--methods: pruning-zhugupta is an arm of the rigorous protocol only, not of {protocolName} (the authors ran the paper's curve).");
        if (methodsGiven && o.Methods.Contains(StudyMethods.PruningStructured) && paper)
            throw new ArgumentException($"--methods: pruning-structured is an arm of the rigorous protocol only, not of {protocolName} (the authors pruned single weights).");
        if (authors && o.Rung is null && !o.Ladder)
        {
            if (o.CustomData is not null)
                throw new ArgumentException("--data: the authors protocol reproduces the authors' Bitcoin pipeline only; use --protocol paper or rigorous for another CSV.");
            if (datasetsGiven && o.Datasets.Any(d => d != BundledDatasets.Bitcoin.Name))
                throw new ArgumentException($"--datasets: the authors protocol reproduces the authors' Bitcoin pipeline only; pass --datasets bitcoin (was {string.Join(",", o.Datasets)}).");
            if (modelsGiven && o.Models.Any(m => m != "lstm"))
                throw new ArgumentException($"--models: the authors protocol reproduces the authors' LSTM (Runtime_Analysis.py) only; pass --models lstm (was {string.Join(",", o.Models)}).");
            if (o.UseCovariates)
                throw new ArgumentException("--covariates: the authors protocol always feeds the authors' engineered features; drop --covariates.");
            o = o with { Datasets = [BundledDatasets.Bitcoin.Name], Models = ["lstm"] };
        }
        o = o with
        {
            Methods = methodsGiven ? o.Methods : [.. arms, .. StudyMethods.Baselines],
            Models = o.Quick && !modelsGiven && !authors ? ["lstm", "patchtst"] : o.Models,
            Seeds = o.Seeds.Count > 0 ? o.Seeds : Consecutive(o.Quick ? 3 : paper || o.Rung is not null || o.Ladder ? 10 : 5),
            Lookbacks = o.Lookbacks.Count > 0 ? o.Lookbacks : o.Quick ? [7, 30] : [1, 3, 7, 14, 30, 60],
            Horizons = o.Horizons.Count > 0 ? o.Horizons : paper || o.Quick || o.Rung is not null || o.Ladder ? [1] : [1, 7],
            Epochs = o.Epochs > 0 ? o.Epochs : o.Quick ? 8 : 20,
        };
        if (paper && o.BacktestFolds > 1)
            throw new ArgumentException($"--backtest: the rolling-origin backtest belongs to the rigorous protocol; {protocolName} has one 80/20 split.");
        if ((o.Rung is not null || o.Ladder) && o.Horizons.Any(h => h != 1))
            throw new ArgumentException("--horizon: the ladder forecasts one step ahead, as the authors; drop --horizon or pass --horizon 1.");
        if (paper && o.Horizons.Any(h => h != 1))
            throw new ArgumentException($"--horizon: {protocolName} forecasts one step ahead only; use --protocol rigorous for multi-step horizons.");
        if (o.Methods.Count(m => !StudyMethods.IsBaseline(m)) == 0)
            throw new ArgumentException("--methods lists no regularization arm; at least one of none, dropout, mc-dropout, pruning, pruning-zhugupta, pruning-structured is needed.");
        if (string.IsNullOrEmpty(o.OutputDirectory))
            o = o with { OutputDirectory = Path.Combine("study-results", o.Ladder ? "ladder" : o.Rung is { } rung ? "ladder-" + rung.Name : o.Protocol.ToString().ToLowerInvariant() + (o.Quick ? "-quick" : "")) };
        return o;
    }

    /// <summary>The ladder's checks and defaults (<c>--ladder</c>, <c>--rung</c>): the rung sets the protocol; datasets of
    /// <see cref="StudyLadder.Datasets"/> (default bitcoin), model lstm; no custom data, covariates, backtest or quick run.</summary>
    private static StudyOptions ApplyLadder(StudyOptions o, bool protocolGiven, bool modelsGiven, bool datasetsGiven, bool methodsGiven)
    {
        string what = o.Ladder ? "--ladder" : "--rung";
        if (o.Ladder && o.Rung is not null)
            throw new ArgumentException("--rung: --ladder runs every rung; pass one of --ladder or --rung NAME.");
        if (protocolGiven)
            throw new ArgumentException($"--protocol: {what} sets the protocol of each rung (authors while validation = test, rigorous after); drop --protocol.");
        if (o.CustomData is not null)
            throw new ArgumentException($"--data: {what} runs on the bundled datasets {string.Join(", ", StudyLadder.Datasets)} only.");
        if (o.UseCovariates)
            throw new ArgumentException($"--covariates: each rung decides the inputs itself; drop --covariates.");
        if (o.Quick || o.Estimate)
            throw new ArgumentException($"{(o.Quick ? "--quick" : "--estimate")}: not available with {what}; use --lookbacks and --seeds for a smaller ladder.");
        if (o.BacktestFolds > 1)
            throw new ArgumentException($"--backtest: {what} has one split per rung.");
        if (modelsGiven && o.Models.Any(m => m != "lstm"))
            throw new ArgumentException($"--models: the ladder trains the authors' LSTM only; pass --models lstm (was {string.Join(",", o.Models)}).");
        if (datasetsGiven && o.Datasets.FirstOrDefault(d => !StudyLadder.Datasets.Contains(d)) is { } other)
            throw new ArgumentException($"--datasets: the ladder runs on {string.Join(", ", StudyLadder.Datasets)} (the datasets the authors' feature engineering applies to as it stands); '{other}' is not one of them.");
        return o with
        {
            Protocol = o.Rung?.Protocol ?? StudyProtocol.Authors,
            Models = ["lstm"],
            Datasets = datasetsGiven ? o.Datasets : [BundledDatasets.Bitcoin.Name],
        };
    }

    private static int[] Consecutive(int count) => Enumerable.Range(FirstSeed, count).ToArray();

    private static string[] NameList(string option, string value, IReadOnlyList<string> known)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).Distinct().ToArray();
        if (names.Length == 0) throw new ArgumentException($"{option} needs at least one name ({string.Join(", ", known)}).");
        foreach (var n in names)
            if (!known.Contains(n))
                throw new ArgumentException($"{option}: unknown name '{n}'. Known: {string.Join(", ", known)}.");
        return names;
    }

    private static int[] IntList(string option, string value, int min)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
                throw new ArgumentException($"{option}: '{p}' is not an integer ≥ {min}.");
            if (!result.Contains(v)) result.Add(v);
        }
        if (result.Count == 0) throw new ArgumentException($"{option} needs at least one integer.");
        return [.. result];
    }

    private static int[] ParseSeeds(string value)
    {
        int dots = value.IndexOf("..", StringComparison.Ordinal);
        if (dots > 0)
        {
            var lo = IntList("--seeds", value[..dots], 0).Single();
            var hi = IntList("--seeds", value[(dots + 2)..], 0).Single();
            if (hi < lo) throw new ArgumentException($"--seeds: range {value} is empty.");
            return Enumerable.Range(lo, hi - lo + 1).ToArray();
        }
        if (value.Contains(',')) return IntList("--seeds", value, 0);
        int count = IntList("--seeds", value, 1).Single();
        return Consecutive(count);
    }

    private static char ParseChar(string option, string value)
    {
        if (value is "\\t" or "tab") return '\t';
        if (value.Length != 1) throw new ArgumentException($"{option} must be a single character (or \\t for tab), was '{value}'.");
        return value[0];
    }
}
