using System.Diagnostics;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Runs a sweep: asks the <see cref="ITuner"/> for trials, keeps up to <see cref="ITrialScheduler.MaxConcurrency"/>
/// of them in flight on the <see cref="ITrialScheduler"/>, records every finished trial in the
/// <see cref="SweepResultsStore"/> as it ends, and stops at <see cref="SweepRunnerOptions.MaxTrials"/>, at the
/// <see cref="SweepRunnerOptions.TimeBudget"/>, on cancellation, or when the tuner is exhausted.
/// </summary>
/// <remarks>
/// <para><b>Resume.</b> At start the results file is read; this sweep's records (same sweep id) count towards
/// MaxTrials and are replayed to the tuner. A proposal whose trial id is already in the file (from any sweep) is
/// never run again: its stored result is used. Cancelled trials are not recorded, so they run again on resume.</para>
/// <para><b>Stopping.</b> On cancellation or at the deadline no new trial starts and running trials receive a
/// cancelled token; <see cref="RunAsync"/> then waits for them to return and reports the outcome (it does not
/// throw <see cref="OperationCanceledException"/>); finished results are kept.</para>
/// <para><b>Determinism.</b> The tuner sees results in the order it proposed the trials, never in completion order:
/// the runner proposes until <see cref="ITrialScheduler.MaxConcurrency"/> trials are in flight (or the tuner has nothing
/// to propose), then waits for the <i>oldest</i> trial in flight, records it and tells the tuner, and proposes again.
/// The sequence of tuner calls, hence the trials and (with a deterministic runner) the results and the results file's
/// order, is therefore a function of the options and of MaxConcurrency alone, not of timing; MaxConcurrency 1 is the
/// one-at-a-time sweep. A different MaxConcurrency can change which trials adaptive tuners (successive halving, TPE)
/// choose — they propose MaxConcurrency trials before seeing a result — but not a trial's result; a random search
/// proposes the same trials for any MaxConcurrency. Only the time budget depends on timing. The price: a trial that
/// finished early holds its slot until the older trials in flight have finished.</para>
/// <para><b>Progress</b> is reported synchronously on the sweep loop after each recorded trial; wrap it in
/// <see cref="Progress{T}"/> to marshal to another context.</para>
/// </remarks>
public sealed class SweepRunner
{
    private readonly ITuner _tuner;
    private readonly ITrialScheduler _scheduler;
    private readonly SweepRunnerOptions _options;
    private readonly SweepResultsStore? _store;

    /// <summary>Creates a sweep runner. <paramref name="store"/> null = keep results in memory only (no resume).</summary>
    /// <exception cref="ArgumentException">Empty sweep id.</exception>
    /// <exception cref="ArgumentOutOfRangeException">MaxTrials &lt; 1, a non-positive time budget, MaxDuplicateProposals &lt; 1, or scheduler concurrency &lt; 1.</exception>
    public SweepRunner(ITuner tuner, ITrialScheduler scheduler, SweepRunnerOptions options, SweepResultsStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(tuner);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.SweepId))
            throw new ArgumentException("SweepRunnerOptions.SweepId must be a non-empty name.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Data, nameof(options.Data));
        if (options.MaxTrials < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxTrials, "SweepRunnerOptions.MaxTrials must be ≥ 1.");
        if (options.TimeBudget is { } budget && budget <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), budget, "SweepRunnerOptions.TimeBudget must be positive, or null for no limit.");
        if (options.MaxDuplicateProposals < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDuplicateProposals, "SweepRunnerOptions.MaxDuplicateProposals must be ≥ 1.");
        if (scheduler.MaxConcurrency < 1)
            throw new ArgumentOutOfRangeException(nameof(scheduler), scheduler.MaxConcurrency, "The scheduler's MaxConcurrency must be ≥ 1.");
        _tuner = tuner;
        _scheduler = scheduler;
        _options = options;
        _store = store;
    }

    /// <summary>Runs the sweep until a stop condition holds; see the type remarks.</summary>
    public async Task<SweepOutcome> RunAsync(IProgress<SweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var trialCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.TimeBudget is { } budget)
            trialCancellation.CancelAfter(budget);

        var stored = _store?.Load() ?? Array.Empty<TrialRecord>();
        var warnings = _store?.Warnings ?? Array.Empty<string>();
        var cache = stored.ToDictionary(r => r.TrialId, StringComparer.Ordinal);
        var completed = new List<TrialRecord>();
        var completedIds = new HashSet<string>(StringComparer.Ordinal);
        string? bestId = null;
        double bestObjective = double.PositiveInfinity;

        void Accept(TrialRecord record)
        {
            completed.Add(record);
            completedIds.Add(record.TrialId);
            _tuner.Observe(record.Request, record.Result);
            if (record.Result.Status == TrialStatus.Succeeded && record.Result.Objective < bestObjective)
            {
                bestObjective = record.Result.Objective;
                bestId = record.TrialId;
            }
        }

        foreach (var r in stored.Where(r => r.Request.SweepId == _options.SweepId))
            Accept(r);

        // In proposal order: results are taken from the front only (see the remarks on determinism).
        var inFlight = new List<(Task<TrialResult> Task, TrialRequest Request)>();
        var inFlightIds = new HashSet<string>(StringComparer.Ordinal);
        int executed = 0, reused = 0, duplicates = 0;
        SweepStopReason? stop = null;
        progress?.Report(new SweepProgress(completed.Count, 0, _options.MaxTrials, clock.Elapsed, null, bestId, bestObjective));

        bool DeadlinePassed() => _options.TimeBudget is { } b && clock.Elapsed >= b;

        while (true)
        {
            bool tunerIdle = false;
            while (stop is null && !tunerIdle && inFlight.Count < _scheduler.MaxConcurrency && completed.Count + inFlight.Count < _options.MaxTrials)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    stop = SweepStopReason.Cancelled;
                    break;
                }
                if (DeadlinePassed())
                {
                    stop = SweepStopReason.TimeBudget;
                    break;
                }
                var proposal = _tuner.Propose();
                if (proposal is null)
                {
                    tunerIdle = true;
                    break;
                }
                var request = proposal.ToRequest(_options.SweepId, _options.Data);
                if (completedIds.Contains(request.TrialId) || inFlightIds.Contains(request.TrialId))
                {
                    if (++duplicates >= _options.MaxDuplicateProposals)
                        stop = SweepStopReason.TunerExhausted;
                    continue;
                }
                duplicates = 0;
                if (cache.TryGetValue(request.TrialId, out var known))
                {
                    // Finished in another sweep over the same data: reuse, never rerun.
                    var record = new TrialRecord(request, known.Result);
                    Accept(record);
                    reused++;
                    progress?.Report(new SweepProgress(completed.Count, inFlight.Count, _options.MaxTrials, clock.Elapsed, record, bestId, bestObjective));
                    continue;
                }
                inFlight.Add((RunSafelyAsync(request, trialCancellation.Token), request));
                inFlightIds.Add(request.TrialId);
                executed++;
            }

            if (inFlight.Count == 0)
            {
                stop ??= completed.Count >= _options.MaxTrials ? SweepStopReason.MaxTrials
                    : cancellationToken.IsCancellationRequested ? SweepStopReason.Cancelled
                    : DeadlinePassed() ? SweepStopReason.TimeBudget
                    : SweepStopReason.TunerExhausted;
                break;
            }

            var (done, finishedRequest) = inFlight[0];
            inFlight.RemoveAt(0);
            var result = await done.ConfigureAwait(false);
            inFlightIds.Remove(finishedRequest.TrialId);
            if (result.Status == TrialStatus.Cancelled)
            {
                stop ??= cancellationToken.IsCancellationRequested ? SweepStopReason.Cancelled : SweepStopReason.TimeBudget;
                continue;
            }
            var finished = new TrialRecord(finishedRequest, result);
            _store?.Append(finished);
            Accept(finished);
            progress?.Report(new SweepProgress(completed.Count, inFlight.Count, _options.MaxTrials, clock.Elapsed, finished, bestId, bestObjective));
        }

        return new SweepOutcome(completed, stop.Value, clock.Elapsed, executed, reused, warnings);
    }

    private async Task<TrialResult> RunSafelyAsync(TrialRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var result = await _scheduler.RunAsync(request, cancellationToken).ConfigureAwait(false)
                ?? TrialResult.Failed(request.TrialId, "The scheduler returned no result.");
            if (result.TrialId != request.TrialId)
                return TrialResult.Failed(request.TrialId, $"The scheduler returned a result for trial '{result.TrialId}' instead of '{request.TrialId}'.");
            // A trial that finished normally keeps its result even if the deadline fired meanwhile.
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TrialResult.Cancelled(request.TrialId);
        }
        catch (Exception ex)
        {
            return TrialResult.Failed(request.TrialId, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
