using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Samples.Study;

/// <summary>How the study starts its worker processes, and how many cores each trial needs.</summary>
/// <param name="Command">The executable (this program's apphost, or <c>dotnet</c>).</param>
/// <param name="Arguments">Arguments before <c>study-worker</c> (e.g. the path of <c>Samples.dll</c> after <c>dotnet</c>).</param>
/// <param name="ThreadsPerTrial">Threads a trial runs on, i.e. the cores it reserves (<see cref="TrainingStudyRunner.ThreadsFor"/>).</param>
public sealed record StudyWorkers(string Command, IReadOnlyList<string> Arguments, Func<StudyTrial, StudyDataset, int> ThreadsPerTrial)
{
    /// <summary>Extra environment variables of the workers (tests use <see cref="StudyWorker.CrashOnTrialVariable"/>).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();

    /// <summary>Workers that run this program again (<c>Samples study-worker …</c>) with the real training runner.</summary>
    public static StudyWorkers ThisProgram()
    {
        var (command, arguments) = Commands.ThisProgram.Launch();
        return new StudyWorkers(command, arguments, TrainingStudyRunner.ThreadsFor);
    }
}

/// <summary>
/// The <c>study-worker</c> command: a long-lived worker process of a parallel <c>study</c> run. It is started with the
/// study's own arguments, loads the same data, plans the same grid, and says so in its ready line (a fingerprint of the plan
/// and the data, which the parent checks); then it runs one trial per request line and answers with one reply line (see
/// <see cref="WorkerProcessPool"/> for the protocol) until its input ends. It never writes the results folder: only the
/// parent appends to <c>trials.csv</c>.
/// </summary>
public static class StudyWorker
{
    /// <summary>The command name.</summary>
    public const string CommandName = "study-worker";

    /// <summary>
    /// Test hook: a worker whose environment has this variable kills itself (SIGKILL, like the out-of-memory killer)
    /// when it receives the trial with that id, before running it.
    /// </summary>
    public const string CrashOnTrialVariable = "SYNAPTICPRUNING_STUDY_WORKER_CRASH_ON";

    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Runs the worker on the console: stdout carries the protocol only (everything else printed goes to stderr), Ctrl+C is left to the parent.</summary>
    public static int Run(string[] args, Func<IStudyTrialRunner> runnerFactory)
    {
        var protocol = Console.Out;
        Console.SetOut(Console.Error);
        // The terminal sends Ctrl+C to the whole process group; the parent decides what to stop (it kills its workers).
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        return Run(args, runnerFactory, Console.In, protocol, Console.Error);
    }

    /// <summary>Runs the worker loop with explicit streams.</summary>
    /// <returns>0 when the input ended; <see cref="StudyCommand.UsageError"/> when the arguments or the data are unusable.</returns>
    public static int Run(string[] args, Func<IStudyTrialRunner> runnerFactory, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(runnerFactory);
        StudyOptions options;
        IReadOnlyList<StudyDataset> datasets;
        try
        {
            options = StudyOptions.Parse(args);
            datasets = StudyCommand.LoadDatasets(options);
        }
        catch (Exception e) when (StudyCommand.IsUsageError(e))
        {
            error.WriteLine($"study-worker: {e.Message}");
            return StudyCommand.UsageError;
        }
        var plan = StudyGrid.Enumerate(options, datasets);
        var trials = plan.Trials.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var byName = datasets.ToDictionary(d => d.Name);
        var runner = runnerFactory();
        string? crashOn = Environment.GetEnvironmentVariable(CrashOnTrialVariable);
        return WorkerProcessLoop.Run(Fingerprint(plan, datasets), (line, cancellationToken) =>
        {
            var request = JsonSerializer.Deserialize<StudyWorkerRequest>(line, Json)
                ?? throw new InvalidDataException("Empty study-worker request.");
            if (!trials.TryGetValue(request.Id, out var trial))
                return Reply(new StudyWorkerReply { Id = request.Id, ErrorType = nameof(KeyNotFoundException), Error = $"Trial '{request.Id}' is not in this worker's plan." });
            if (crashOn == trial.Id)
                Process.GetCurrentProcess().Kill();
            var clock = Stopwatch.StartNew();
            try
            {
                var result = runner.Run(trial, byName[trial.Dataset], cancellationToken);
                return Reply(new StudyWorkerReply { Id = trial.Id, Seconds = clock.Elapsed.TotalSeconds, Result = result });
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                error.WriteLine($"study-worker: trial {trial.Id} failed: {e}");
                return Reply(new StudyWorkerReply { Id = trial.Id, Seconds = clock.Elapsed.TotalSeconds, ErrorType = e.GetType().Name, Error = e.Message });
            }
        }, input, output);
    }

    /// <summary>
    /// SHA-256 of the plan (every trial id in order) and of the data each trial reads (names, variants, rows, seasonal
    /// period, target and covariate values bit for bit): a worker whose fingerprint differs from the parent's would run
    /// other trials, and is refused.
    /// </summary>
    public static string Fingerprint(StudyPlan plan, IReadOnlyList<StudyDataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(datasets);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s) => hash.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        void Values(double[] values)
        {
            var bytes = new byte[8 * values.Length];
            for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
            hash.AppendData(bytes);
        }
        Text("study worker plan v1");
        foreach (var d in datasets)
        {
            Text($"{d.Name}@{d.DataVariant} rows={d.RowCount} season={d.SeasonalPeriod} folds={d.BacktestFolds} target={d.TargetColumn}");
            Values(d.Target);
            foreach (var c in d.Covariates)
            {
                Text("covariate " + c);
                Values(d.Series.Covariate(c));
            }
            Text("imputed " + string.Concat(d.Series.Imputed.Select(b => b ? '1' : '0')));
        }
        foreach (var t in plan.Trials) Text(t.Id);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    internal static string Request(StudyTrial trial) => JsonSerializer.Serialize(new StudyWorkerRequest { Id = trial.Id }, Json);

    internal static StudyWorkerReply ParseReply(string line) =>
        JsonSerializer.Deserialize<StudyWorkerReply>(line, Json) ?? throw new InvalidDataException("Empty study-worker reply.");

    private static string Reply(StudyWorkerReply reply) => JsonSerializer.Serialize(reply, Json);
}

/// <summary>A request to a study worker: the id of a trial of the plan.</summary>
internal sealed record StudyWorkerRequest
{
    public required string Id { get; init; }
}

/// <summary>A study worker's answer: the result, or the failure (exception type and message) of the trial.</summary>
internal sealed record StudyWorkerReply
{
    public required string Id { get; init; }
    public double Seconds { get; init; }
    public StudyTrialResult? Result { get; init; }
    public string? ErrorType { get; init; }
    public string? Error { get; init; }
}
