namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// Marks a custom normalisation module whose parameter <c>weight</c> (one-dimensional) is a per-feature gain, so that
/// <see cref="PruningOptions.PruneNormGains"/> treats it like the gain of TorchSharp's LayerNorm, GroupNorm and BatchNorm.
/// </summary>
public interface INormalizationLayer
{
}
