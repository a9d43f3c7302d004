using SynapticPruning.Study.Statistics;
using Xunit;

namespace SynapticPruning.Study.Tests.Statistics;

/// <summary>Reference numbers: scipy.stats.friedmanchisquare and the study issue's test vectors.</summary>
public class FriedmanAndNemenyiTests
{
    private static double[][] Matrix() => new[]
    {
        new[] { 0.52, 0.48, 0.61 }, new[] { 1.10, 0.95, 1.20 }, new[] { 0.33, 0.35, 0.40 },
        new[] { 2.05, 1.80, 2.10 }, new[] { 0.71, 0.66, 0.69 }, new[] { 0.90, 0.85, 1.02 },
    };

    private static void Close(double expected, double actual, double tolerance)
        => Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void FriedmanMatchesScipy()
    {
        // Rank sums: [12, 7, 17]; χ² = 12/(6·3·4)·(144 + 49 + 289) − 3·6·4 = 482/6 − 72 = 8.3333.
        FriedmanResult r = FriedmanTest.Compute(Matrix());
        Close(8.333333333333329, r.ChiSquare, 1e-9);
        Close(0.015503853599009356, r.PValue, 1e-9);
        Assert.Equal(2, r.DegreesOfFreedom);
        Assert.Equal(6, r.N);
        Assert.Equal(3, r.K);
        Close(2.0, r.AverageRanks[0], 1e-9);
        Close(1.1666667, r.AverageRanks[1], 1e-4);
        Close(2.8333333, r.AverageRanks[2], 1e-4);
        // F = (N − 1)χ²/(N(k − 1) − χ²) = 5·8.3333/(12 − 8.3333) = 11.3636; df (2, 10).
        Close(11.363636363636342, r.ImanDavenportF, 1e-9);
        Assert.Equal(2, r.ImanDavenportDf1);
        Assert.Equal(10, r.ImanDavenportDf2);
        Close(0.0026634890885112545, r.ImanDavenportPValue, 1e-9);
    }

    [Fact]
    public void FriedmanTieCorrection()
    {
        // Row 5 = [0.71, 0.66, 0.71] has one tie group t = 2: C = 1 − (8 − 2)/(6·3·8) = 1 − 6/144.
        double[][] m = Matrix();
        m[4] = new[] { 0.71, 0.66, 0.71 };
        FriedmanResult r = FriedmanTest.Compute(m);
        Close(1.9167, r.AverageRanks[0], 1e-4);
        Close(1.1667, r.AverageRanks[1], 1e-4);
        Close(2.9167, r.AverageRanks[2], 1e-4);
        Close(9.652173913043478, r.ChiSquare, 1e-9);
        Close(0.0080178, r.PValue, 1e-7);
    }

    [Fact]
    public void FriedmanGuardsAndDegenerateCases()
    {
        Assert.Throws<ArgumentException>(() => FriedmanTest.Compute(new[] { new[] { 1.0, 2.0 } }));
        Assert.Throws<ArgumentException>(() => FriedmanTest.Compute(new[] { new[] { 1.0 }, new[] { 2.0 } }));
        Assert.Throws<ArgumentException>(() => FriedmanTest.Compute(new[] { new[] { 1.0, double.NaN }, new[] { 2.0, 1 } }));

        // All blocks entirely tied: C = 0 → documented χ² = 0, p = 1.
        FriedmanResult tied = FriedmanTest.Compute(new[] { new[] { 1.0, 1, 1 }, new[] { 2.0, 2, 2 } });
        Assert.Equal(0, tied.ChiSquare);
        Assert.Equal(1, tied.PValue);
        Assert.Equal(1, tied.ImanDavenportPValue);

        // Perfect agreement over 4 blocks, k = 3: χ² = N(k − 1) = 8, p = e^{−4}; F = +∞, p = 0.
        FriedmanResult perfect = FriedmanTest.Compute(new[]
        {
            new[] { 1.0, 2, 3 }, new[] { 1.0, 5, 9 }, new[] { 0.1, 0.2, 0.3 }, new[] { 4.0, 5, 6 },
        });
        Close(8, perfect.ChiSquare, 1e-12);
        Close(Math.Exp(-4), perfect.PValue, 1e-12);
        Assert.True(double.IsPositiveInfinity(perfect.ImanDavenportF));
        Assert.Equal(0, perfect.ImanDavenportPValue);
    }

    [Fact]
    public void NemenyiCriticalDifference()
    {
        // 2.569·√(4·5/(6·14)) = 2.569·√(20/84).
        Close(1.2535436437023908, NemenyiTest.CriticalDifference(2.569, 4, 14), 1e-12);
        Close(1.2535436437023908, NemenyiTest.CriticalDifference(4, 14), 1e-12);
        Assert.Equal(1.960, NemenyiTest.CriticalValue(2));
        Assert.Equal(3.164, NemenyiTest.CriticalValue(10));
        Assert.Equal(2.291, NemenyiTest.CriticalValue(4, 0.10));
        Assert.Throws<ArgumentOutOfRangeException>(() => NemenyiTest.CriticalValue(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => NemenyiTest.CriticalValue(3, 0.01));
    }
}
