using SynapticPruning.Study.Statistics;
using Xunit;

namespace SynapticPruning.Study.Tests.Statistics;

/// <summary>
/// Reference values come from closed forms evaluated independently (Python's math.erfc/exp, and for Student t the
/// Abramowitz–Stegun 26.7.3/26.7.4 finite series, evaluated with 60-digit decimals for even ν):
/// χ²(1): S = erfc(√(x/2)); χ²(odd ν): S = erfc(√(x/2)) + √(2x/π)e^{−x/2}(1 + x/3 + x²/15 + …);
/// χ²(even ν): S = e^{−x/2} Σ_{j&lt;ν/2} (x/2)^j/j!; F(2, d₂): S = (1 + 2x/d₂)^{−d₂/2}; F(d₁, 2): S = 1 − (d₁x/(2 + d₁x))^{d₁/2};
/// t(1): quantile tan(π(p − ½)); t(2): (2p − 1)/√(2p(1 − p)).
/// </summary>
public class DistributionTests
{
    private static void Close(double expected, double actual, double relative = 1e-12)
        => Assert.True(Math.Abs(expected - actual) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(expected - actual) / Math.Abs(expected):E2})");

    [Theory]
    [InlineData(1.96, 0.9750021048517795)]     // 0.5·erfc(−1.96/√2)
    [InlineData(-3.0, 0.0013498980316300957)]
    [InlineData(0.3, 0.6179114221889526)]
    public void NormalCdfMatchesErfc(double z, double expected) => Close(expected, NormalDistribution.Cdf(z));

    [Theory]
    [InlineData(5.0, 2.866515718791946e-07)]
    [InlineData(8.3, 5.2055697448902866e-17)]  // deep tail keeps relative accuracy
    public void NormalSurvivalKeepsTailAccuracy(double z, double expected) => Close(expected, NormalDistribution.Survival(z));

    [Theory]
    [InlineData(3.841458820694124, 1, 0.05000000000000008)]
    [InlineData(8.333333333333329, 2, 0.015503853599009356)]  // e^{−x/2}, the Friedman example
    [InlineData(60.0, 2, 9.357622968840175e-14)]               // e^{−30}
    [InlineData(7.8147, 3, 0.050000625284760083)]
    [InlineData(9.4877, 4, 0.050000599541234675)]
    [InlineData(0.5, 5, 0.9921232932326296)]                   // series branch (x < a + 1)
    [InlineData(30.0, 5, 1.4748581038443052e-05)]
    [InlineData(25.0, 10, 0.005345505487134064)]
    [InlineData(3.0, 10, 0.9814240637778593)]
    public void ChiSquareSurvivalMatchesClosedForms(double x, double df, double expected)
        => Close(expected, ChiSquareDistribution.Survival(x, df));

    [Fact]
    public void ChiSquareCdfSmallValueIsRelativelyAccurate()
    {
        // df 4: CDF = 1 − e^{−y}(1 + y), y = x/2 = 0.005 → −expm1(−y) − y·e^{−y} = 1.2458411354275209e-05.
        Close(1.2458411354275209e-05, ChiSquareDistribution.Cdf(0.01, 4));
        Assert.Equal(0, ChiSquareDistribution.Cdf(0, 3));
        Assert.Equal(1, ChiSquareDistribution.Survival(-1, 3));
    }

    [Theory]
    [InlineData(11.363636363636342, 2, 10, 0.0026634890885112537)] // the Iman–Davenport example
    [InlineData(0.8, 2, 7, 0.48651760560616797)]
    [InlineData(3.0, 5, 2, 0.2686827050476196)]
    public void FSurvivalMatchesClosedForms(double x, double d1, double d2, double expected)
    {
        Close(expected, FDistribution.Survival(x, d1, d2));
        Close(1 - expected, FDistribution.Cdf(x, d1, d2));
    }

    [Theory]
    [InlineData(1.3, 5, 0.8748496829146615)]
    [InlineData(-2.5, 10, 0.015723422118304402)]
    [InlineData(0.4, 3, 0.6420324230128149)]
    public void StudentTCdfMatchesAbramowitzStegunSeries(double t, double df, double expected)
        => Close(expected, StudentTDistribution.Cdf(t, df));

    [Theory]
    [InlineData(1, 12.706204736174696)]           // tan(0.475π)
    [InlineData(2, 4.302652729749464)]            // 0.95/√(2·0.975·0.025)
    [InlineData(4, 2.7764451051977934)]
    [InlineData(5, 2.570581835636313)]
    [InlineData(10, 2.2281388519862747)]
    [InlineData(30, 2.0422724563012383)]
    public void StudentTTwoSided95CriticalValues(double df, double expected)
    {
        Close(expected, StudentTDistribution.TwoSidedCriticalValue(df));
        Close(-expected, StudentTDistribution.Quantile(0.025, df));
    }

    [Fact]
    public void StudentTQuantileForLargeDfApproachesNormal()
    {
        // Cornish–Fisher: t_p(ν) = z + (z³ + z)/(4ν) + O(ν⁻²), z = z_{0.975} = 1.959963984540054.
        const double z = 1.959963984540054;
        double nu = 1e6;
        Close(z + (z * z * z + z) / (4 * nu), StudentTDistribution.TwoSidedCriticalValue(nu), 1e-10);
        Close(0.975, NormalDistribution.Cdf(z), 1e-14);
    }

    [Fact]
    public void StudentTQuantileInvertsCdf()
    {
        foreach (double p in new[] { 1e-6, 0.01, 0.3, 0.6, 0.9, 0.999 })
            Close(p, StudentTDistribution.Cdf(StudentTDistribution.Quantile(p, 7), 7), 1e-11);
        Assert.Equal(0, StudentTDistribution.Quantile(0.5, 3));
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChiSquareDistribution.Survival(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FDistribution.Survival(1, 2, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentTDistribution.Quantile(1.5, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentTDistribution.TwoSidedCriticalValue(3, 1.0));
    }

    [Fact]
    public void LogGammaMatchesFactorialsAndHalfIntegers()
    {
        Close(Math.Log(3628800.0), SpecialFunctions.LogGamma(11), 1e-13);            // Γ(11) = 10!
        Close(0.5 * Math.Log(Math.PI), SpecialFunctions.LogGamma(0.5), 1e-13);       // Γ(½) = √π
        Close(Math.Log(0.75 * Math.Sqrt(Math.PI)), SpecialFunctions.LogGamma(2.5), 1e-13); // Γ(5/2) = ¾√π
    }
}
