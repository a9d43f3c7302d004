namespace SynapticPruning.Study.Statistics;

/// <summary>Fisher's F distribution with (d₁, d₂) degrees of freedom.</summary>
/// <remarks>
/// CDF F(x; d₁, d₂) = I_{d₁x/(d₁x + d₂)}(d₁/2, d₂/2) and survival S(x; d₁, d₂) = I_{d₂/(d₂ + d₁x)}(d₂/2, d₁/2), with
/// I the regularized incomplete beta function (for example S(x; 2, d₂) = (1 + 2x/d₂)^{−d₂/2}).
/// </remarks>
public static class FDistribution
{
    /// <summary>P(X ≤ x) for X ~ F(d₁, d₂); 0 for x ≤ 0.</summary>
    public static double Cdf(double x, double numeratorDegreesOfFreedom, double denominatorDegreesOfFreedom)
    {
        Validate(x, numeratorDegreesOfFreedom, denominatorDegreesOfFreedom);
        if (x <= 0) return 0;
        if (double.IsPositiveInfinity(x)) return 1;
        double d1 = numeratorDegreesOfFreedom, d2 = denominatorDegreesOfFreedom;
        return SpecialFunctions.RegularizedBeta(d1 * x / (d1 * x + d2), d1 / 2, d2 / 2);
    }

    /// <summary>P(X &gt; x) for X ~ F(d₁, d₂) (the p-value of an upper-tail F test); 1 for x ≤ 0, 0 for x = +∞.</summary>
    public static double Survival(double x, double numeratorDegreesOfFreedom, double denominatorDegreesOfFreedom)
    {
        Validate(x, numeratorDegreesOfFreedom, denominatorDegreesOfFreedom);
        if (x <= 0) return 1;
        if (double.IsPositiveInfinity(x)) return 0;
        double d1 = numeratorDegreesOfFreedom, d2 = denominatorDegreesOfFreedom;
        return SpecialFunctions.RegularizedBeta(d2 / (d2 + d1 * x), d2 / 2, d1 / 2);
    }

    private static void Validate(double x, double d1, double d2)
    {
        if (double.IsNaN(x)) throw new ArgumentException("The statistic must not be NaN.", nameof(x));
        if (double.IsNaN(d1) || d1 <= 0 || double.IsInfinity(d1))
            throw new ArgumentOutOfRangeException("numeratorDegreesOfFreedom", d1, "Must be finite and > 0.");
        if (double.IsNaN(d2) || d2 <= 0 || double.IsInfinity(d2))
            throw new ArgumentOutOfRangeException("denominatorDegreesOfFreedom", d2, "Must be finite and > 0.");
    }
}
