using System.Diagnostics;
using System.Text;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Runs each trial in a fresh worker process, at most <see cref="MaxConcurrency"/> at a time — the recommended
/// executor for parallel TorchSharp trials, since every process has its own libtorch generator and thread pool
/// (decisions §2), exactly like a cluster worker.
/// </summary>
/// <remarks>
/// Protocol: the scheduler starts <c>workerCommand workerArgs…</c>, writes the <see cref="TrialRequest"/> JSON as
/// one line on the worker's standard input and closes it. The worker may log anything to stdout/stderr; the
/// <b>last non-empty line of stdout</b> must be the <see cref="TrialResult"/> JSON. A non-zero exit code, a missing
/// or unparsable last line, or a result for another trial id gives a <see cref="TrialStatus.Failed"/> result whose
/// error quotes the end of stderr. On cancellation the worker's process tree is killed and the result is
/// <see cref="TrialStatus.Cancelled"/>. Intended worker: <c>dotnet Samples.dll trial-worker</c>.
/// </remarks>
public sealed class ProcessTrialScheduler : ITrialScheduler
{
    private const int TailLength = 2000;
    private readonly string _command;
    private readonly string[] _args;
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates a process scheduler.</summary>
    /// <exception cref="ArgumentException">Empty worker command.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxParallelTrials"/> &lt; 1.</exception>
    public ProcessTrialScheduler(string workerCommand, string[] workerArgs, int maxParallelTrials = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerCommand);
        ArgumentNullException.ThrowIfNull(workerArgs);
        if (maxParallelTrials < 1)
            throw new ArgumentOutOfRangeException(nameof(maxParallelTrials), maxParallelTrials, "maxParallelTrials must be ≥ 1.");
        _command = workerCommand;
        _args = workerArgs.ToArray();
        MaxConcurrency = maxParallelTrials;
        _slots = new SemaphoreSlim(maxParallelTrials, maxParallelTrials);
    }

    /// <inheritdoc/>
    public int MaxConcurrency { get; }

    /// <summary>Working directory of the workers; null = the current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables for the workers (e.g. OMP_NUM_THREADS=1 when running several).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();

    /// <inheritdoc/>
    public async Task<TrialResult> RunAsync(TrialRequest trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return TrialResult.Cancelled(trial.TrialId);
        }
        try
        {
            return await RunProcessAsync(trial, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<TrialResult> RunProcessAsync(TrialRequest trial, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var start = new ProcessStartInfo(_command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (var a in _args)
            start.ArgumentList.Add(a);
        if (WorkingDirectory is not null)
            start.WorkingDirectory = WorkingDirectory;
        foreach (var (k, v) in EnvironmentVariables)
            start.Environment[k] = v;

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            return TrialResult.Failed(trial.TrialId, $"Could not start worker '{_command}': {ex.Message}");
        }
        string worker = $"{Environment.MachineName}/worker-pid{process.Id}";
        var stdoutTask = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            try
            {
                await process.StandardInput.WriteLineAsync(trial.ToJson().AsMemory(), cancellationToken).ConfigureAwait(false);
                await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The worker exited without reading its input; its exit code and stderr tell why.
            }
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            return TrialResult.Cancelled(trial.TrialId, watch.Elapsed.TotalSeconds) with { Worker = worker };
        }

        string stdout = await stdoutTask.ConfigureAwait(false);
        string stderr = await stderrTask.ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
            return TrialResult.Failed(trial.TrialId, $"Worker exited with code {process.ExitCode}. stderr: {Tail(stderr)}", seconds) with { Worker = worker };
        string? last = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (last is null)
            return TrialResult.Failed(trial.TrialId, $"Worker printed no result line. stderr: {Tail(stderr)}", seconds) with { Worker = worker };
        TrialResult result;
        try
        {
            result = TrialResult.FromJson(last);
        }
        catch (InvalidDataException ex)
        {
            return TrialResult.Failed(trial.TrialId, $"Worker's last stdout line is not a trial result ({ex.Message}): {Tail(last)}", seconds) with { Worker = worker };
        }
        if (result.TrialId != trial.TrialId)
            return TrialResult.Failed(trial.TrialId, $"Worker returned a result for trial '{result.TrialId}' instead of '{trial.TrialId}'.", seconds) with { Worker = worker };
        return result with { Seconds = result.Seconds > 0 ? result.Seconds : seconds, Worker = result.Worker ?? worker };
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting while being killed.
        }
    }

    private static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= TailLength ? text : "…" + text[^TailLength..];
    }
}
