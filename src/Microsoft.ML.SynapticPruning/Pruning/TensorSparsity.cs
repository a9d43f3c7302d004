namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>Sparsity of one prunable tensor.</summary>
/// <param name="Name">Full parameter name.</param>
/// <param name="Total">Number of weights.</param>
/// <param name="Pruned">Number of pruned weights.</param>
public sealed record TensorSparsity(string Name, long Total, long Pruned)
{
    /// <summary>Pruned / Total (0 for an empty tensor).</summary>
    public double Sparsity => Total == 0 ? 0 : (double)Pruned / Total;
}
