namespace SynapticPruning.Study.Statistics;

/// <summary>The result of <see cref="WilcoxonSignedRankTest"/>; see there for the formulas.</summary>
/// <param name="WPlus">Sum of the ranks of |dᵢ| over positive differences.</param>
/// <param name="WMinus">Sum of the ranks of |dᵢ| over negative differences; W⁺ + W⁻ = n(n + 1)/2.</param>
/// <param name="N">Number of pairs after dropping zero differences.</param>
/// <param name="ZerosDropped">Number of zero differences dropped.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Method"><see cref="WilcoxonSignedRankTest.ExactMethod"/> ("exact") or <see cref="WilcoxonSignedRankTest.NormalMethod"/> ("normal").</param>
/// <param name="Z">The normal-approximation z (NaN for the exact method).</param>
/// <param name="SmallestAchievablePValue">
/// The smallest two-sided p this n can give: 2/2ⁿ (capped at 1) for the exact method; for the normal method the
/// p-value the approximation gives when all differences share one sign (with the observed tie structure).
/// </param>
public sealed record WilcoxonResult(
    double WPlus,
    double WMinus,
    int N,
    int ZerosDropped,
    double PValue,
    string Method,
    double Z,
    double SmallestAchievablePValue);
