namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>The sparsity a pruned model actually has, its mask-update history and its masks (plain data, no tensors).</summary>
public sealed class PruningSummary
{
    /// <summary>Creates a summary (normally from <see cref="SynapticPruner.Summarize"/>, or when loading a saved model).</summary>
    public PruningSummary(double globalSparsity, long totalPrunable, long pruned, IReadOnlyList<TensorSparsity> perTensor,
        IReadOnlyList<SparsityHistoryEntry> history, IReadOnlyDictionary<string, bool[]> masks, string schedule)
    {
        GlobalSparsity = globalSparsity;
        TotalPrunable = totalPrunable;
        Pruned = pruned;
        PerTensor = perTensor;
        History = history;
        Masks = masks;
        Schedule = schedule;
    }

    /// <summary>Pruned / prunable weights, over all prunable tensors.</summary>
    public double GlobalSparsity { get; }

    /// <summary>Number of prunable weights.</summary>
    public long TotalPrunable { get; }

    /// <summary>Number of pruned weights.</summary>
    public long Pruned { get; }

    /// <summary>Per-tensor sparsity, in the pruner's tensor order.</summary>
    public IReadOnlyList<TensorSparsity> PerTensor { get; }

    /// <summary>Every mask update that led to the current masks (in order).</summary>
    public IReadOnlyList<SparsityHistoryEntry> History { get; }

    /// <summary>
    /// The masks by parameter name (true = kept), flattened row-major. Build sparse bitmaps from these, not from the
    /// weights (a surviving weight may be exactly 0).
    /// </summary>
    public IReadOnlyDictionary<string, bool[]> Masks { get; }

    /// <summary>Description of the schedule that produced the masks.</summary>
    public string Schedule { get; }
}
