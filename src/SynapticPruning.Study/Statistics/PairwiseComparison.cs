namespace SynapticPruning.Study.Statistics;

/// <summary>
/// One pair of treatments in a <see cref="RegularizerComparisonResult"/>: Wilcoxon signed-rank test on the per-block
/// differences dᵢ = Aᵢ − Bᵢ, its Holm-adjusted p-value over all k(k − 1)/2 pairs, and the direction.
/// </summary>
/// <param name="TreatmentA">First treatment (earlier in the table's treatment order).</param>
/// <param name="TreatmentB">Second treatment.</param>
/// <param name="Wilcoxon">The test on dᵢ = Aᵢ − Bᵢ (negative dᵢ: A had the lower value).</param>
/// <param name="HolmAdjustedPValue">Holm-adjusted two-sided p-value.</param>
/// <param name="Significant">HolmAdjustedPValue &lt; α.</param>
/// <param name="AverageRankA">Friedman average rank of A (1 = best).</param>
/// <param name="AverageRankB">Friedman average rank of B.</param>
/// <param name="MedianDifference">Median of Aᵢ − Bᵢ.</param>
/// <param name="ExceedsCriticalDifference">|R̄_A − R̄_B| ≥ Nemenyi CD (false when the CD is not tabulated).</param>
/// <param name="Better">
/// The treatment with the lower average rank when the median difference agrees (or is 0); null when the
/// average ranks are equal or when rank and median difference point in opposite directions.
/// </param>
public sealed record PairwiseComparison(
    string TreatmentA,
    string TreatmentB,
    WilcoxonResult Wilcoxon,
    double HolmAdjustedPValue,
    bool Significant,
    double AverageRankA,
    double AverageRankB,
    double MedianDifference,
    bool ExceedsCriticalDifference,
    string? Better);
