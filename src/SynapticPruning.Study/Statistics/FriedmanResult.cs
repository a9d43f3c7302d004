namespace SynapticPruning.Study.Statistics;

/// <summary>The result of <see cref="FriedmanTest.Compute"/>; see there for the formulas.</summary>
/// <param name="ChiSquare">Friedman's χ²_F with the tie correction.</param>
/// <param name="DegreesOfFreedom">k − 1.</param>
/// <param name="PValue">P(χ²(k − 1) &gt; χ²_F).</param>
/// <param name="AverageRanks">R̄ⱼ per treatment (1 = best = lowest value), in column order.</param>
/// <param name="N">Number of blocks.</param>
/// <param name="K">Number of treatments.</param>
/// <param name="ImanDavenportF">F_F = (N − 1)χ²_F / (N(k − 1) − χ²_F); +∞ when the denominator is 0.</param>
/// <param name="ImanDavenportDf1">k − 1.</param>
/// <param name="ImanDavenportDf2">(k − 1)(N − 1).</param>
/// <param name="ImanDavenportPValue">P(F(k − 1, (k − 1)(N − 1)) &gt; F_F).</param>
public sealed record FriedmanResult(
    double ChiSquare,
    int DegreesOfFreedom,
    double PValue,
    IReadOnlyList<double> AverageRanks,
    int N,
    int K,
    double ImanDavenportF,
    int ImanDavenportDf1,
    int ImanDavenportDf2,
    double ImanDavenportPValue);
