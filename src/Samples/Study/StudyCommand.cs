using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.SynapticPruning.Data;

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
    /// Runs the command on the console: live progress on a terminal, plain lines when redirected; Ctrl+C stops after
    /// the current trial is abandoned and keeps the finished ones.
    /// </summary>
    /// <param name="args">The arguments after <c>study</c>.</param>
    /// <param name="runnerFactory">Creates the trial runner (called once, only when trials must run).</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, Func<IStudyTrialRunner> runnerFactory)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (cts.IsCancellationRequested) return; // a second Ctrl+C terminates
            e.Cancel = true;
            Console.Error.WriteLine("Stopping after the current trial is abandoned; finished trials are kept. Press Ctrl+C again to terminate.");
            cts.Cancel();
        };
        Console.CancelKeyPress += handler;
        try
        {
            bool interactive = !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;
            return Run(args, runnerFactory, Console.Out, Console.Error, interactive, cts.Token);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>Runs the command with explicit writers and cancellation (tests, hosts).</summary>
    /// <param name="args">The arguments after <c>study</c>.</param>
    /// <param name="runnerFactory">Creates the trial runner (called once, only when trials must run).</param>
    /// <param name="output">Progress and summary.</param>
    /// <param name="error">Error messages.</param>
    /// <param name="interactive">Use the live Spectre.Console display.</param>
    /// <param name="cancellationToken">Stops the run; finished trials are kept and reported.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, Func<IStudyTrialRunner> runnerFactory, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken)
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
            datasets = LoadDatasets(options);
        }
        catch (Exception e) when (e is ArgumentException or TimeSeriesDataException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or InvalidOperationException)
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

        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"Study ({options.Protocol.ToString().ToLowerInvariant()} protocol{(options.Quick ? ", quick smoke run" : "")}): {string.Join(", ", datasets.Select(d => $"{d.Name} ({d.RowCount:N0} rows)"))}.");
        output.WriteLine($"Planned trials: {plan.Count:N0} = datasets × lookbacks × horizons × (models × arms × seeds + baselines); {done:N0} already in {store.ResultsPath}; {(options.Estimate ? $"{todo.Count} sample trial(s) to time for the estimate" : $"{todo.Count:N0} to run")}.");
        foreach (var s in plan.Skipped) output.WriteLine($"  note: {s}");
        if (store.TruncatedLinesRemoved > 0) output.WriteLine($"  note: removed {store.TruncatedLinesRemoved} truncated last line(s) left by an interrupted run.");

        var byName = datasets.ToDictionary(d => d.Name);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        int failed = 0;
        bool interrupted = false;
        string? fatal = null;
        if (todo.Count > 0)
        {
            IStudyTrialRunner runner;
            try { runner = runnerFactory(); }
            catch (Exception e) { error.WriteLine($"error: could not create the trial runner: {e.Message}"); return RunnerError; }
            StudyProgress.Run(output, interactive, todo.Count, sink =>
            {
                for (int i = 0; i < todo.Count; i++)
                {
                    if (cancellationToken.IsCancellationRequested) { interrupted = true; break; }
                    var trial = todo[i];
                    sink.Started(trial, i);
                    var clock = Stopwatch.StartNew();
                    try
                    {
                        var result = runner.Run(trial, byName[trial.Dataset], cancellationToken);
                        clock.Stop();
                        if (trial.Seed != options.Seeds[0] || trial.Fold != trial.Folds - 1) result = result with { TestActual = null, TestForecast = null };
                        store.Append(trial, result);
                        seconds[trial.Id] = clock.Elapsed.TotalSeconds;
                        sink.Finished(trial, i, clock.Elapsed.TotalSeconds, result, null);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        interrupted = true;
                        break;
                    }
                    catch (NotImplementedException e)
                    {
                        fatal = e.Message;
                        break;
                    }
                    catch (Exception e)
                    {
                        failed++;
                        File.AppendAllText(Path.Combine(options.OutputDirectory, "failures.log"),
                            $"{DateTime.UtcNow:O} {trial.Id}: {e.GetType().Name}: {e.Message}{Environment.NewLine}");
                        sink.Finished(trial, i, clock.Elapsed.TotalSeconds, null, e.Message);
                    }
                }
            });
        }
        if (fatal is not null)
        {
            error.WriteLine($"error: {fatal}. The study command needs a trial runner; the host must pass one to StudyCommand.Run.");
            return RunnerError;
        }

        if (options.Estimate)
        {
            var rowsById = store.Load().ToDictionary(r => r.Id);
            foreach (var t in StudyGrid.EstimateSample(plan))
                if (!seconds.ContainsKey(t.Id) && rowsById.TryGetValue(t.Id, out var r)) seconds[t.Id] = r.TrainSeconds;
            var estimate = StudyEstimate.Compute(plan, seconds);
            string md = estimate.ToMarkdown(options);
            StudyReport.WriteAtomically(Path.Combine(options.OutputDirectory, "estimate.md"), md);
            output.WriteLine(md);
            output.WriteLine($"Estimate written to {Path.Combine(options.OutputDirectory, "estimate.md")}.");
            return interrupted ? Interrupted : Success;
        }

        var planIds = plan.Trials.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var rows = store.Load().Where(r => planIds.Contains(r.Id)).ToList();
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

    private static IReadOnlyList<StudyDataset> LoadDatasets(StudyOptions options)
    {
        if (options.CustomData is { } custom)
            return [StudyDataLoader.LoadCustom(custom, options.Protocol, options.Quick, options.BacktestFolds)];
        string root = options.DataRoot ?? BundledDatasets.FindDataRoot();
        return options.Datasets.Select(d => StudyDataLoader.LoadBundled(d, root, options.Protocol, options.Quick, options.UseCovariates, options.BacktestFolds)).ToList();
    }
}
