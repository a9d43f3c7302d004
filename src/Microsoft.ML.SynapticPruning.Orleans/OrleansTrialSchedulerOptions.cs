namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>Settings of an <see cref="OrleansTrialScheduler"/>.</summary>
public sealed class OrleansTrialSchedulerOptions
{
    /// <summary>
    /// Trials kept in flight; null = the total trial slots the cluster's workers report (refreshed while the sweep
    /// runs, at least 1). Default null.
    /// </summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>How often the scheduler asks the coordinator for new results. Default 100 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Each grain call attempt is abandoned after this and retried (a dying gateway can stall a call). Default 10 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call is retried before the trial is given up as cancelled (not recorded; resume the sweep later). Default 10 minutes.</summary>
    public TimeSpan RetryLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// <see cref="OrleansTrialScheduler.Connect"/> waits up to this long for at least one worker slot to be
    /// registered before returning (zero = do not wait). Default 60 s.
    /// </summary>
    public TimeSpan WaitForWorkers { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Orleans cluster id (must match the silos). Default <see cref="SweepClusterDefaults.ClusterId"/>.</summary>
    public string ClusterId { get; set; } = SweepClusterDefaults.ClusterId;

    /// <summary>Orleans service id (must match the silos). Default <see cref="SweepClusterDefaults.ServiceId"/>.</summary>
    public string ServiceId { get; set; } = SweepClusterDefaults.ServiceId;

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public void Validate()
    {
        if (MaxConcurrency is < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "OrleansTrialSchedulerOptions.MaxConcurrency must be ≥ 1, or null for the cluster's total slots.");
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "OrleansTrialSchedulerOptions.PollInterval must be positive.");
        if (CallTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "OrleansTrialSchedulerOptions.CallTimeout must be positive.");
        if (RetryLimit < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RetryLimit), RetryLimit, "OrleansTrialSchedulerOptions.RetryLimit must be ≥ 0.");
        if (WaitForWorkers < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(WaitForWorkers), WaitForWorkers, "OrleansTrialSchedulerOptions.WaitForWorkers must be ≥ 0.");
        ArgumentException.ThrowIfNullOrEmpty(ClusterId, nameof(ClusterId));
        ArgumentException.ThrowIfNullOrEmpty(ServiceId, nameof(ServiceId));
    }
}
