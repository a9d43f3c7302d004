namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Runs trials in long-lived worker processes (the library's internal worker-process pool), at most
/// <see cref="MaxConcurrency"/> cores' worth at a time — the recommended executor for parallel TorchSharp trials, since
/// every process has its own libtorch generator and thread pool (docs/design.md, "Determinism and threads"), exactly like a cluster worker.
/// </summary>
/// <remarks>
/// <para>Protocol: a worker (<c>workerCommand workerArgs…</c>, intended: <c>Samples trial-worker …</c>, whose loop is
/// <see cref="TrialWorker.Run"/>) writes <c>@ready …</c>, then reads one <see cref="TrialRequest"/> JSON line at a time on
/// standard input and answers each with one <c>@reply</c> line holding the <see cref="TrialResult"/> JSON; it runs many
/// trials, so the process start and libtorch's initialisation are paid once per worker, not per trial.</para>
/// <para>Cores: a trial reserves <see cref="ThreadsPerTrial"/> of the <see cref="MaxConcurrency"/> cores (default 1) and
/// waits, first come first served, until that many are free. A worker that dies before replying is replaced and the trial
/// runs once more on a fresh worker; a second death, an unparsable reply or a result for another trial id gives a
/// <see cref="TrialStatus.Failed"/> result quoting the end of the worker's output. On cancellation the worker's process
/// tree is killed and the result is <see cref="TrialStatus.Cancelled"/>. <see cref="Dispose"/> stops the workers.</para>
/// </remarks>
public sealed class ProcessTrialScheduler : ITrialScheduler, IDisposable
{
    private readonly string _command;
    private readonly string[] _args;
    private readonly Lazy<WorkerProcessPool> _pool;

    /// <summary>Creates a process scheduler; workers start with the first trials.</summary>
    /// <param name="workerCommand">The worker executable.</param>
    /// <param name="workerArgs">Its arguments.</param>
    /// <param name="maxParallelTrials">Cores the running trials may use together (and the most workers alive).</param>
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
        _pool = new Lazy<WorkerProcessPool>(() => new WorkerProcessPool(_command, _args, MaxConcurrency)
        {
            WorkingDirectory = WorkingDirectory,
            EnvironmentVariables = EnvironmentVariables,
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc/>
    public int MaxConcurrency { get; }

    /// <summary>Working directory of the workers; null = the current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables for the workers.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The cores a trial uses (its libtorch thread count), e.g. <c>ForecastingTrialRunner.ThreadsFor</c>; null = 1 per
    /// trial. Values are clamped to [1, <see cref="MaxConcurrency"/>].
    /// </summary>
    public Func<TrialRequest, int>? ThreadsPerTrial { get; init; }

    /// <summary>Worker processes started so far.</summary>
    public int WorkersStarted => _pool.IsValueCreated ? _pool.Value.WorkersStarted : 0;

    /// <inheritdoc/>
    public async Task<TrialResult> RunAsync(TrialRequest trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        WorkerProcessReply reply;
        try
        {
            int threads = ThreadsPerTrial?.Invoke(trial) ?? 1;
            reply = await _pool.Value.RunAsync(trial.ToJson(), threads, null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return TrialResult.Cancelled(trial.TrialId, watch.Elapsed.TotalSeconds);
        }
        double seconds = watch.Elapsed.TotalSeconds;
        if (!reply.Succeeded)
            return TrialResult.Failed(trial.TrialId, reply.Error ?? "The worker gave no reply.", seconds) with { Worker = reply.Worker };
        TrialResult result;
        try
        {
            result = TrialResult.FromJson(reply.Reply!);
        }
        catch (InvalidDataException ex)
        {
            return TrialResult.Failed(trial.TrialId, $"The worker's reply is not a trial result ({ex.Message}): {Shorten(reply.Reply!)}", seconds) with { Worker = reply.Worker };
        }
        if (result.TrialId != trial.TrialId)
            return TrialResult.Failed(trial.TrialId, $"Worker returned a result for trial '{result.TrialId}' instead of '{trial.TrialId}'.", seconds) with { Worker = reply.Worker };
        return result with { Seconds = result.Seconds > 0 ? result.Seconds : seconds, Worker = result.Worker ?? reply.Worker };
    }

    /// <summary>Stops the worker processes (see <see cref="WorkerProcessPool.Dispose"/>).</summary>
    public void Dispose()
    {
        if (_pool.IsValueCreated) _pool.Value.Dispose();
    }

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
