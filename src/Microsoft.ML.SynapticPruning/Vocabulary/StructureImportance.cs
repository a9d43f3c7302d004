namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// How <see cref="PruningGranularity.Structure"/> compares structures when it picks the ones to prune. Both rules start
/// from the RMS of a structure's active weights (‖w_active‖₂ / √n_active) and rank all active structures of the model in
/// one global order, ties broken by structure order; they differ in what the RMS is compared against.
/// </summary>
public enum StructureImportance
{
    /// <summary>
    /// Default. Each structure's RMS divided by the mean RMS of the active structures of its group (one layer's
    /// units, heads or neurons: <see cref="Pruning.PrunableStructure.Group"/>) at the time of the update, then one global
    /// ranking of these relative scores. A structure is unimportant when it is weak <em>compared with its peers</em>, so
    /// layers and kinds of structure whose weights have different scales (attention heads and feed-forward neurons,
    /// stacked recurrent layers) all lose structures. With a single group (a one-layer RNN, LSTM or GRU) the ranking is
    /// the same as <see cref="Absolute"/>.
    /// </summary>
    GroupRelative,

    /// <summary>
    /// The RMS itself, ranked globally across all groups (the rule before group-relative scores became the default):
    /// a group whose weights are smaller than another's loses its structures first. In PatchTST, attention heads have a
    /// larger RMS than feed-forward neurons, so this rule prunes neurons only. Kept to reproduce earlier results.
    /// </summary>
    Absolute,
}
