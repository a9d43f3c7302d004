using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans;
using Orleans.Runtime;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>
/// The worker of a silo: exactly <see cref="TrialWorkerOptions.Slots"/> loops, each of which leases a trial from the
/// coordinator of a sweep with queued trials, runs it with the <see cref="ITrialRunner"/> from DI on a dedicated
/// thread (never on the grain scheduler), renews the lease while it runs, and reports the result.
/// </summary>
/// <remarks>
/// The loops stop with the silo (the hosted service's stopping token is the silo-lifetime token): the running
/// trials receive a cancelled token and are handed back to their coordinators, which queue them again.
/// </remarks>
public sealed class TrialWorkerService : BackgroundService
{
    private static readonly TimeSpan SweepListLifetime = TimeSpan.FromSeconds(1);
    // A sweep whose queue just drained gets its next trial moments later (the submitter keeps one trial per slot in
    // flight): keep asking its coordinator directly for a while instead of waiting for the registry to list it again.
    private static readonly TimeSpan StickySweepLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RegistrationInterval = TimeSpan.FromSeconds(10);
    private readonly IGrainFactory _grains;
    private readonly ITrialRunner _runner;
    private readonly TrialWorkerOptions _options;
    private readonly ILogger<TrialWorkerService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly string _silo;
    private readonly SemaphoreSlim _sweepListGate = new(1, 1);
    private string[] _sweeps = Array.Empty<string>();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _lastSeenUtc = new(StringComparer.Ordinal);
    private DateTime _sweepsFetchedUtc = DateTime.MinValue;
    private int _running;

    /// <summary>Created by the host.</summary>
    public TrialWorkerService(IGrainFactory grains, ITrialRunner runner, ILocalSiloDetails silo, IOptions<TrialWorkerOptions> options,
        IHostApplicationLifetime lifetime, ILogger<TrialWorkerService> logger)
    {
        _grains = grains;
        _runner = runner;
        _options = options.Value;
        _options.Validate();
        _lifetime = lifetime;
        _logger = logger;
        _silo = silo.SiloAddress.ToParsableString();
    }

    /// <summary>The silo address this worker reports with its leases.</summary>
    public string SiloAddress => _silo;

    /// <summary>Trials running on this worker now.</summary>
    public int RunningTrials => Volatile.Read(ref _running);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start pulling once the silo has started (grain calls before that fail).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        _logger.LogInformation("Trial worker on {Silo}: {Slots} slot(s).", _silo, _options.Slots);
        var loops = new List<Task> { RegisterLoopAsync(stoppingToken) };
        for (int i = 0; i < _options.Slots; i++)
        {
            string workerId = $"{_silo}/slot{i}";
            loops.Add(Task.Run(() => WorkLoopAsync(workerId, stoppingToken), CancellationToken.None));
        }
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private async Task RegisterLoopAsync(CancellationToken stoppingToken)
    {
        var registry = _grains.GetGrain<ISweepRegistryGrain>(SweepClusterDefaults.RegistryKey);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await GrainCallRetry.CallAsync(() => registry.RegisterWorker(_silo, _options.Slots), "RegisterWorker",
                    _options.CallTimeout, TimeSpan.FromMinutes(1), _logger, stoppingToken).ConfigureAwait(false);
                await Task.Delay(RegistrationInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Registering worker {Silo} failed: {Error}", _silo, ex.Message);
            }
        }
    }

    private async Task WorkLoopAsync(string workerId, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (sweepId, lease) = await TryLeaseAsync(workerId, stoppingToken).ConfigureAwait(false);
                if (lease is null)
                {
                    await Task.Delay(_options.IdleDelay, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                await RunLeaseAsync(sweepId!, workerId, lease, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Worker {Worker}: {Error}", workerId, ex.Message);
                try
                {
                    await Task.Delay(_options.IdleDelay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<(string? SweepId, TrialLease? Lease)> TryLeaseAsync(string workerId, CancellationToken stoppingToken)
    {
        foreach (var sweepId in await QueuedSweepsAsync(stoppingToken).ConfigureAwait(false))
        {
            var coordinator = _grains.GetGrain<ISweepCoordinatorGrain>(sweepId);
            var lease = await GrainCallRetry.CallAsync(() => coordinator.Lease(workerId, _silo), "Lease",
                _options.CallTimeout, _options.CallTimeout, _logger, stoppingToken).ConfigureAwait(false);
            if (lease is not null)
            {
                _lastSeenUtc[sweepId] = DateTime.UtcNow;
                return (sweepId, lease);
            }
        }
        return (null, null);
    }

    private async Task<string[]> QueuedSweepsAsync(CancellationToken stoppingToken)
    {
        await _sweepListGate.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            if (DateTime.UtcNow - _sweepsFetchedUtc > SweepListLifetime)
            {
                var registry = _grains.GetGrain<ISweepRegistryGrain>(SweepClusterDefaults.RegistryKey);
                var queued = await GrainCallRetry.CallAsync(() => registry.QueuedSweeps(), "QueuedSweeps",
                    _options.CallTimeout, _options.CallTimeout, _logger, stoppingToken).ConfigureAwait(false);
                var now = DateTime.UtcNow;
                foreach (var id in queued)
                    _lastSeenUtc[id] = now;
                foreach (var stale in _lastSeenUtc.Where(p => now - p.Value > StickySweepLifetime).Select(p => p.Key).ToList())
                    _lastSeenUtc.TryRemove(stale, out _);
                // Sweeps with queued trials first, then the recently active ones.
                _sweeps = queued.Concat(_lastSeenUtc.Keys.Except(queued).Order(StringComparer.Ordinal)).ToArray();
                _sweepsFetchedUtc = now;
            }
            return _sweeps;
        }
        finally
        {
            _sweepListGate.Release();
        }
    }

    private async Task RunLeaseAsync(string sweepId, string workerId, TrialLease lease, CancellationToken stoppingToken)
    {
        var coordinator = _grains.GetGrain<ISweepCoordinatorGrain>(sweepId);
        using var trialCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var trial = Task.Factory.StartNew(() => RunTrial(lease, workerId, trialCancellation.Token), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // Renew the lease while the trial runs; a refused renewal means the trial was taken back or finished elsewhere.
        var renewEvery = lease.Timeout / 3;
        while (!trial.IsCompleted)
        {
            var tick = Task.Delay(renewEvery, CancellationToken.None);
            if (await Task.WhenAny(trial, tick).ConfigureAwait(false) == trial)
                break;
            try
            {
                bool valid = await GrainCallRetry.CallAsync(() => coordinator.Renew(lease.LeaseId), "Renew",
                    _options.CallTimeout, renewEvery, _logger, stoppingToken).ConfigureAwait(false);
                if (!valid)
                {
                    _logger.LogInformation("Worker {Worker}: lease of trial {TrialId} is no longer valid; stopping it.", workerId, lease.TrialId);
                    trialCancellation.Cancel();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The trial sees the same token.
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Worker {Worker}: renewing the lease of trial {TrialId} failed: {Error}", workerId, lease.TrialId, ex.Message);
            }
        }
        var result = await trial.ConfigureAwait(false);

        if (result.Status == TrialStatus.Cancelled)
        {
            // Hand the trial back (best effort: if this silo is dying the coordinator re-queues it by membership).
            try
            {
                await coordinator.Complete(lease.LeaseId, lease.TrialId, result.ToJsonBytes()).WaitAsync(_options.CallTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogInformation("Worker {Worker}: could not hand back trial {TrialId}: {Error}", workerId, lease.TrialId, ex.Message);
            }
            stoppingToken.ThrowIfCancellationRequested();
            return;
        }
        await GrainCallRetry.CallAsync(() => coordinator.Complete(lease.LeaseId, lease.TrialId, result.ToJsonBytes()), "Complete",
            _options.CallTimeout, _options.ReportRetryLimit, _logger, stoppingToken).ConfigureAwait(false);
    }

    private TrialResult RunTrial(TrialLease lease, string workerId, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        Interlocked.Increment(ref _running);
        try
        {
            var request = TrialRequest.FromJsonBytes(lease.RequestPayload);
            if (request.TrialId != lease.TrialId)
                return TrialResult.Failed(lease.TrialId, $"The lease names trial {lease.TrialId} but its payload is trial {request.TrialId}.") with { Worker = workerId };
            return TrialExecution.Run(_runner, request, workerId, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            return TrialResult.Failed(lease.TrialId, $"The lease's trial payload is unreadable: {ex.Message}", watch.Elapsed.TotalSeconds) with { Worker = workerId };
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
