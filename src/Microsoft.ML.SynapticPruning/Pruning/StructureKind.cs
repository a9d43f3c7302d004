namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>The kind of a <see cref="PrunableStructure"/>.</summary>
public enum StructureKind
{
    /// <summary>A hidden unit of a recurrent layer: all its gate rows in weight_ih and weight_hh, its column in weight_hh and its column in the consumer (next layer's weight_ih or the head).</summary>
    RecurrentUnit,

    /// <summary>An attention head: its rows in the query, key and value projections and its columns in the output projection.</summary>
    AttentionHead,

    /// <summary>A feed-forward neuron: its row of the first linear map and its column of the second.</summary>
    FeedForwardNeuron,
}
