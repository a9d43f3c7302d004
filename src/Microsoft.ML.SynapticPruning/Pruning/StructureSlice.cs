namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// A contiguous range of indices along one dimension of a parameter, all other dimensions taken whole: e.g. rows
/// [Start, Start + Length) of a weight matrix (<see cref="Dimension"/> 0) or columns (<see cref="Dimension"/> 1).
/// </summary>
/// <param name="Parameter">Full parameter name in the module (e.g. <c>lstm.0.weight_hh_l0</c>).</param>
/// <param name="Dimension">The sliced dimension.</param>
/// <param name="Start">First index along <paramref name="Dimension"/>.</param>
/// <param name="Length">Number of indices along <paramref name="Dimension"/>.</param>
public readonly record struct StructureSlice(string Parameter, int Dimension, long Start, long Length);
