namespace SynapticPruning.Study.Statistics;

/// <summary>
/// Friedman's rank test for k related treatments measured on N blocks, with the Iman–Davenport F refinement.
/// </summary>
/// <remarks>
/// <para>Within each block the k values are ranked (1 = lowest = best, ties get average ranks), Rⱼ = Σᵢ r_{ij} is the
/// rank sum of treatment j and R̄ⱼ = Rⱼ/N its average rank. Then</para>
/// <para>χ²_F = [12/(N k (k + 1)) · Σⱼ Rⱼ² − 3N(k + 1)] / C, with the tie correction
/// C = 1 − Σ_blocks Σ_tie-groups (t³ − t) / (N k (k² − 1)),</para>
/// <para>compared with χ²(k − 1) (the same statistic as scipy's <c>friedmanchisquare</c>). Iman and Davenport's
/// F_F = (N − 1)χ²_F / (N(k − 1) − χ²_F) is compared with F(k − 1, (k − 1)(N − 1)) (Demšar 2006, eq. 3–4).</para>
/// <para>Degenerate inputs: if every block is entirely tied, C = 0 and the statistic is undefined; this method then
/// reports χ²_F = 0, p = 1 and F_F = 0, p = 1 (no evidence of any difference). When the blocks agree perfectly
/// (χ²_F = N(k − 1)) F_F is +∞ and its p-value 0.</para>
/// </remarks>
public static class FriedmanTest
{
    /// <summary>Runs the test on a blocks × treatments matrix (lower values are better).</summary>
    /// <param name="blocksByTreatments">One row per block, one column per treatment; N ≥ 2 rows, k ≥ 2 columns, no NaN.</param>
    /// <exception cref="ArgumentException">N &lt; 2, k &lt; 2, ragged rows or NaN values.</exception>
    public static FriedmanResult Compute(double[][] blocksByTreatments)
    {
        int k = Ranking.ValidateMatrix(blocksByTreatments, nameof(blocksByTreatments));
        int n = blocksByTreatments.Length;
        if (n < 2)
            throw new ArgumentException($"The Friedman test needs at least 2 blocks (rows); got {n}.", nameof(blocksByTreatments));
        if (k < 2)
            throw new ArgumentException($"The Friedman test needs at least 2 treatments (columns); got {k}.", nameof(blocksByTreatments));

        var rankSums = new double[k];
        double tieSum = 0;
        foreach (double[] row in blocksByTreatments)
        {
            double[] r = Ranking.RankWithinBlock(row);
            for (int j = 0; j < k; j++) rankSums[j] += r[j];
            foreach (int t in Ranking.TieGroupSizes(row)) tieSum += (double)t * t * t - t;
        }

        double sumSquares = 0;
        foreach (double rj in rankSums) sumSquares += rj * rj;
        double correction = 1 - tieSum / ((double)n * k * (k * k - 1));
        double chiSquare = 0;
        if (correction > 1e-12)
        {
            chiSquare = (12.0 / ((double)n * k * (k + 1)) * sumSquares - 3.0 * n * (k + 1)) / correction;
            if (chiSquare < 0) chiSquare = 0; // guards −1e-15 round-off when all rank sums are equal
        }

        int df = k - 1;
        double p = ChiSquareDistribution.Survival(chiSquare, df);
        int df2 = (k - 1) * (n - 1);
        double denominator = (double)n * (k - 1) - chiSquare;
        double f, pF;
        if (chiSquare == 0) { f = 0; pF = 1; }
        else if (denominator <= 1e-12 * n * (k - 1)) { f = double.PositiveInfinity; pF = 0; }
        else { f = (n - 1) * chiSquare / denominator; pF = FDistribution.Survival(f, df, df2); }

        var averageRanks = new double[k];
        for (int j = 0; j < k; j++) averageRanks[j] = rankSums[j] / n;
        return new FriedmanResult(chiSquare, df, p, averageRanks, n, k, f, df, df2, pF);
    }
}
