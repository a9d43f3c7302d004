namespace Microsoft.ML.SynapticPruning;

/// <summary>Which epoch's weights (and masks) a fit returns.</summary>
public enum RestoreFrom
{
    /// <summary>
    /// The epoch with the lowest validation loss among the epochs in which the model was already pruned (sparsity &gt; 0);
    /// without pruning, among all epochs. Epochs before that do not count towards the patience either, so a pruned fit
    /// never returns a dense model. Default.
    /// </summary>
    AfterWarmup,

    /// <summary>The epoch with the lowest validation loss, pruned or not.</summary>
    AnyEpoch,

    /// <summary>The last epoch run (early stopping still ends the run).</summary>
    Last,
}
