using System.Diagnostics;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Runs one trial on an <see cref="ITrialRunner"/> the way every executor must (local threads, worker processes, cluster
/// workers): cancellation becomes a <see cref="TrialStatus.Cancelled"/> result, any other exception a
/// <see cref="TrialStatus.Failed"/> one, a result for another trial id is refused, and the wall time and worker are filled in.
/// </summary>
public static class TrialExecution
{
    /// <summary>Runs <paramref name="trial"/>; never throws for a failing or cancelled trial.</summary>
    /// <param name="runner">The runner.</param>
    /// <param name="trial">The trial to run.</param>
    /// <param name="worker">Recorded in <see cref="TrialResult.Worker"/> unless the runner set it (null = leave it).</param>
    /// <param name="cancellationToken">Cancels the trial.</param>
    /// <param name="onError">Called with an unexpected exception before it becomes a failed result (e.g. to log it).</param>
    public static TrialResult Run(ITrialRunner runner, TrialRequest trial, string? worker, CancellationToken cancellationToken, Action<Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(trial);
        var watch = Stopwatch.StartNew();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = runner.Run(trial, cancellationToken)
                ?? throw new InvalidOperationException($"{runner.GetType().Name}.Run returned null for trial {trial.TrialId}.");
            if (result.TrialId != trial.TrialId)
                return TrialResult.Failed(trial.TrialId, $"The runner returned a result for trial '{result.TrialId}' instead of '{trial.TrialId}'.", watch.Elapsed.TotalSeconds) with { Worker = worker };
            return result with
            {
                Seconds = result.Seconds > 0 ? result.Seconds : watch.Elapsed.TotalSeconds,
                Worker = result.Worker ?? worker,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TrialResult.Cancelled(trial.TrialId, watch.Elapsed.TotalSeconds) with { Worker = worker };
        }
        catch (Exception ex)
        {
            onError?.Invoke(ex);
            return TrialResult.Failed(trial.TrialId, $"{ex.GetType().Name}: {ex.Message}", watch.Elapsed.TotalSeconds) with { Worker = worker };
        }
    }
}
