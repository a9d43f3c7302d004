namespace Microsoft.ML.SynapticPruning;

/// <summary>Options of <c>PrunedLstm</c>: an LSTM whose last hidden state feeds a linear head.</summary>
public sealed class PrunedLstmOptions : PrunedRecurrentOptions
{
    internal override ForecasterKind Kind => ForecasterKind.Lstm;
}
