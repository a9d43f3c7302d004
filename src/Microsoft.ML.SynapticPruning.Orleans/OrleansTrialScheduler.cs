using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>
/// Client side of a sweep cluster: an <see cref="ITrialScheduler"/> that submits each trial to the coordinator
/// grain of its sweep (if not already there) and waits for that trial's result, so <see cref="SweepRunner"/>, the
/// tuners, the leaderboard and the results file work unchanged.
/// </summary>
/// <remarks>
/// <para>One poll loop per sweep reads the coordinator's new results every <see cref="OrleansTrialSchedulerOptions.PollInterval"/>
/// and completes the waiting trials. Every grain call is retried (each attempt abandoned after
/// <see cref="OrleansTrialSchedulerOptions.CallTimeout"/>) until <see cref="OrleansTrialSchedulerOptions.RetryLimit"/>.</para>
/// <para>A trial the coordinator already finished (a resumed sweep whose results file missed it) returns its stored
/// result at once: the coordinator's persisted state is the source of truth in cluster mode and the results file
/// mirrors it (docs/design.md, "Sweeps and the cluster").</para>
/// <para>When the cluster stays unreachable for <see cref="OrleansTrialSchedulerOptions.RetryLimit"/>, the trial is
/// returned as <see cref="TrialStatus.Cancelled"/> (not recorded; the sweep stops and resumes later), never as a
/// recorded failure.</para>
/// <para>On cancellation a trial that is still queued is withdrawn; one already running finishes on its worker and
/// its result stays in the coordinator for a later resume.</para>
/// </remarks>
public sealed class OrleansTrialScheduler : ITrialScheduler, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan SlotRefreshInterval = TimeSpan.FromSeconds(2);
    private readonly IClusterClient _client;
    private readonly OrleansTrialSchedulerOptions _options;
    private readonly ILogger? _logger;
    private readonly IHost? _ownedHost;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<string, SweepWatcher> _watchers = new(StringComparer.Ordinal);
    private int _reportedSlots;
    private DateTime _slotsFetchedUtc = DateTime.MinValue;

    /// <summary>Creates a scheduler on a connected cluster client (the caller owns the client).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options.</exception>
    public OrleansTrialScheduler(IClusterClient client, OrleansTrialSchedulerOptions? options = null, ILogger? logger = null)
        : this(client, options, logger, ownedHost: null)
    {
    }

    private OrleansTrialScheduler(IClusterClient client, OrleansTrialSchedulerOptions? options, ILogger? logger, IHost? ownedHost)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = options ?? new OrleansTrialSchedulerOptions();
        _options.Validate();
        _client = client;
        _logger = logger;
        _ownedHost = ownedHost;
    }

    /// <summary>
    /// Connects a new Orleans client to the cluster named by <paramref name="connection"/> (<c>localhost</c>, or a
    /// Redis configuration such as <c>127.0.0.1:6379</c>; see <see cref="SweepClusterConnection"/>), waits up to
    /// <see cref="OrleansTrialSchedulerOptions.WaitForWorkers"/> for a worker slot, and returns a scheduler that owns
    /// the client (dispose it to disconnect). Intended for the <c>sweep --cluster</c> command.
    /// </summary>
    /// <exception cref="ArgumentException">Empty connection.</exception>
    /// <exception cref="InvalidOperationException">No gateway could be reached.</exception>
    public static OrleansTrialScheduler Connect(string connection, OrleansTrialSchedulerOptions? options = null)
        => ConnectAsync(connection, options).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Connect"/>.</summary>
    public static async Task<OrleansTrialScheduler> ConnectAsync(string connection, OrleansTrialSchedulerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var parsed = SweepClusterConnection.Parse(connection);
        options ??= new OrleansTrialSchedulerOptions();
        options.Validate();
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.UseSweepCluster(parsed, clusterId: options.ClusterId, serviceId: options.ServiceId);
                client.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = options.CallTimeout);
                client.Configure<GatewayOptions>(g => g.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            })
            .Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            throw new InvalidOperationException($"Could not connect to the sweep cluster at {parsed}: {ex.Message}", ex);
        }
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger<OrleansTrialScheduler>();
        var scheduler = new OrleansTrialScheduler(host.Services.GetRequiredService<IClusterClient>(), options, logger, host);
        var deadline = DateTime.UtcNow + options.WaitForWorkers;
        while (await scheduler.RefreshSlotsAsync(cancellationToken).ConfigureAwait(false) < 1 && DateTime.UtcNow < deadline)
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        return scheduler;
    }

    /// <summary>
    /// The configured <see cref="OrleansTrialSchedulerOptions.MaxConcurrency"/>, else the total slots the workers
    /// last reported (at least 1; refreshed while trials run).
    /// </summary>
    public int MaxConcurrency => _options.MaxConcurrency ?? Math.Max(1, Volatile.Read(ref _reportedSlots));

    /// <summary>The cluster client in use.</summary>
    public IClusterClient Client => _client;

    /// <inheritdoc/>
    public async Task<TrialResult> RunAsync(TrialRequest trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var watcher = _watchers.GetOrAdd(trial.SweepId, id => new SweepWatcher(this, id));
        var wait = watcher.Watch(trial.TrialId);
        try
        {
            var coordinator = _client.GetGrain<ISweepCoordinatorGrain>(trial.SweepId);
            byte[] payload = trial.ToJsonBytes();
            await CallAsync(() => coordinator.Submit(new[] { payload }), $"Submit {trial.TrialId}", cancellationToken).ConfigureAwait(false);
            return await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            watcher.Forget(trial.TrialId);
            try
            {
                var coordinator = _client.GetGrain<ISweepCoordinatorGrain>(trial.SweepId);
                await coordinator.Withdraw(new[] { trial.TrialId }).WaitAsync(_options.CallTimeout).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger?.LogInformation("Withdrawing trial {TrialId} failed: {Error}", trial.TrialId, ex.Message);
            }
            return TrialResult.Cancelled(trial.TrialId);
        }
        catch (ArgumentException ex)
        {
            // The coordinator refused the trial (e.g. a payload it cannot read): a real failure of this trial.
            watcher.Forget(trial.TrialId);
            return TrialResult.Failed(trial.TrialId, $"The sweep coordinator refused the trial: {ex.Message}");
        }
        catch (Exception ex)
        {
            // The cluster stayed unreachable for RetryLimit. That is not the trial's failure: report it as cancelled
            // so it is not recorded; the sweep stops and a resumed sweep submits it again.
            watcher.Forget(trial.TrialId);
            _logger?.LogError("Trial {TrialId}: the cluster stayed unreachable ({Error}); returning it as cancelled.", trial.TrialId, ex.Message);
            return TrialResult.Cancelled(trial.TrialId) with { Error = $"cluster unreachable: {ex.GetType().Name}: {ex.Message}" };
        }
    }

    /// <summary>The coordinator's counts for a sweep (retried like every call).</summary>
    public Task<SweepStatus> GetStatusAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sweepId);
        var coordinator = _client.GetGrain<ISweepCoordinatorGrain>(sweepId);
        return CallAsync(() => coordinator.Status(), "Status", cancellationToken);
    }

    /// <summary>Every result the coordinator of a sweep holds (retried like every call).</summary>
    public async Task<IReadOnlyList<CompletedTrial>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sweepId);
        var coordinator = _client.GetGrain<ISweepCoordinatorGrain>(sweepId);
        var page = await CallAsync(() => coordinator.Results(0), "Results", cancellationToken).ConfigureAwait(false);
        return page.Trials;
    }

    /// <summary>Asks the registry for the workers' total slots and updates <see cref="MaxConcurrency"/>; returns the total.</summary>
    public async Task<int> RefreshSlotsAsync(CancellationToken cancellationToken = default)
    {
        var registry = _client.GetGrain<ISweepRegistryGrain>(SweepClusterDefaults.RegistryKey);
        int slots = await CallAsync(() => registry.TotalSlots(), "TotalSlots", cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _reportedSlots, slots);
        _slotsFetchedUtc = DateTime.UtcNow;
        return slots;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
            return;
        _disposed.Cancel();
        foreach (var w in _watchers.Values)
            await w.StopAsync().ConfigureAwait(false);
        if (_ownedHost is not null)
        {
            try
            {
                await _ownedHost.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger?.LogInformation("Stopping the cluster client failed: {Error}", ex.Message);
            }
            _ownedHost.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Task<T> CallAsync<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
        => GrainCallRetry.CallAsync(call, what, _options.CallTimeout, _options.RetryLimit, _logger, cancellationToken);

    /// <summary>Polls one sweep's coordinator for new results and completes the trials waiting for them.</summary>
    private sealed class SweepWatcher
    {
        private readonly OrleansTrialScheduler _owner;
        private readonly string _sweepId;
        private readonly object _gate = new();
        private readonly Dictionary<string, TaskCompletionSource<TrialResult>> _waiting = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TrialResult> _known = new(StringComparer.Ordinal);
        private readonly Task _loop;
        private long _since;

        public SweepWatcher(OrleansTrialScheduler owner, string sweepId)
        {
            _owner = owner;
            _sweepId = sweepId;
            _loop = Task.Run(LoopAsync);
        }

        public Task<TrialResult> Watch(string trialId)
        {
            lock (_gate)
            {
                if (_known.TryGetValue(trialId, out var result))
                    return Task.FromResult(result);
                if (!_waiting.TryGetValue(trialId, out var tcs))
                {
                    tcs = new TaskCompletionSource<TrialResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiting[trialId] = tcs;
                }
                return tcs.Task;
            }
        }

        public void Forget(string trialId)
        {
            lock (_gate)
                _waiting.Remove(trialId);
        }

        public async Task StopAsync()
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            lock (_gate)
            {
                foreach (var tcs in _waiting.Values)
                    tcs.TrySetCanceled();
                _waiting.Clear();
            }
        }

        private async Task LoopAsync()
        {
            var token = _owner._disposed.Token;
            var coordinator = _owner._client.GetGrain<ISweepCoordinatorGrain>(_sweepId);
            while (!token.IsCancellationRequested)
            {
                try
                {
                    bool anyWaiting;
                    lock (_gate)
                        anyWaiting = _waiting.Count > 0;
                    if (anyWaiting)
                    {
                        long since = _since;
                        var page = await _owner.CallAsync(() => coordinator.Results(since), "Results", token).ConfigureAwait(false);
                        Accept(page);
                    }
                    if (_owner._options.MaxConcurrency is null && DateTime.UtcNow - _owner._slotsFetchedUtc > SlotRefreshInterval)
                        await _owner.RefreshSlotsAsync(token).ConfigureAwait(false);
                    await Task.Delay(_owner._options.PollInterval, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Retries exhausted: fail the waiting trials rather than hang the sweep.
                    _owner._logger?.LogWarning("Polling sweep {SweepId} failed: {Error}", _sweepId, ex.Message);
                    lock (_gate)
                    {
                        foreach (var tcs in _waiting.Values)
                            tcs.TrySetException(ex);
                        _waiting.Clear();
                    }
                }
            }
        }

        private void Accept(ResultsPage page)
        {
            lock (_gate)
            {
                foreach (var t in page.Trials)
                {
                    TrialResult result;
                    try
                    {
                        result = TrialResult.FromJsonBytes(t.ResultPayload);
                    }
                    catch (InvalidDataException ex)
                    {
                        result = TrialResult.Failed(t.TrialId, $"The coordinator holds an unreadable result: {ex.Message}");
                    }
                    _known[t.TrialId] = result;
                    if (_waiting.Remove(t.TrialId, out var tcs))
                        tcs.TrySetResult(result);
                }
                _since = Math.Max(_since, page.Next);
            }
        }
    }
}
