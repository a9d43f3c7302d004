namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// An immutable snapshot of a pruner's masks (for checkpoints: restore weights and masks together). Create with
/// <see cref="SynapticPruner.CaptureState"/>, apply with <see cref="SynapticPruner.RestoreState"/>.
/// </summary>
public sealed class PrunerState
{
    private readonly bool[][] _masks;

    internal PrunerState(string[] names, bool[][] masks, int historyCount)
    {
        Names = names;
        _masks = masks;
        HistoryCount = historyCount;
    }

    /// <summary>Tensor names, in the pruner's order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of history entries when the state was captured (restoring truncates the history to it).</summary>
    public int HistoryCount { get; }

    /// <summary>A copy of the mask of tensor <paramref name="index"/> (true = kept), flattened row-major.</summary>
    public bool[] GetMask(int index) => (bool[])_masks[index].Clone();

    internal bool[] MaskView(int index) => _masks[index];
}
