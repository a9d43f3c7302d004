namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// The tree features of one window (L rows × W values, label first, row-major): the label's lags minus its last value
/// (rows 0..L−2), the last value itself, then every covariate's raw lags — L·W features. The trees predict
/// y[t+h] − y[t], so a level they never saw does not clamp the forecast (trees cannot extrapolate).
/// </summary>
internal static class LagWindowFeatures
{
    /// <summary>Features per window.</summary>
    public static int Count(int lookback, int width) => lookback * width;

    /// <summary>Writes the features of <paramref name="window"/> into <paramref name="features"/> and returns the label's last value.</summary>
    public static float Write(ReadOnlySpan<float> window, int lookback, int width, Span<float> features)
    {
        float last = window[(lookback - 1) * width];
        for (int r = 0; r < lookback - 1; r++) features[r] = window[r * width] - last;
        features[lookback - 1] = last;
        int at = lookback;
        for (int c = 1; c < width; c++)
            for (int r = 0; r < lookback; r++) features[at++] = window[r * width + c];
        return last;
    }
}
