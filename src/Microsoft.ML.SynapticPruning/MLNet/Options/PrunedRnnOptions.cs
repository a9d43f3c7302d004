namespace Microsoft.ML.SynapticPruning;

/// <summary>Options of <c>PrunedRnn</c>: an Elman RNN (tanh) whose last hidden state feeds a linear head.</summary>
public sealed class PrunedRnnOptions : PrunedRecurrentOptions
{
    internal override ForecasterKind Kind => ForecasterKind.Rnn;
}
