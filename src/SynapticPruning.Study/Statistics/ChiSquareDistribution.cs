namespace SynapticPruning.Study.Statistics;

/// <summary>The chi-square distribution with ν degrees of freedom.</summary>
/// <remarks>
/// CDF F(x; ν) = P(ν/2, x/2) and survival S(x; ν) = Q(ν/2, x/2), the regularized incomplete gamma functions
/// (for example S(x; 2) = e^{−x/2} and S(x; 1) = erfc(√(x/2))).
/// </remarks>
public static class ChiSquareDistribution
{
    /// <summary>P(X ≤ x) for X ~ χ²(ν); 0 for x ≤ 0.</summary>
    /// <param name="x">The statistic.</param>
    /// <param name="degreesOfFreedom">ν &gt; 0.</param>
    public static double Cdf(double x, double degreesOfFreedom)
    {
        Validate(x, degreesOfFreedom);
        return x <= 0 ? 0 : SpecialFunctions.RegularizedGammaP(degreesOfFreedom / 2, x / 2);
    }

    /// <summary>P(X &gt; x) for X ~ χ²(ν) (the p-value of an upper-tail test); 1 for x ≤ 0.</summary>
    /// <param name="x">The statistic.</param>
    /// <param name="degreesOfFreedom">ν &gt; 0.</param>
    public static double Survival(double x, double degreesOfFreedom)
    {
        Validate(x, degreesOfFreedom);
        return x <= 0 ? 1 : SpecialFunctions.RegularizedGammaQ(degreesOfFreedom / 2, x / 2);
    }

    private static void Validate(double x, double df)
    {
        if (double.IsNaN(x)) throw new ArgumentException("The statistic must not be NaN.", nameof(x));
        if (double.IsNaN(df) || df <= 0 || double.IsInfinity(df))
            throw new ArgumentOutOfRangeException(nameof(df), df, "Degrees of freedom must be finite and > 0.");
    }
}
