namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// A module that declares the structures <see cref="PruningGranularity.Structure"/> may prune. Implemented by
/// <see cref="Models.RecurrentForecaster"/> and <see cref="Models.PatchTstForecaster"/>.
/// </summary>
public interface IStructuredPrunable
{
    /// <summary>
    /// The prunable structures of the network as currently built (indices refer to the current tensors), in a fixed
    /// order. Every slice names a parameter of the module.
    /// </summary>
    IReadOnlyList<PrunableStructure> GetStructures();
}
