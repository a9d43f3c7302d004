namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>Settings of the <see cref="TrialWorkerService"/> of a silo.</summary>
public sealed class TrialWorkerOptions
{
    /// <summary>Trial slots: the number of worker loops, each running one trial at a time. Must be in [1, cores]. Default 1.</summary>
    public int Slots { get; set; } = 1;

    /// <summary>How long an idle loop waits before asking for work again. Default 100 ms.</summary>
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Each grain call attempt is abandoned after this and retried. Default 10 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long reporting a finished trial is retried before the result is dropped (the lease then expires and the trial reruns). Default 5 minutes.</summary>
    public TimeSpan ReportRetryLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Allows more slots than <see cref="Environment.ProcessorCount"/> (tests with sleeping fake trials). Default false.</summary>
    public bool AllowOversubscription { get; set; }

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public void Validate()
    {
        if (Slots < 1)
            throw new ArgumentOutOfRangeException(nameof(Slots), Slots, "TrialWorkerOptions.Slots must be ≥ 1.");
        if (!AllowOversubscription && Slots > Environment.ProcessorCount)
            throw new ArgumentOutOfRangeException(nameof(Slots), Slots,
                $"TrialWorkerOptions.Slots ({Slots}) exceeds the {Environment.ProcessorCount} cores of this machine; lower it (trials are CPU-bound) or set AllowOversubscription.");
        if (IdleDelay <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(IdleDelay), IdleDelay, "TrialWorkerOptions.IdleDelay must be positive.");
        if (CallTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "TrialWorkerOptions.CallTimeout must be positive.");
        if (ReportRetryLimit < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ReportRetryLimit), ReportRetryLimit, "TrialWorkerOptions.ReportRetryLimit must be ≥ 0.");
    }
}
