namespace Microsoft.ML.SynapticPruning.Data;

/// <summary>
/// A run of consecutive rows without missing values: rows <see cref="StartRow"/> (inclusive) to
/// <see cref="EndRow"/> (exclusive), 0-based row indices of the table.
/// </summary>
/// <param name="StartRow">First row of the segment (0-based, inclusive).</param>
/// <param name="EndRow">Row after the last row of the segment (0-based, exclusive).</param>
public readonly record struct SeriesSegment(int StartRow, int EndRow)
{
    /// <summary>Number of rows, <c>EndRow - StartRow</c>.</summary>
    public int Length => EndRow - StartRow;

    /// <summary>Whether row <paramref name="row"/> lies in the segment.</summary>
    public bool Contains(int row) => row >= StartRow && row < EndRow;

    /// <inheritdoc/>
    public override string ToString() => $"rows [{StartRow}, {EndRow}) ({Length} rows)";
}
