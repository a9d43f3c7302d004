using System.Diagnostics;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Runs trials in this process, each on a dedicated thread (<see cref="TaskCreationOptions.LongRunning"/>), at most
/// <see cref="MaxConcurrency"/> at a time.
/// </summary>
/// <remarks>
/// The forecasting runner is deterministic per trial because each fit seeds itself from the trial seed. libtorch's
/// random generator and intra-op thread count are process-wide (docs/design.md, "Determinism and threads"), so
/// <c>ForecastTrainer.Fit</c> runs one fit at a time per process: parallel threads here give the same results as a serial
/// run, but real fits do not overlap (the others wait). For parallel real trials use <see cref="ProcessTrialScheduler"/>
/// (long-lived worker processes, one trial at a time each, every one with its own libtorch state — the same shape as
/// cluster workers).
/// </remarks>
public sealed class LocalTrialScheduler : ITrialScheduler
{
    private readonly ITrialRunner _runner;
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates a local scheduler.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxParallelTrials"/> &lt; 1.</exception>
    public LocalTrialScheduler(ITrialRunner runner, int maxParallelTrials = 1)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (maxParallelTrials < 1)
            throw new ArgumentOutOfRangeException(nameof(maxParallelTrials), maxParallelTrials, "maxParallelTrials must be ≥ 1.");
        _runner = runner;
        MaxConcurrency = maxParallelTrials;
        _slots = new SemaphoreSlim(maxParallelTrials, maxParallelTrials);
    }

    /// <inheritdoc/>
    public int MaxConcurrency { get; }

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
            return await Task.Factory.StartNew(() => RunOne(trial, cancellationToken), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private TrialResult RunOne(TrialRequest trial, CancellationToken cancellationToken)
        => TrialExecution.Run(_runner, trial, $"{Environment.MachineName}/pid{Environment.ProcessId}/thread{Environment.CurrentManagedThreadId}", cancellationToken);
}
