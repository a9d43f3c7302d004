namespace SynapticPruning.Bench;

/// <summary>Medians and distribution-free confidence intervals for interleaved A/B blocks.</summary>
internal static class Stats
{
    /// <summary>Median of <paramref name="values"/>.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /// <summary>
    /// Order-statistic confidence interval of the median: [x(k), x(n−k+1)] with the largest k such that
    /// P(Binomial(n, ½) &lt; k) ≤ (1 − level)/2. Exact coverage ≥ level for any continuous distribution; for n ≤ 5 no
    /// such k exists at 95 % and the full range is returned (coverage 1 − 2/2ⁿ, e.g. 93.8 % at n = 5).
    /// </summary>
    public static (double Low, double High) MedianCi(IReadOnlyList<double> values, double level = 0.95)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        if (n == 0) return (double.NaN, double.NaN);
        double alpha = (1 - level) / 2;
        int k = 1;
        while (k + 1 <= n / 2 && BinomialAtMost(n, k) <= alpha) k++; // k + 1 is valid when P(X ≤ k) ≤ alpha
        return (sorted[k - 1], sorted[n - k]);
    }

    // P(X ≤ k) for X ~ Binomial(n, 1/2).
    private static double BinomialAtMost(int n, int k)
    {
        double sum = 0;
        for (int i = 0; i <= k; i++) sum += Choose(n, i);
        return sum / Math.Pow(2, n);
    }

    private static double Choose(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    /// <summary>Least-squares slope of log(y) against log(x).</summary>
    public static double LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var lx = x.Select(v => Math.Log(v)).ToArray();
        var ly = y.Select(v => Math.Log(v)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < lx.Length; i++) { sxy += (lx[i] - mx) * (ly[i] - my); sxx += (lx[i] - mx) * (lx[i] - mx); }
        return sxy / sxx;
    }
}
