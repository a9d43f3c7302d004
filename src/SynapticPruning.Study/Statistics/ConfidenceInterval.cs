using System.Globalization;

namespace SynapticPruning.Study.Statistics;

/// <summary>
/// A two-sided confidence interval for a mean: [Mean − c·s/√N, Mean + c·s/√N] with s the sample standard deviation
/// (ddof 1) and c the Student t critical value with N − 1 degrees of freedom (see
/// <see cref="DescriptiveStatistics.MeanConfidenceInterval"/>). Lower and Upper are NaN when N &lt; 2.
/// </summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="Lower">Lower bound.</param>
/// <param name="Upper">Upper bound.</param>
/// <param name="N">Number of values.</param>
/// <param name="Confidence">Two-sided coverage, e.g. 0.95.</param>
public sealed record ConfidenceInterval(double Mean, double Lower, double Upper, int N, double Confidence = 0.95)
{
    /// <summary>Half the width of the interval, (Upper − Lower)/2.</summary>
    public double HalfWidth => (Upper - Lower) / 2;

    /// <summary>For example "1.2345 (95% CI [1.1000, 1.3690], N = 6)".</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "{0:G6} ({1:0.#}% CI [{2:G6}, {3:G6}], N = {4})",
            Mean, Confidence * 100, Lower, Upper, N);
}
