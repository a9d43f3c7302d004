namespace SynapticPruning.Study.Statistics;

/// <summary>
/// The two-sided Wilcoxon signed-rank test for paired samples (differences dᵢ = xᵢ − yᵢ).
/// </summary>
/// <remarks>
/// <para>Zero differences are dropped (scipy's <c>zero_method='wilcox'</c>); the remaining n values |dᵢ| are ranked
/// (ties get average ranks), W⁺ = Σ_{dᵢ&gt;0} rank(|dᵢ|) and W⁻ = Σ_{dᵢ&lt;0} rank(|dᵢ|).</para>
/// <para><b>Exact</b> (n ≤ 50 and no ties among |dᵢ|): under H₀ every sign pattern has probability 2⁻ⁿ; the counts
/// c(s) of subsets of {1..n} with sum s are built by the recursion c_m(s) = c_{m−1}(s) + c_{m−1}(s − m), and
/// p = min(1, 2 · Σ_{s ≤ min(W⁺, W⁻)} c_n(s) / 2ⁿ).</para>
/// <para><b>Normal</b> (otherwise): μ = n(n + 1)/4, σ² = n(n + 1)(2n + 1)/24 − Σ_tie-groups (t³ − t)/48,
/// z = (W⁺ − μ − cc)/σ with cc = ½·sign(W⁺ − μ) when <c>continuityCorrection</c> is true and 0 otherwise,
/// p = min(1, 2·(1 − Φ(|z|))). The default is <b>no</b> continuity correction, which is scipy's default
/// (<c>scipy.stats.wilcoxon(..., correction=False)</c>).</para>
/// <para>Method choice follows the project's decision: exact whenever n ≤ 50 after dropping zeros and there are no
/// ties. Depending on its version, scipy's <c>method='auto'</c> may instead fall back to the normal approximation when
/// zero differences are present, so p-values can differ from scipy's default in that case only. Ties are exact floating-point equality of
/// |dᵢ| (as in scipy): differences such as 0.71 − 0.66 and 0.90 − 0.85 need not be equal in binary floating point.</para>
/// <para>With n = 0 (all differences zero) the test reports W⁺ = W⁻ = 0, p = 1, method "exact".</para>
/// </remarks>
public static class WilcoxonSignedRankTest
{
    /// <summary>Method label of the exact null distribution.</summary>
    public const string ExactMethod = "exact";

    /// <summary>Method label of the normal approximation.</summary>
    public const string NormalMethod = "normal";

    /// <summary>Largest n (after dropping zeros) for which the exact distribution is used when there are no ties.</summary>
    public const int MaxExactN = 50;

    /// <summary>Runs the test on paired samples, dᵢ = x[i] − y[i].</summary>
    public static WilcoxonResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool continuityCorrection = false)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Paired samples need equal lengths; got {x.Length} and {y.Length}.", nameof(y));
        var d = new double[x.Length];
        for (int i = 0; i < d.Length; i++) d[i] = x[i] - y[i];
        return Compute(d, continuityCorrection);
    }

    /// <summary>Runs the test on the paired differences dᵢ.</summary>
    /// <param name="differences">The differences; NaN is rejected.</param>
    /// <param name="continuityCorrection">Apply the ½ continuity correction in the normal approximation (default false, as scipy).</param>
    public static WilcoxonResult Compute(ReadOnlySpan<double> differences, bool continuityCorrection = false)
    {
        var nonZero = new List<double>(differences.Length);
        for (int i = 0; i < differences.Length; i++)
        {
            double v = differences[i];
            if (double.IsNaN(v))
                throw new ArgumentException($"Difference {i} is NaN; drop incomplete pairs first.", nameof(differences));
            if (v != 0) nonZero.Add(v);
        }
        int n = nonZero.Count, zeros = differences.Length - n;
        if (n == 0) return new WilcoxonResult(0, 0, 0, zeros, 1, ExactMethod, double.NaN, 1);

        var abs = new double[n];
        for (int i = 0; i < n; i++) abs[i] = Math.Abs(nonZero[i]);
        double[] ranks = Ranking.RankWithinBlock(abs);
        double wPlus = 0, wMinus = 0;
        for (int i = 0; i < n; i++)
        {
            if (nonZero[i] > 0) wPlus += ranks[i];
            else wMinus += ranks[i];
        }
        int[] ties = Ranking.TieGroupSizes(abs);

        if (n <= MaxExactN && ties.Length == 0)
        {
            double[] cdf = ExactCumulativeDistribution(n);
            double w = Math.Min(wPlus, wMinus);
            double p = Math.Min(1, 2 * cdf[(int)Math.Round(w)]);
            return new WilcoxonResult(wPlus, wMinus, n, zeros, p, ExactMethod, double.NaN, Math.Min(1, 2 * cdf[0]));
        }

        double mean = n * (n + 1) / 4.0;
        double tieTerm = 0;
        foreach (int t in ties) tieTerm += (double)t * t * t - t;
        double sd = Math.Sqrt(n * (n + 1.0) * (2 * n + 1) / 24.0 - tieTerm / 48.0);
        double z = ZScore(wPlus, mean, sd, continuityCorrection);
        double pNormal = Math.Min(1, 2 * NormalDistribution.Survival(Math.Abs(z)));
        double zMax = ZScore(n * (n + 1) / 2.0, mean, sd, continuityCorrection);
        double smallest = Math.Min(1, 2 * NormalDistribution.Survival(Math.Abs(zMax)));
        return new WilcoxonResult(wPlus, wMinus, n, zeros, pNormal, NormalMethod, z, smallest);
    }

    /// <summary>
    /// P(W⁺ ≤ s) for s = 0 … n(n + 1)/2 under H₀ with n untied non-zero differences (index = s).
    /// </summary>
    public static double[] ExactCumulativeDistribution(int n)
    {
        if (n < 0 || n > 1000) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be in [0, 1000].");
        int max = n * (n + 1) / 2;
        // Counts reach C(n, n/2)-like sizes ≤ 2ⁿ; doubles keep them exact up to n = 53 and accurate beyond.
        var counts = new double[max + 1];
        counts[0] = 1;
        for (int m = 1; m <= n; m++)
        {
            int top = m * (m + 1) / 2;
            for (int s = top; s >= m; s--) counts[s] += counts[s - m];
        }
        double total = Math.Pow(2, n), running = 0;
        var cdf = new double[max + 1];
        for (int s = 0; s <= max; s++)
        {
            running += counts[s];
            cdf[s] = running / total;
        }
        return cdf;
    }

    private static double ZScore(double w, double mean, double sd, bool continuityCorrection)
    {
        double numerator = w - mean;
        if (continuityCorrection) numerator -= 0.5 * Math.Sign(numerator);
        return numerator / sd;
    }
}
