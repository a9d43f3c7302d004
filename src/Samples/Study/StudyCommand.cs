using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Sweeps;
using SynapticPruning.Study.Data;

namespace Samples.Study;

/// <summary>
/// The <c>study</c> command: plans the grid, runs the trials that are not in the results folder yet (resumable,
/// Ctrl+C stops cleanly), and writes the raw CSV, the Markdown and HTML reports and the plots.
/// </summary>
public static class StudyCommand
{
    /// <summary>Exit code: success.</summary>
    public const int Success = 0;

    /// <summary>Exit code: invalid options or unreadable data (the message says which).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code: the training runner is not available.</summary>
    public const int RunnerError = 3;

    /// <summary>Exit code: stopped by Ctrl+C (finished trials kept; rerun with the same --out to resume).</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Runs the command on the console: live progress on a terminal, plain lines when redirected; Ctrl+C abandons the
    /// running trials (their worker processes are stopped) and keeps the finished ones.
    /// </summary>
    /// <param name="args">The arguments after <c>study</c>.</param>
    /// <param name="runnerFactory">Creates the trial runner of an in-process run (called once, only when trials must run there).</param>
    /// <param name="workers">How to start worker processes for parallel trials; null = every trial runs in this process.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, Func<IStudyTrialRunner> runnerFactory, StudyWorkers? workers = null)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (cts.IsCancellationRequested) return; // a second Ctrl+C terminates
            e.Cancel = true;
            Console.Error.WriteLine("Stopping: running trials are abandoned (their workers are stopped); finished trials are kept. Press Ctrl+C again to terminate.");
            cts.Cancel();
        };
        Console.CancelKeyPress += handler;
        try
        {
            bool interactive = !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;
            return Run(args, runnerFactory, Console.Out, Console.Error, interactive, cancellationToken: cts.Token, workers: workers);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>Runs the command with explicit writers and cancellation (tests, hosts).</summary>
    /// <param name="args">The arguments after <c>study</c>.</param>
    /// <param name="runnerFactory">Creates the trial runner of an in-process run (called once, only when trials must run there).</param>
    /// <param name="output">Progress and summary.</param>
    /// <param name="error">Error messages.</param>
    /// <param name="interactive">Use the live Spectre.Console display.</param>
    /// <param name="cancellationToken">Stops the run; finished trials are kept and reported.</param>
    /// <param name="workers">How to start worker processes for parallel trials (<c>--parallel</c>, default the number of
    /// cores); null = every trial runs in this process, one after another.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, Func<IStudyTrialRunner> runnerFactory, TextWriter output, TextWriter error, bool interactive,
        CancellationToken cancellationToken, StudyWorkers? workers = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(runnerFactory);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        StudyOptions options;
        IReadOnlyList<StudyDataset> datasets;
        try
        {
            options = StudyOptions.Parse(args);
            if (options.ShowHelp)
            {
                output.WriteLine(StudyOptions.Help);
                return Success;
            }
            if (options.Ladder) return StudyLadderCommand.Run(args, options, runnerFactory, output, error, interactive, cancellationToken, workers);
            datasets = LoadDatasets(options);
        }
        catch (Exception e) when (IsUsageError(e))
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("Run 'study --help' for the options.");
            return UsageError;
        }

        var plan = StudyGrid.Enumerate(options, datasets);
        if (plan.Count == 0)
        {
            error.WriteLine("error: no trial fits the data: every lookback/horizon combination is too long for the series.");
            foreach (var s in plan.Skipped) error.WriteLine($"  {s}");
            error.WriteLine("Use shorter --lookbacks or --horizon, or more data.");
            return UsageError;
        }
        var store = new StudyResultStore(options.OutputDirectory);
        var finished = store.FinishedIds();
        var todo = options.Estimate
            ? StudyGrid.EstimateSample(plan).Where(t => !finished.Contains(t.Id)).ToList()
            : plan.Trials.Where(t => !finished.Contains(t.Id)).ToList();
        int done = plan.Trials.Count(t => finished.Contains(t.Id));
        var byName = datasets.ToDictionary(d => d.Name);

        int parallel = Math.Max(1, Math.Min(options.Parallel ?? (options.Estimate ? 1 : Environment.ProcessorCount), todo.Count));
        bool noWorkers = parallel > 1 && workers is null;
        if (noWorkers) parallel = 1;
        int[] threads = parallel > 1 ? todo.Select(t => ThreadsOf(workers!, t, byName[t.Dataset])).ToArray() : [];

        output.WriteLine($"Study ({options.Protocol.ToString().ToLowerInvariant()} protocol{(options.Quick ? ", quick smoke run" : "")}): {string.Join(", ", datasets.Select(d => $"{d.Name} ({d.RowCount:N0} rows)"))}.");
        output.WriteLine($"Planned trials: {plan.Count:N0} = datasets × lookbacks × horizons × backtest folds × (models × arms × seeds + baselines); {done:N0} already in {store.ResultsPath}; {(options.Estimate ? $"{todo.Count} sample trial(s) to time for the estimate" : $"{todo.Count:N0} to run")}.");
        foreach (var line in StudyDesign.Of(plan)) output.WriteLine("  design: " + line.Describe().Replace("**", "", StringComparison.Ordinal));
        if (todo.Count > 0) output.WriteLine(DescribeParallelism(parallel, threads));
        if (noWorkers && options.Parallel > 1) output.WriteLine("  note: this host starts no worker processes; the trials run one after another in this process.");
        foreach (var s in plan.Skipped) output.WriteLine($"  note: {s}");
        if (store.TruncatedLinesRemoved > 0) output.WriteLine($"  note: removed {store.TruncatedLinesRemoved} truncated last line(s) left by an interrupted run.");

        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        int failed = 0;
        bool interrupted = false;
        string? fatal = null, workerFailure = null;
        if (todo.Count > 0)
        {
            IStudyTrialRunner? runner = null;
            if (parallel == 1)
            {
                try { runner = runnerFactory(); }
                catch (Exception e) { error.WriteLine($"error: could not create the trial runner: {e.Message}"); return RunnerError; }
            }
            StudyProgress.Run(output, interactive, todo.Count, sink =>
            {
                // The one place that records a trial: the parent, in the order trials finish, one whole line per trial.
                void Record(StudyTrial trial, int index, double secs, StudyTrialResult result)
                {
                    if (trial.Seed != options.Seeds[0] || trial.Fold != trial.Folds - 1) result = result with { TestActual = null, TestForecast = null };
                    store.Append(trial, result);
                    seconds[trial.Id] = secs;
                    sink.Finished(trial, index, secs, result, null);
                }
                void Fail(StudyTrial trial, int index, double secs, string kind, string message)
                {
                    failed++;
                    File.AppendAllText(Path.Combine(options.OutputDirectory, "failures.log"),
                        $"{DateTime.UtcNow:O} {trial.Id}: {kind}: {message}{Environment.NewLine}");
                    sink.Finished(trial, index, secs, null, message);
                }

                if (parallel == 1)
                    (interrupted, fatal) = RunInProcess(todo, byName, runner!, sink, Record, Fail, cancellationToken);
                else
                    (interrupted, fatal, workerFailure) = RunInWorkers(args, plan, datasets, todo, threads, parallel, workers!, sink, Record, Fail, cancellationToken);
            });
        }
        if (fatal is not null)
        {
            error.WriteLine($"error: {fatal}. The study command needs a trial runner; the host must pass one to StudyCommand.Run.");
            return RunnerError;
        }
        if (workerFailure is not null)
        {
            error.WriteLine($"error: the worker processes could not start: {workerFailure}");
            error.WriteLine($"Finished trials are kept in {store.ResultsPath}; rerun with the same --out to resume, or add --parallel 1 to run the trials in this process.");
            return RunnerError;
        }

        if (options.Estimate)
        {
            var rowsById = store.Load().ToDictionary(r => r.Id);
            foreach (var t in StudyGrid.EstimateSample(plan))
                if (!seconds.ContainsKey(t.Id) && rowsById.TryGetValue(t.Id, out var r)) seconds[t.Id] = r.TrainSeconds;
            var estimate = StudyEstimate.Compute(plan, seconds);
            string md = estimate.ToMarkdown(options) + Environment.NewLine + StudyDesign.ToMarkdown(StudyDesign.Of(plan));
            StudyReport.WriteAtomically(Path.Combine(options.OutputDirectory, "estimate.md"), md);
            output.WriteLine(md);
            output.WriteLine($"Estimate written to {Path.Combine(options.OutputDirectory, "estimate.md")}.");
            return interrupted ? Interrupted : Success;
        }

        // Plan order, whatever order the trials finished (and were appended) in: the analysis sees the same rows in the same order.
        var planIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < plan.Trials.Count; i++) planIndex[plan.Trials[i].Id] = i;
        var rows = store.Load().Where(r => planIndex.ContainsKey(r.Id)).OrderBy(r => planIndex[r.Id]).ToList();
        if (store.SkippedLines > 0) output.WriteLine($"  note: {store.SkippedLines} malformed line(s) in {store.ResultsPath} were ignored.");
        var files = StudyReport.Write(options.OutputDirectory,
            new StudyReportInput(options, datasets, plan, rows, store.LoadDetails(), failed, interrupted));
        output.WriteLine($"Finished {rows.Count:N0} of {plan.Count:N0} trials{(failed > 0 ? $", {failed} failed (failures.log)" : "")}{(interrupted ? "; interrupted — rerun with the same --out to resume" : "")}.");
        output.WriteLine($"Results: {store.ResultsPath}");
        output.WriteLine($"Report:  {files.MarkdownPath}");
        output.WriteLine($"         {files.HtmlPath}");
        var overall = files.Analysis.Scopes.LastOrDefault();
        if (overall is not null)
        {
            output.WriteLine($"Verdict ({overall.Scope}):");
            foreach (var line in overall.Comparison?.Verdict ?? [overall.ComparisonNote]) output.WriteLine("  " + line);
            foreach (var line in overall.NaiveStatements) output.WriteLine("  " + line);
        }
        return interrupted ? Interrupted : Success;
    }

    private delegate void RecordTrial(StudyTrial trial, int index, double seconds, StudyTrialResult result);

    private delegate void FailTrial(StudyTrial trial, int index, double seconds, string kind, string message);

    /// <summary>The serial path (<c>--parallel 1</c>): every trial in this process, in plan order.</summary>
    private static (bool Interrupted, string? Fatal) RunInProcess(List<StudyTrial> todo, Dictionary<string, StudyDataset> byName,
        IStudyTrialRunner runner, IStudyProgressSink sink, RecordTrial record, FailTrial fail, CancellationToken cancellationToken)
    {
        for (int i = 0; i < todo.Count; i++)
        {
            if (cancellationToken.IsCancellationRequested) return (true, null);
            var trial = todo[i];
            sink.Started(trial, i);
            var clock = Stopwatch.StartNew();
            try
            {
                var result = runner.Run(trial, byName[trial.Dataset], cancellationToken);
                record(trial, i, clock.Elapsed.TotalSeconds, result);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return (true, null);
            }
            catch (NotImplementedException e)
            {
                return (false, e.Message);
            }
            catch (Exception e)
            {
                fail(trial, i, clock.Elapsed.TotalSeconds, e.GetType().Name, e.Message);
            }
        }
        return (false, null);
    }

    /// <summary>
    /// The parallel path: a <see cref="WorkerProcessPool"/> of <paramref name="parallel"/> cores runs the trials in worker
    /// processes (<c>study-worker</c> with this run's arguments), admitting them in plan order, each once its thread count
    /// of cores is free. Results come back to this thread, which alone records them.
    /// </summary>
    private static (bool Interrupted, string? Fatal, string? WorkerFailure) RunInWorkers(string[] args, StudyPlan plan, IReadOnlyList<StudyDataset> datasets,
        List<StudyTrial> todo, int[] threads, int parallel, StudyWorkers workers, IStudyProgressSink sink, RecordTrial record, FailTrial fail,
        CancellationToken cancellationToken)
    {
        string fingerprint = StudyWorker.Fingerprint(plan, datasets);
        using var pool = new WorkerProcessPool(workers.Command, [.. workers.Arguments, StudyWorker.CommandName, .. args], parallel)
        {
            EnvironmentVariables = workers.EnvironmentVariables,
            ValidateReady = info => info == fingerprint ? null
                : $"it planned other trials or loaded other data (fingerprint {info}, this run {fingerprint}); did the data files change?",
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var events = new BlockingCollection<(int Index, bool Started, WorkerProcessReply? Reply)>();
        var clocks = new Stopwatch?[todo.Count];
        var tasks = new Task[todo.Count];
        // Called in plan order: the pool admits the trials in this order (a trial waits until its cores are free).
        for (int i = 0; i < todo.Count; i++) tasks[i] = RunOne(i);

        async Task RunOne(int index)
        {
            try
            {
                var reply = await pool.RunAsync(StudyWorker.Request(todo[index]), threads[index], () => events.Add((index, true, null)), stop.Token).ConfigureAwait(false);
                events.Add((index, false, reply));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                events.Add((index, false, null)); // abandoned
            }
        }

        bool interrupted = false;
        string? fatal = null, workerFailure = null;
        int open = todo.Count;
        void Handle((int Index, bool Started, WorkerProcessReply? Reply) e)
        {
            var trial = todo[e.Index];
            if (e.Started)
            {
                clocks[e.Index] = Stopwatch.StartNew();
                sink.Started(trial, e.Index);
                return;
            }
            open--;
            double secs = clocks[e.Index]?.Elapsed.TotalSeconds ?? 0;
            if (e.Reply is not { } reply) return; // abandoned: not finished, runs again on resume
            if (reply.StartFailed)
            {
                workerFailure ??= reply.Error;
                return;
            }
            if (!reply.Succeeded)
            {
                fail(trial, e.Index, secs, "WorkerExited", reply.Error ?? "the worker gave no reply");
                return;
            }
            StudyWorkerReply answer;
            try { answer = StudyWorker.ParseReply(reply.Reply!); }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
            {
                fail(trial, e.Index, secs, "InvalidDataException", $"unreadable worker reply ({ex.Message})");
                return;
            }
            if (answer.Id != trial.Id)
                fail(trial, e.Index, secs, "InvalidDataException", $"the worker answered for trial '{answer.Id}'");
            else if (answer.Result is { } result)
                record(trial, e.Index, answer.Seconds, result);
            else if (answer.ErrorType == nameof(NotImplementedException))
                fatal ??= answer.Error;
            else
                fail(trial, e.Index, answer.Seconds, answer.ErrorType ?? "Exception", answer.Error ?? "unknown error");
        }

        while (open > 0 && fatal is null && workerFailure is null)
        {
            (int, bool, WorkerProcessReply?) e;
            try { e = events.Take(cancellationToken); }
            catch (OperationCanceledException) { interrupted = true; break; }
            Handle(e);
        }
        // Stop whatever still runs or waits (workers killed), then record the trials that finished meanwhile.
        stop.Cancel();
        try { Task.WaitAll(tasks); } catch (AggregateException) { }
        while (events.TryTake(out var e)) Handle(e);
        return (interrupted, fatal, workerFailure);
    }

    private static int ThreadsOf(StudyWorkers workers, StudyTrial trial, StudyDataset data)
    {
        try { return Math.Max(1, workers.ThreadsPerTrial(trial, data)); }
        catch (ArgumentException) { return 1; } // an invalid network fails in the worker, with the reason
    }

    private static string DescribeParallelism(int parallel, int[] threads)
    {
        if (parallel == 1) return "Parallelism: 1 — trials run one after another in this process (--parallel N runs N at once in worker processes).";
        int wide = threads.Count(t => t > 1);
        return $"Parallelism: {parallel} worker processes on {parallel} cores; a trial on k threads takes k cores{(wide > 0 ? $" ({wide} trial(s) on {threads.Max()} threads wait for {Math.Min(threads.Max(), parallel)} free cores)" : " (every trial here uses 1 thread)")}; results are the same as with --parallel 1.";
    }

    internal static bool IsUsageError(Exception e) =>
        e is ArgumentException or TimeSeriesDataException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or InvalidOperationException;

    internal static IReadOnlyList<StudyDataset> LoadDatasets(StudyOptions options)
    {
        if (options.CustomData is { } custom)
            return [StudyDataLoader.LoadCustom(custom, options.Protocol, options.Quick, options.BacktestFolds)];
        string root = options.DataRoot ?? BundledDatasets.FindDataRoot();
        if (options.Rung is { } rung) return options.Datasets.Select(d => StudyLadderData.Load(rung, d, root)).ToList();
        if (options.Protocol == StudyProtocol.Authors) return [StudyDataLoader.LoadAuthors(root)];
        return options.Datasets.Select(d => StudyDataLoader.LoadBundled(d, root, options.Protocol, options.Quick, options.UseCovariates, options.BacktestFolds)).ToList();
    }
}
