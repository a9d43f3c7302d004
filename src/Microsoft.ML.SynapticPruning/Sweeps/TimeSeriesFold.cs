namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// One rolling-origin fold, in row indices of the time-ordered series (end indices exclusive). Training uses rows
/// [<see cref="TrainStart"/>, <see cref="TrainEnd"/>); the test segment is [<see cref="TestStart"/>, <see cref="TestEnd"/>)
/// with <see cref="TestStart"/> = <see cref="TrainEnd"/>. Score the test segment by forecasting from the whole
/// series and keeping only windows whose targets all lie in it (docs/design.md, "Rows in ML.NET"), so its first rows are not lost.
/// </summary>
/// <param name="Index">0-based fold index (0 = earliest origin).</param>
/// <param name="TrainStart">First training row (always 0: expanding window).</param>
/// <param name="TrainEnd">One past the last training row (the forecast origin).</param>
/// <param name="TestStart">First test row.</param>
/// <param name="TestEnd">One past the last test row.</param>
public sealed record TimeSeriesFold(int Index, int TrainStart, int TrainEnd, int TestStart, int TestEnd)
{
    /// <summary>Training rows.</summary>
    public int TrainLength => TrainEnd - TrainStart;
    /// <summary>Test rows.</summary>
    public int TestLength => TestEnd - TestStart;
}
