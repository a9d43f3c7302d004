namespace SynapticPruning.Study.Statistics;

/// <summary>The standard normal distribution N(0, 1).</summary>
/// <remarks>
/// Φ(z) = ½ erfc(−z/√2) and the survival function 1 − Φ(z) = ½ erfc(z/√2), with erfc(x) = Q(½, x²) evaluated by the
/// regularized incomplete gamma function, so tails such as Φ(−10) keep their relative accuracy (about 1e-14).
/// </remarks>
public static class NormalDistribution
{
    /// <summary>Cumulative distribution Φ(z) = P(Z ≤ z).</summary>
    public static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    /// <summary>Survival function P(Z &gt; z) = 1 − Φ(z) = Φ(−z).</summary>
    public static double Survival(double z) => 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));
}
