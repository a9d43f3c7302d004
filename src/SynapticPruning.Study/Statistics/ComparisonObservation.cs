namespace SynapticPruning.Study.Statistics;

/// <summary>
/// One cell of a comparison table: the value (lower = better, e.g. the seed-mean MAE) of one treatment
/// (regularization arm) in one block (e.g. dataset × model × lookback × horizon).
/// </summary>
/// <param name="BlockId">Identifier of the block.</param>
/// <param name="Treatment">Name of the treatment (arm).</param>
/// <param name="Value">The value; lower is better; NaN is rejected.</param>
public sealed record ComparisonObservation(string BlockId, string Treatment, double Value);
