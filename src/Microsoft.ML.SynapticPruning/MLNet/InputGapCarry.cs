namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// The causal fill Transform and the forecast engine share: per input channel, a missing value (NaN) is replaced by the
/// channel's last observation while the run of missing values is at most <see cref="ForecastingModelInfo.InputGapFill"/>
/// rows; after that, and before any observation, it stays NaN. No later value is used.
/// </summary>
internal sealed class InputGapCarry
{
    private readonly int _limit;
    private readonly float[] _lastObserved;
    private readonly int[] _missingRun;

    public InputGapCarry(int channels, int limit, ReadOnlySpan<float> lastRow = default)
    {
        _limit = limit;
        _lastObserved = new float[channels];
        _missingRun = new int[channels];
        Array.Fill(_lastObserved, float.NaN);
        if (lastRow.Length == channels) lastRow.CopyTo(_lastObserved);
    }

    private InputGapCarry(InputGapCarry other)
    {
        _limit = other._limit;
        _lastObserved = (float[])other._lastObserved.Clone();
        _missingRun = (int[])other._missingRun.Clone();
    }

    /// <summary>A copy whose state advances independently (for updates that may be rolled back).</summary>
    public InputGapCarry Clone() => new(this);

    /// <summary>The value channel <paramref name="c"/> enters the window with, given the next raw value <paramref name="v"/>.</summary>
    public float Next(int c, float v)
    {
        if (!float.IsNaN(v))
        {
            _missingRun[c] = 0;
            if (float.IsFinite(v)) _lastObserved[c] = v;
            return v;
        }
        return ++_missingRun[c] <= _limit ? _lastObserved[c] : float.NaN;
    }
}
