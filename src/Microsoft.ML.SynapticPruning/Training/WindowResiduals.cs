namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>Forecast residuals y − ŷ in original units for a set of windows.</summary>
/// <param name="Windows">The window indices scored (windows with imputed targets are skipped).</param>
/// <param name="Values">Residuals, row-major (window, horizon step, target channel).</param>
/// <param name="Horizon">H.</param>
/// <param name="TargetChannels">C.</param>
public sealed record WindowResiduals(int[] Windows, float[] Values, int Horizon, int TargetChannels)
{
    /// <summary>The residual of the k-th scored window at horizon step <paramref name="step"/> and channel <paramref name="channel"/>.</summary>
    public float this[int k, int step, int channel] => Values[(k * Horizon + step) * TargetChannels + channel];
}
