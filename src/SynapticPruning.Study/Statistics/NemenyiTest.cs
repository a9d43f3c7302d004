namespace SynapticPruning.Study.Statistics;

/// <summary>
/// The Nemenyi post-hoc critical difference for average ranks after a Friedman test:
/// two treatments differ when their average ranks differ by at least CD = q_α · √(k(k + 1)/(6N)).
/// </summary>
/// <remarks>
/// q_α are the critical values of the Studentized range statistic divided by √2, from
/// J. Demšar, "Statistical Comparisons of Classifiers over Multiple Data Sets", Journal of Machine Learning
/// Research 7 (2006) 1–30, Table 5(a), for k = 2 … 10:
/// q_0.05 = 1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164;
/// q_0.10 = 1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920.
/// Example: k = 4, N = 14, α = 0.05 → CD = 2.569 · √(20/84) = 1.2535.
/// </remarks>
public static class NemenyiTest
{
    private static readonly double[] s_q005 = { 1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164 };
    private static readonly double[] s_q010 = { 1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920 };

    /// <summary>Smallest number of treatments in the table.</summary>
    public const int MinTreatments = 2;

    /// <summary>Largest number of treatments in the table.</summary>
    public const int MaxTreatments = 10;

    /// <summary>Whether <see cref="CriticalValue"/> has a tabulated value for this k and α.</summary>
    public static bool IsTabulated(int treatments, double alpha)
        => treatments >= MinTreatments && treatments <= MaxTreatments && (alpha == 0.05 || alpha == 0.10);

    /// <summary>The tabulated q_α for k treatments (Demšar 2006, Table 5(a)); α must be 0.05 or 0.10.</summary>
    public static double CriticalValue(int treatments, double alpha = 0.05)
    {
        if (treatments < MinTreatments || treatments > MaxTreatments)
            throw new ArgumentOutOfRangeException(nameof(treatments), treatments, $"The Nemenyi table covers k = {MinTreatments}..{MaxTreatments} treatments.");
        if (alpha == 0.05) return s_q005[treatments - 2];
        if (alpha == 0.10) return s_q010[treatments - 2];
        throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The Nemenyi table covers alpha = 0.05 and 0.10 only.");
    }

    /// <summary>CD = q · √(k(k + 1)/(6N)) for a given q.</summary>
    public static double CriticalDifference(double q, int treatments, int blocks)
    {
        if (double.IsNaN(q) || q <= 0) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be > 0.");
        if (treatments < 2) throw new ArgumentOutOfRangeException(nameof(treatments), treatments, "At least 2 treatments are required.");
        if (blocks < 1) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "At least 1 block is required.");
        return q * Math.Sqrt(treatments * (treatments + 1.0) / (6.0 * blocks));
    }

    /// <summary>CD with the tabulated q_α for k treatments and N blocks.</summary>
    public static double CriticalDifference(int treatments, int blocks, double alpha = 0.05)
        => CriticalDifference(CriticalValue(treatments, alpha), treatments, blocks);
}
