namespace Microsoft.ML.SynapticPruning;

/// <summary>What one mask update of <see cref="Pruning.SynapticPruner"/> removes.</summary>
public enum PruningGranularity
{
    /// <summary>
    /// Single weights (the paper's method, the default): importance |w|, ranked globally over every prunable weight; the
    /// target sparsity is the fraction of prunable weights pruned.
    /// </summary>
    Weight,

    /// <summary>
    /// Whole structures the model declares through <see cref="Pruning.IStructuredPrunable"/> (recurrent hidden units, attention
    /// heads, feed-forward neurons): importance is the RMS of the structure's active weights, by default relative to the
    /// mean RMS of the active structures of its group (<see cref="Pruning.PruningOptions.StructureImportance"/>), ranked globally
    /// over every structure; the target sparsity is the fraction of structures pruned (unweighted). Same schedule, warm-up, interval
    /// and permanent masks as <see cref="Weight"/>. The pruned structures can afterwards be removed physically with
    /// <see cref="Compaction.StructuredCompaction"/>, which makes the network smaller and faster.
    /// </summary>
    Structure,
}
