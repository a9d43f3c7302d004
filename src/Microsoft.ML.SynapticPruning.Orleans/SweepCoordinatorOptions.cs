namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>Settings of the sweep coordinator grains of a silo.</summary>
public sealed class SweepCoordinatorOptions
{
    /// <summary>
    /// How long a lease lasts without renewal; a lease that expires is queued again (backstop for a worker that
    /// hangs or a silo that membership has not declared dead). Workers renew at a third of it. Default 2 minutes.
    /// </summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the coordinator checks its leases against cluster membership and lease expiry. Default 1 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A lease whose silo is missing from the membership snapshot (not merely dead) is taken back once it is older
    /// than this, so that a silo still joining is not mistaken for a dead one. Default 30 s.
    /// </summary>
    public TimeSpan UnknownSiloGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public void Validate()
    {
        if (LeaseTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(LeaseTimeout), LeaseTimeout, "SweepCoordinatorOptions.LeaseTimeout must be positive (default 2 minutes).");
        if (CheckInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CheckInterval), CheckInterval, "SweepCoordinatorOptions.CheckInterval must be positive (default 1 s).");
        if (UnknownSiloGrace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(UnknownSiloGrace), UnknownSiloGrace, "SweepCoordinatorOptions.UnknownSiloGrace must be ≥ 0 (default 30 s).");
    }
}
