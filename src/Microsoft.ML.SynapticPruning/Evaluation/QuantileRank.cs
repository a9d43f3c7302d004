using System.Globalization;

namespace Microsoft.ML.SynapticPruning.Evaluation;

/// <summary>
/// Order-statistic ranks derived from a confidence level, computed exactly. The level is read as the shortest decimal
/// that round-trips its binary value (0.8f is 0.8, not 0.800000011920929…) and the products use decimal arithmetic, so
/// ⌈(n + 1)·0.8⌉ at n = 99 is 80, not 81. Exact for levels written with up to 7 significant digits as a float and up to
/// 15 as a double (every level written with up to ~9 decimals that a float holds exactly enough to round-trip).
/// </summary>
internal static class QuantileRank
{
    /// <summary>The decimal a float level was written as (its shortest round-trip form).</summary>
    public static decimal Exact(float level) => Parse(level.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>The decimal a double level was written as (its shortest round-trip form).</summary>
    public static decimal Exact(double level) => Parse(level.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>
    /// The split-conformal rank ⌈(<paramref name="n"/> + 1)·<paramref name="confidence"/>⌉ (1-based; greater than
    /// <paramref name="n"/> when the calibration set is too small for the level).
    /// </summary>
    public static long Conformal(int n, float confidence)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The number of calibration windows must be 0 or more.");
        CheckLevel(confidence);
        return (long)decimal.Ceiling((n + 1m) * Exact(confidence));
    }

    /// <summary>
    /// The 0-based nearest-rank positions of the (1 − <paramref name="confidence"/>)/2 and (1 + <paramref name="confidence"/>)/2
    /// quantiles among <paramref name="samples"/> sorted values: ⌊(1 − c)/2·m⌋ and ⌈(1 + c)/2·m⌉ − 1, clamped to [0, m − 1].
    /// </summary>
    public static (int Lower, int Upper) CentralInterval(int samples, double confidence)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "At least one sample is needed.");
        CheckLevel(confidence);
        decimal c = Exact(confidence), m = samples;
        int lower = (int)decimal.Floor((1 - c) / 2 * m);
        int upper = (int)decimal.Ceiling((1 + c) / 2 * m) - 1;
        return (Math.Clamp(lower, 0, samples - 1), Math.Clamp(upper, 0, samples - 1));
    }

    private static void CheckLevel(double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence must be in (0, 1), e.g. 0.9.");
    }

    private static decimal Parse(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
