namespace SynapticPruning.Study.Statistics;

/// <summary>Student's t distribution with ν degrees of freedom.</summary>
/// <remarks>
/// <para>For t ≥ 0 the two-sided tail is P(|T| &gt; t) = I_{ν/(ν + t²)}(ν/2, ½) (regularized incomplete beta), so
/// CDF(t) = 1 − ½ I_{ν/(ν + t²)}(ν/2, ½) for t ≥ 0 and CDF(t) = ½ I_{ν/(ν + t²)}(ν/2, ½) for t &lt; 0.</para>
/// <para>The quantile solves CDF(t) = p by bisection on t to machine precision (after bracketing by doubling), so its
/// accuracy is that of the CDF, about 1e-14 relative. The critical value of a two-sided (1 − α) interval is the
/// quantile at 1 − α/2, e.g. t_{0.975, 10} = 2.2281388519862747.</para>
/// </remarks>
public static class StudentTDistribution
{
    /// <summary>P(T ≤ t) for T ~ t(ν).</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        ValidateDf(degreesOfFreedom);
        if (double.IsNaN(t)) throw new ArgumentException("The statistic must not be NaN.", nameof(t));
        if (double.IsPositiveInfinity(t)) return 1;
        if (double.IsNegativeInfinity(t)) return 0;
        double tail = 0.5 * TwoSidedTail(Math.Abs(t), degreesOfFreedom);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>P(T &gt; t) = 1 − CDF(t) = CDF(−t).</summary>
    public static double Survival(double t, double degreesOfFreedom) => Cdf(-t, degreesOfFreedom);

    /// <summary>The p-quantile: the t with CDF(t) = p, for 0 &lt; p &lt; 1 (−∞ at p = 0, +∞ at p = 1).</summary>
    public static double Quantile(double p, double degreesOfFreedom)
    {
        ValidateDf(degreesOfFreedom);
        if (double.IsNaN(p) || p < 0 || p > 1)
            throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must be in [0, 1].");
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        if (p == 0.5) return 0;
        // Solve in the upper half with the two-sided tail, which keeps precision for p close to 0 or 1.
        double tailTarget = 2 * Math.Min(p, 1 - p);
        double lo = 0, hi = 1;
        while (TwoSidedTail(hi, degreesOfFreedom) > tailTarget)
        {
            lo = hi;
            hi *= 2;
            if (double.IsInfinity(hi)) break;
        }
        for (int i = 0; i < 2000; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (TwoSidedTail(mid, degreesOfFreedom) > tailTarget) lo = mid; else hi = mid;
        }
        double t = 0.5 * (lo + hi);
        return p > 0.5 ? t : -t;
    }

    /// <summary>
    /// The critical value c with P(|T| ≤ c) = <paramref name="confidence"/>, i.e. the (1 + confidence)/2 quantile
    /// (2.2281388519862747 for confidence 0.95 and ν = 10).
    /// </summary>
    /// <param name="confidence">Two-sided coverage in (0, 1); default 0.95.</param>
    /// <param name="degreesOfFreedom">ν &gt; 0.</param>
    public static double TwoSidedCriticalValue(double degreesOfFreedom, double confidence = 0.95)
    {
        if (double.IsNaN(confidence) || confidence <= 0 || confidence >= 1)
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be in (0, 1), e.g. 0.95.");
        return Quantile(0.5 + confidence / 2, degreesOfFreedom);
    }

    private static double TwoSidedTail(double absT, double df)
        => absT == 0 ? 1 : SpecialFunctions.RegularizedBeta(df / (df + absT * absT), df / 2, 0.5);

    private static void ValidateDf(double df)
    {
        if (double.IsNaN(df) || df <= 0 || double.IsInfinity(df))
            throw new ArgumentOutOfRangeException("degreesOfFreedom", df, "Degrees of freedom must be finite and > 0.");
    }
}
