using System.Globalization;
using SynapticPruning.Study.Statistics;

namespace Samples.Study;

/// <summary>
/// What a grid of blocks can prove at best: the smallest p-value the pairwise tests of <see cref="StudyAnalysis"/> can
/// reach with a given number of blocks, before any trial runs (docs/study.md, "Can the grid support claims?").
/// </summary>
/// <remarks>
/// <para>Each pair of arms is compared by a two-sided Wilcoxon signed-rank test over the n blocks. Its most extreme
/// outcome is n untied differences of one sign, whose exact probability is 2·2⁻ⁿ = 2/2ⁿ (n ≤
/// <see cref="WilcoxonSignedRankTest.MaxExactN"/>; beyond that the test uses the normal approximation and so does this
/// floor: 2·(1 − Φ(√(3n(n + 1)/(2(2n + 1)))), about 1.8·10⁻¹⁷ at n = 96). Holm's step-down adjustment multiplies the smallest of m p-values by m, so no Holm-adjusted p can fall below
/// min(1, m·2/2ⁿ). With k = 6 arms (m = 15 pairs) and α = 0.05 that needs 2ⁿ &gt; 600: n = 9 gives 0.0586, n = 10 gives
/// 0.0293 — at least 10 blocks per dataset.</para>
/// <para>These floors are properties of the design (block count and arm count) only; reaching one requires every block to
/// favour the same arm.</para>
/// </remarks>
public static class StudyDesign
{
    /// <summary>The significance level of the study's tests (the default of <see cref="RegularizerComparisonOptions.Alpha"/>).</summary>
    public const double Alpha = 0.05;

    /// <summary>Number of pairwise comparisons among <paramref name="arms"/> arms: k(k − 1)/2.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="arms"/> is negative.</exception>
    public static int PairCount(int arms)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(arms);
        return arms * (arms - 1) / 2;
    }

    /// <summary>
    /// The smallest two-sided Wilcoxon signed-rank p over <paramref name="blocks"/> paired blocks: every difference of
    /// one sign and no ties, 2/2ⁿ with the exact test (n ≤ 50), 1 for n = 0. Computed by the same test the study runs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blocks"/> is negative.</exception>
    public static double SmallestWilcoxonP(int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        var extreme = new double[blocks];
        for (int i = 0; i < blocks; i++) extreme[i] = i + 1;
        return WilcoxonSignedRankTest.Compute(extreme).PValue;
    }

    /// <summary>The smallest Holm-adjusted p over <paramref name="pairs"/> pairwise tests with <paramref name="blocks"/>
    /// blocks each: min(1, m · <see cref="SmallestWilcoxonP"/>(n)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pairs"/> is below 1, or <paramref name="blocks"/> is out of range.</exception>
    public static double SmallestHolmP(int blocks, int pairs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        return Math.Min(1, pairs * SmallestWilcoxonP(blocks));
    }

    /// <summary>Whether some Holm-adjusted pairwise p can fall below <paramref name="alpha"/> with <paramref name="blocks"/>
    /// blocks and <paramref name="pairs"/> pairs (strictly below, as the study rejects at p &lt; α).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not in (0, 1), or a count is out of range.</exception>
    public static bool CanReach(int blocks, int pairs, double alpha = Alpha)
    {
        CheckAlpha(alpha);
        return SmallestHolmP(blocks, pairs) < alpha;
    }

    /// <summary>
    /// The fewest blocks for which the smallest Holm-adjusted p over <paramref name="pairs"/> pairs falls below
    /// <paramref name="alpha"/>: 10 for 15 pairs at α = 0.05 (15·2/2⁹ = 0.0586, 15·2/2¹⁰ = 0.0293); 6 for a single pair
    /// (2/2⁵ = 0.0625, 2/2⁶ = 0.03125).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pairs"/> is below 1, <paramref name="alpha"/> is not in
    /// (0, 1), or no design of at most <see cref="WilcoxonSignedRankTest.MaxExactN"/> blocks reaches it.</exception>
    public static int BlocksNeeded(int pairs, double alpha = Alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        CheckAlpha(alpha);
        for (int n = 1; n <= WilcoxonSignedRankTest.MaxExactN; n++)
            if (SmallestHolmP(n, pairs) < alpha) return n;
        throw new ArgumentOutOfRangeException(nameof(alpha), alpha,
            string.Create(CultureInfo.InvariantCulture, $"With {pairs} pairs no design of at most {WilcoxonSignedRankTest.MaxExactN} blocks reaches a Holm-adjusted p below {alpha}."));
    }

    /// <summary>
    /// The design of a plan, per dataset and (with several datasets) overall: the blocks its arm trials form (distinct
    /// model × lookback × horizon × backtest fold per dataset), the arms and pairs, and the smallest reachable p.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    public static IReadOnlyList<StudyDesignLine> Of(StudyPlan plan, double alpha = Alpha)
    {
        ArgumentNullException.ThrowIfNull(plan);
        CheckAlpha(alpha);
        var armTrials = plan.Trials.Where(t => !t.IsBaseline).ToList();
        int arms = armTrials.Select(t => t.Method).Distinct().Count();
        var lines = new List<StudyDesignLine>();
        foreach (var g in armTrials.GroupBy(t => t.Dataset))
            lines.Add(Line(g.Key, g.Select(t => t.BlockId).Distinct().Count(), arms, alpha));
        if (lines.Count > 1)
            lines.Add(Line(StudyAnalysis.Overall, lines.Sum(l => l.Blocks), arms, alpha));
        return lines;
    }

    /// <summary>The design line of one scope with <paramref name="blocks"/> blocks and <paramref name="arms"/> arms.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range or <paramref name="alpha"/> is not in (0, 1).</exception>
    public static StudyDesignLine Line(string scope, int blocks, int arms, double alpha = Alpha)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        CheckAlpha(alpha);
        int pairs = PairCount(arms);
        double wilcoxon = SmallestWilcoxonP(blocks);
        double holm = pairs > 0 ? SmallestHolmP(blocks, pairs) : double.NaN;
        int needed = pairs > 0 ? BlocksNeeded(pairs, alpha) : 0;
        return new StudyDesignLine(scope, blocks, arms, pairs, wilcoxon, holm, needed, alpha);
    }

    /// <summary>The design lines as a Markdown section (heading, table, and a plain sentence for every scope that cannot
    /// reach significance), as written under the running-time estimate.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="lines"/> is null.</exception>
    public static string ToMarkdown(IReadOnlyList<StudyDesignLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var c = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("## Can this grid support claims?").AppendLine();
        sb.AppendLine("Blocks = dataset × model × lookback × horizon × backtest fold (seeds are averaged within a block). Smallest reachable p of the two-sided Wilcoxon test (exact up to 50 blocks: 2/2ⁿ; normal approximation beyond) and after Holm's adjustment over the m pairs of arms (m times that).").AppendLine();
        sb.AppendLine("| scope | blocks n | arms k | pairs m | smallest Wilcoxon p | smallest Holm p | blocks needed | can reach significance |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var l in lines)
            sb.AppendLine(string.Format(c, "| {0} | {1} | {2} | {3} | {4:G3} | {5} | {6} | {7} |", l.Scope == StudyAnalysis.Overall ? "all datasets" : l.Scope,
                l.Blocks, l.Arms, l.Pairs, l.SmallestWilcoxonP, double.IsNaN(l.SmallestHolmP) ? "—" : l.SmallestHolmP.ToString("G3", c),
                l.Pairs > 0 ? l.BlocksNeeded.ToString(c) : "—", l.CanReachSignificance ? "yes" : "**no**"));
        foreach (var l in lines.Where(l => !l.CanReachSignificance))
            sb.AppendLine().Append("- ").AppendLine(l.Describe());
        return sb.ToString();
    }

    private static void CheckAlpha(double alpha)
    {
        if (double.IsNaN(alpha) || alpha <= 0 || alpha >= 1)
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The significance level must be in (0, 1), e.g. 0.05.");
    }
}

/// <summary>What one scope of a grid can reach (see <see cref="StudyDesign"/>).</summary>
/// <param name="Scope">Dataset name or <see cref="StudyAnalysis.Overall"/>.</param>
/// <param name="Blocks">Blocks n (dataset × model × lookback × horizon × backtest fold with every arm).</param>
/// <param name="Arms">Ranked arms k.</param>
/// <param name="Pairs">Pairwise tests m = k(k − 1)/2.</param>
/// <param name="SmallestWilcoxonP">Smallest two-sided Wilcoxon p (2/2ⁿ exact).</param>
/// <param name="SmallestHolmP">Smallest Holm-adjusted p, min(1, m·2/2ⁿ); NaN with fewer than 2 arms.</param>
/// <param name="BlocksNeeded">Fewest blocks for which <paramref name="SmallestHolmP"/> falls below <paramref name="Alpha"/> (0 with fewer than 2 arms).</param>
/// <param name="Alpha">The significance level.</param>
public sealed record StudyDesignLine(string Scope, int Blocks, int Arms, int Pairs, double SmallestWilcoxonP, double SmallestHolmP, int BlocksNeeded, double Alpha)
{
    /// <summary>Whether a pairwise Holm-adjusted p can fall below <see cref="Alpha"/> at all.</summary>
    public bool CanReachSignificance => Pairs > 0 && SmallestHolmP < Alpha;

    /// <summary>A plain sentence: the blocks, the smallest reachable Holm p and whether significance is reachable.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        string where = Scope == StudyAnalysis.Overall ? "Over all datasets" : $"On {Scope}";
        if (Pairs == 0)
            return string.Format(c, "{0}: {1} block(s) and {2} arm: there is no pair to test.", where, Blocks, Arms);
        string floor = string.Format(c, "{0}: {1} block(s), {2} arms, {3} pairs; smallest reachable Wilcoxon p {4:G3}, smallest reachable Holm-adjusted p {5:G3}",
            where, Blocks, Arms, Pairs, SmallestWilcoxonP, SmallestHolmP);
        return CanReachSignificance
            ? string.Format(c, "{0} (< {1}; {2} blocks are needed).", floor, Alpha, BlocksNeeded)
            : string.Format(c, "{0}. **This grid cannot reach significance**: no pairwise difference can have a Holm-adjusted p below {1}, whatever the results; at least {2} blocks are needed.",
                floor, Alpha, BlocksNeeded);
    }
}
