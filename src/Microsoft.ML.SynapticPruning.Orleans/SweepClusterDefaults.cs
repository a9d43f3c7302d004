namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>Names shared by silos and clients of a sweep cluster.</summary>
public static class SweepClusterDefaults
{
    /// <summary>Name of the grain storage provider that holds coordinator and registry state ("sweeps").</summary>
    public const string StorageName = "sweeps";

    /// <summary>Key of the single <see cref="Contracts.ISweepRegistryGrain"/>.</summary>
    public const string RegistryKey = "registry";

    /// <summary>Default Orleans cluster id ("synaptic-pruning").</summary>
    public const string ClusterId = "synaptic-pruning";

    /// <summary>Default Orleans service id ("synaptic-pruning-sweeps").</summary>
    public const string ServiceId = "synaptic-pruning-sweeps";

    /// <summary>Silo-to-silo port of the first localhost silo; silo i uses this + i.</summary>
    public const int SiloPort = 11111;

    /// <summary>Client gateway port of the first localhost silo; silo i uses this + i.</summary>
    public const int GatewayPort = 30000;
}
