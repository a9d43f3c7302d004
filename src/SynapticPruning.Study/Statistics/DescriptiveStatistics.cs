namespace SynapticPruning.Study.Statistics;

/// <summary>Descriptive statistics of a sample x₁ … x_N.</summary>
/// <remarks>
/// Mean x̄ = Σxᵢ/N; sample standard deviation s = √(Σ(xᵢ − x̄)²/(N − 1)) (ddof 1, as numpy's <c>std(ddof=1)</c>);
/// median = middle order statistic, or the mean of the two middle ones for even N; the t-interval of the mean is
/// x̄ ± t_{(1+c)/2, N−1} · s/√N (as scipy's <c>t.interval(c, N−1, loc=x̄, scale=s/√N)</c>).
/// NaN values are rejected with an <see cref="ArgumentException"/>.
/// </remarks>
public static class DescriptiveStatistics
{
    /// <summary>The arithmetic mean Σxᵢ/N (N ≥ 1).</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        Validate(values, 1);
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Length;
    }

    /// <summary>The sample standard deviation with ddof 1, √(Σ(xᵢ − x̄)²/(N − 1)); NaN when N = 1.</summary>
    public static double SampleStandardDeviation(ReadOnlySpan<double> values)
    {
        Validate(values, 1);
        if (values.Length == 1) return double.NaN;
        double mean = Mean(values), ss = 0;
        foreach (double v in values) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (values.Length - 1));
    }

    /// <summary>The median (mean of the two middle order statistics when N is even).</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        Validate(values, 1);
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /// <summary>
    /// The two-sided t-interval of the mean, x̄ ± t_{(1+confidence)/2, N−1}·s/√N. With N = 1 the bounds are NaN.
    /// </summary>
    /// <param name="values">The sample (N ≥ 1, no NaN).</param>
    /// <param name="confidence">Coverage in (0, 1); default 0.95.</param>
    public static ConfidenceInterval MeanConfidenceInterval(ReadOnlySpan<double> values, double confidence = 0.95)
    {
        Validate(values, 1);
        if (double.IsNaN(confidence) || confidence <= 0 || confidence >= 1)
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be in (0, 1), e.g. 0.95.");
        double mean = Mean(values);
        int n = values.Length;
        if (n < 2) return new ConfidenceInterval(mean, double.NaN, double.NaN, n, confidence);
        double halfWidth = StudentTDistribution.TwoSidedCriticalValue(n - 1, confidence)
            * SampleStandardDeviation(values) / Math.Sqrt(n);
        return new ConfidenceInterval(mean, mean - halfWidth, mean + halfWidth, n, confidence);
    }

    private static void Validate(ReadOnlySpan<double> values, int minimum)
    {
        if (values.Length < minimum)
            throw new ArgumentException($"At least {minimum} value(s) are required; got {values.Length}.", nameof(values));
        for (int i = 0; i < values.Length; i++)
            if (double.IsNaN(values[i]))
                throw new ArgumentException($"Value {i} is NaN; remove missing values before computing statistics.", nameof(values));
    }
}
