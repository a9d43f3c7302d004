namespace SynapticPruning.Study.Statistics;

/// <summary>
/// Holm's step-down adjustment of m p-values for family-wise error control.
/// </summary>
/// <remarks>
/// Sort p ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎; the adjusted values are
/// p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎), returned in the input order. Reject H₍ᵢ₎ at level α when p̃₍ᵢ₎ &lt; α.
/// Example: [0.01, 0.04, 0.03, 0.005] → [0.03, 0.06, 0.06, 0.02].
/// </remarks>
public static class HolmCorrection
{
    /// <summary>Holm-adjusted p-values in the order of <paramref name="pValues"/>.</summary>
    public static double[] Adjust(ReadOnlySpan<double> pValues)
    {
        int m = pValues.Length;
        for (int i = 0; i < m; i++)
            if (double.IsNaN(pValues[i]) || pValues[i] < 0 || pValues[i] > 1)
                throw new ArgumentOutOfRangeException(nameof(pValues), pValues[i], $"p-value {i} must be in [0, 1].");
        double[] p = pValues.ToArray();
        int[] order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Array.Sort(order, (a, b) => p[a] != p[b] ? p[a].CompareTo(p[b]) : a.CompareTo(b));
        var adjusted = new double[m];
        double running = 0;
        for (int i = 0; i < m; i++)
        {
            running = Math.Max(running, Math.Min(1, (m - i) * p[order[i]]));
            adjusted[order[i]] = running;
        }
        return adjusted;
    }
}
