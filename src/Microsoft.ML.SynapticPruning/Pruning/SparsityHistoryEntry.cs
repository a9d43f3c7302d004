namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>One mask update.</summary>
/// <param name="Epoch">0-based epoch of the update (−1 for a one-shot <see cref="SynapticPruner.PruneTo"/> outside training).</param>
/// <param name="Step">1-based global optimizer step of the update (−1 outside training).</param>
/// <param name="TargetSparsity">The schedule's target at the update.</param>
/// <param name="GlobalSparsity">Global sparsity after the update.</param>
/// <param name="PerTensor">Per-tensor sparsity after the update.</param>
public sealed record SparsityHistoryEntry(int Epoch, long Step, double TargetSparsity, double GlobalSparsity, IReadOnlyList<TensorSparsity> PerTensor);
