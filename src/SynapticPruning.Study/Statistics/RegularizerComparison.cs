using System.Globalization;

namespace SynapticPruning.Study.Statistics;

/// <summary>
/// One entry point for comparing regularization arms over blocks: Friedman + Iman–Davenport, average ranks, the
/// Nemenyi critical difference, all pairwise Wilcoxon signed-rank tests with Holm-adjusted p-values, optional
/// percent-change summaries against a reference arm, and a verdict generated from fixed rules.
/// </summary>
/// <remarks>
/// <para>Input: (block id, treatment, value) rows, lower = better, exactly one value per block and treatment (e.g. the
/// seed-mean MAE of each cell). Treatments and blocks keep their order of first appearance. Only the ranked arms
/// belong in the table; baselines are reported beside them.</para>
/// <para>Verdict rules, applied in this order (α = <see cref="RegularizerComparisonOptions.Alpha"/>):</para>
/// <list type="number">
/// <item>Design line: N blocks, k treatments, and the smallest p the design can reach — Wilcoxon 2/2ᴺ (exact) and
/// Friedman P(χ²(k − 1) &gt; N(k − 1)). If m·p_min ≥ α for the m = k(k − 1)/2 pairs, no Holm-adjusted pair can be
/// significant and the verdict says so.</item>
/// <item>Omnibus line: "ranks differ" if the Friedman p &lt; α, otherwise "no evidence that the ranks differ"; the
/// Iman–Davenport F and p are printed beside it.</item>
/// <item>Ranking line: treatments sorted by average rank (1 = best).</item>
/// <item>Nemenyi line: CD and the pairs with |ΔR̄| ≥ CD (or that k/α are outside the table).</item>
/// <item>One line per pair: "significantly different" if the Holm-adjusted Wilcoxon p &lt; α, else "not significantly
/// different"; the direction is the arm with the lower average rank, stated only when the median of the per-block
/// differences does not point the other way (otherwise "direction unclear"). A significant pair reads "X better";
/// a non-significant one only "observed direction favours X".</item>
/// <item>With a reference arm: its percent change against each other arm (median, mean with t-interval, "up to" max).</item>
/// </list>
/// </remarks>
public static class RegularizerComparison
{
    /// <summary>Runs the full comparison.</summary>
    /// <param name="table">The (block, treatment, value) rows.</param>
    /// <param name="options">Options; null for defaults.</param>
    /// <exception cref="ArgumentException">Duplicate cells, missing cells (unless dropped), NaN values, fewer than 2 blocks or treatments, or an unknown reference arm.</exception>
    public static RegularizerComparisonResult Compare(IEnumerable<ComparisonObservation> table, RegularizerComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new RegularizerComparisonOptions();
        double alpha = options.Alpha;
        if (double.IsNaN(alpha) || alpha <= 0 || alpha >= 1)
            throw new ArgumentOutOfRangeException(nameof(options), alpha, "RegularizerComparisonOptions.Alpha must be in (0, 1), e.g. 0.05.");

        var treatments = new List<string>();
        var blockOrder = new List<string>();
        var cells = new Dictionary<(string Block, string Treatment), double>();
        foreach (ComparisonObservation row in table)
        {
            if (row is null || row.BlockId is null || row.Treatment is null)
                throw new ArgumentException("Every row needs a block id and a treatment name.", nameof(table));
            if (double.IsNaN(row.Value))
                throw new ArgumentException($"The value of treatment '{row.Treatment}' in block '{row.BlockId}' is NaN.", nameof(table));
            if (!cells.TryAdd((row.BlockId, row.Treatment), row.Value))
                throw new ArgumentException($"Block '{row.BlockId}' has more than one value for treatment '{row.Treatment}'; aggregate seeds into one cell value first.", nameof(table));
            if (!treatments.Contains(row.Treatment)) treatments.Add(row.Treatment);
            if (!blockOrder.Contains(row.BlockId)) blockOrder.Add(row.BlockId);
        }

        var blocks = new List<string>();
        var dropped = new List<string>();
        foreach (string block in blockOrder)
        {
            string? missing = treatments.FirstOrDefault(t => !cells.ContainsKey((block, t)));
            if (missing is null) { blocks.Add(block); continue; }
            if (!options.DropIncompleteBlocks)
                throw new ArgumentException($"Block '{block}' has no value for treatment '{missing}'; supply it or set DropIncompleteBlocks = true.", nameof(table));
            dropped.Add(block);
        }
        int k = treatments.Count, n = blocks.Count;
        if (k < 2) throw new ArgumentException($"At least 2 treatments are required; got {k}.", nameof(table));
        if (n < 2) throw new ArgumentException($"At least 2 complete blocks are required; got {n}.", nameof(table));
        if (options.ReferenceTreatment is not null && !treatments.Contains(options.ReferenceTreatment))
            throw new ArgumentException($"ReferenceTreatment '{options.ReferenceTreatment}' is not one of the treatments ({string.Join(", ", treatments)}).", nameof(options));

        var matrix = new double[n][];
        for (int i = 0; i < n; i++)
        {
            matrix[i] = new double[k];
            for (int j = 0; j < k; j++) matrix[i][j] = cells[(blocks[i], treatments[j])];
        }
        double[] Column(int j) => matrix.Select(r => r[j]).ToArray();

        FriedmanResult friedman = FriedmanTest.Compute(matrix);
        bool tabulated = NemenyiTest.IsTabulated(k, alpha);
        double q = tabulated ? NemenyiTest.CriticalValue(k, alpha) : double.NaN;
        double cd = tabulated ? NemenyiTest.CriticalDifference(q, k, n) : double.NaN;

        var pairIndices = new List<(int A, int B)>();
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++)
                pairIndices.Add((a, b));
        var tests = new WilcoxonResult[pairIndices.Count];
        var medians = new double[pairIndices.Count];
        for (int p = 0; p < pairIndices.Count; p++)
        {
            double[] colA = Column(pairIndices[p].A), colB = Column(pairIndices[p].B);
            tests[p] = WilcoxonSignedRankTest.Compute(colA, colB, options.ContinuityCorrection);
            medians[p] = DescriptiveStatistics.Median(colA.Zip(colB, (x, y) => x - y).ToArray());
        }
        double[] holm = HolmCorrection.Adjust(tests.Select(t => t.PValue).ToArray());

        var pairs = new List<PairwiseComparison>();
        for (int p = 0; p < pairIndices.Count; p++)
        {
            (int a, int b) = pairIndices[p];
            double ra = friedman.AverageRanks[a], rb = friedman.AverageRanks[b];
            string? better = null;
            if (ra < rb && medians[p] <= 0) better = treatments[a];
            else if (rb < ra && medians[p] >= 0) better = treatments[b];
            bool exceeds = tabulated && Math.Abs(ra - rb) >= cd;
            pairs.Add(new PairwiseComparison(treatments[a], treatments[b], tests[p], holm[p], holm[p] < alpha, ra, rb, medians[p], exceeds, better));
        }

        var percent = new Dictionary<string, PercentChangeSummary>();
        if (options.ReferenceTreatment is { } reference)
        {
            double[] refColumn = Column(treatments.IndexOf(reference));
            for (int j = 0; j < k; j++)
                if (treatments[j] != reference)
                    percent[treatments[j]] = PercentChangeSummary.Compute(refColumn, Column(j));
        }

        // Design floor: N distinct same-sign differences.
        double[] extreme = Enumerable.Range(1, n).Select(i => (double)i).ToArray();
        double smallestWilcoxon = WilcoxonSignedRankTest.Compute(extreme, options.ContinuityCorrection).PValue;
        double smallestFriedman = ChiSquareDistribution.Survival((double)n * (k - 1), k - 1);

        var verdict = BuildVerdict(treatments, n, k, alpha, friedman, q, cd, pairs, percent, options.ReferenceTreatment,
            smallestWilcoxon, smallestFriedman, dropped);
        return new RegularizerComparisonResult(treatments, blocks, dropped, alpha, friedman, q, cd, pairs, percent,
            options.ReferenceTreatment, smallestWilcoxon, smallestFriedman, verdict);
    }

    private static List<string> BuildVerdict(
        List<string> treatments, int n, int k, double alpha, FriedmanResult friedman, double q, double cd,
        List<PairwiseComparison> pairs, Dictionary<string, PercentChangeSummary> percent, string? reference,
        double smallestWilcoxon, double smallestFriedman, List<string> dropped)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        int m = pairs.Count;
        string method = n <= WilcoxonSignedRankTest.MaxExactN ? $"exact, 2/2^{n}" : "normal approximation";
        lines.Add(string.Format(c,
            "Design: N = {0} blocks, k = {1} treatments ({2}); lower is better. Smallest achievable p: Wilcoxon {3:G4} ({4}), Friedman {5:G4}.",
            n, k, string.Join(", ", treatments), smallestWilcoxon, method, smallestFriedman));
        if (dropped.Count > 0)
            lines.Add($"Dropped {dropped.Count} incomplete block(s): {string.Join(", ", dropped)}.");
        if (m * smallestWilcoxon >= alpha)
            lines.Add(string.Format(c,
                "With N = {0} blocks and m = {1} pairs, no Holm-adjusted Wilcoxon p can fall below {2} (m × {3:G4} = {4:G4}): more blocks are needed for pairwise claims.",
                n, m, alpha, smallestWilcoxon, m * smallestWilcoxon));

        string omnibus = friedman.PValue < alpha
            ? $"the treatments' ranks differ (p < {alpha.ToString(c)})"
            : $"no evidence that the treatments' ranks differ (p >= {alpha.ToString(c)})";
        lines.Add(string.Format(c,
            "Friedman: chi2({0}) = {1:0.####}, p = {2:G4}; Iman-Davenport F({3}, {4}) = {5:0.####}, p = {6:G4} -> {7}.",
            friedman.DegreesOfFreedom, friedman.ChiSquare, friedman.PValue, friedman.ImanDavenportDf1,
            friedman.ImanDavenportDf2, friedman.ImanDavenportF, friedman.ImanDavenportPValue, omnibus));

        var ranked = Enumerable.Range(0, k).OrderBy(j => friedman.AverageRanks[j]).ThenBy(j => j)
            .Select(j => string.Format(c, "{0} {1:0.###}", treatments[j], friedman.AverageRanks[j]));
        lines.Add("Average ranks (1 = best): " + string.Join(", ", ranked) + ".");

        if (double.IsNaN(cd))
            lines.Add(string.Format(c, "Nemenyi: no tabulated q for k = {0} at alpha = {1}; critical difference not reported.", k, alpha));
        else
        {
            var beyond = pairs.Where(p => p.ExceedsCriticalDifference).Select(p => $"{p.TreatmentA}-{p.TreatmentB}").ToList();
            lines.Add(string.Format(c, "Nemenyi: CD = {0:0.###} (q = {1}, alpha = {2}); pairs with rank difference >= CD: {3}.",
                cd, q, alpha, beyond.Count == 0 ? "none" : string.Join(", ", beyond)));
        }

        foreach (PairwiseComparison p in pairs)
        {
            string direction = p.Better is not null
                ? (p.Significant ? $"{p.Better} better" : $"observed direction favours {p.Better}")
                : p.AverageRankA == p.AverageRankB ? "equal average ranks" : "direction unclear (average rank and median difference disagree)";
            string status = p.Significant
                ? string.Format(c, "significantly different (Holm-adjusted Wilcoxon p = {0:G4} < {1})", p.HolmAdjustedPValue, alpha)
                : string.Format(c, "not significantly different (Holm-adjusted Wilcoxon p = {0:G4} >= {1})", p.HolmAdjustedPValue, alpha);
            lines.Add(string.Format(c,
                "{0} vs {1}: {2}; {3} (average ranks {4:0.###} vs {5:0.###}, median difference {0} - {1} = {6:G4}, {7}, n = {8}).",
                p.TreatmentA, p.TreatmentB, status, direction, p.AverageRankA, p.AverageRankB, p.MedianDifference,
                p.Wilcoxon.Method, p.Wilcoxon.N));
        }

        if (reference is not null)
            foreach (KeyValuePair<string, PercentChangeSummary> entry in percent)
                lines.Add($"{reference} vs {entry.Key}, % change 100*(other - {reference})/other: {entry.Value}.");
        return lines;
    }
}
