namespace Microsoft.ML.SynapticPruning;

/// <summary>How an epoch-based schedule turns the 0-based epoch index into progress p ∈ [0, 1].</summary>
public enum ProgressConvention
{
    /// <summary>
    /// p = (e − w)/(T − 1 − w): the first pruning epoch has p = 0 and the last epoch (index T − 1) reaches the final
    /// sparsity exactly. Default.
    /// </summary>
    LastEpochReachesFinal,

    /// <summary>
    /// p = (e − w)/(T − w), as in the authors' released code with 0-based epochs: the last epoch stops short of the
    /// final sparsity (0.637 instead of 0.70 for 0.3→0.7, w = 2, T = 20).
    /// </summary>
    AuthorsZeroBased,
}
