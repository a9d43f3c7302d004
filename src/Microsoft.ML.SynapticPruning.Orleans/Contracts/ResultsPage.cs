using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans.Contracts;

/// <summary>Completed trials after a sequence number (<see cref="ISweepCoordinatorGrain.Results"/>).</summary>
[GenerateSerializer, Immutable]
public sealed class ResultsPage
{
    /// <summary>Completed trials with <see cref="CompletedTrial.Sequence"/> greater than the requested one, in order.</summary>
    [Id(0)] public CompletedTrial[] Trials { get; init; } = Array.Empty<CompletedTrial>();
    /// <summary>The sequence to pass next time (the last sequence returned, or the one requested).</summary>
    [Id(1)] public long Next { get; init; }
}
