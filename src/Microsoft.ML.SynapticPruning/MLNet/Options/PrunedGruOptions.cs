namespace Microsoft.ML.SynapticPruning;

/// <summary>Options of <c>PrunedGru</c>: a GRU whose last hidden state feeds a linear head.</summary>
public sealed class PrunedGruOptions : PrunedRecurrentOptions
{
    internal override ForecasterKind Kind => ForecasterKind.Gru;
}
