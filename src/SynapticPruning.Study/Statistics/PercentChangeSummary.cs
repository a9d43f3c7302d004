using System.Globalization;

namespace SynapticPruning.Study.Statistics;

/// <summary>
/// Summary of the per-block headline change of a reference arm (e.g. synaptic pruning) against another arm:
/// cᵢ = 100 · (otherᵢ − referenceᵢ) / otherᵢ, positive when the reference has the lower (better) error.
/// </summary>
/// <remarks>
/// Reports the median, the mean with its t-interval (<see cref="DescriptiveStatistics.MeanConfidenceInterval"/>), and
/// the maximum, which is a maximum over cells and therefore selection-biased: <see cref="ToString"/> labels it
/// "up to".
/// </remarks>
/// <param name="Median">Median of cᵢ (percent).</param>
/// <param name="Mean">Mean of cᵢ (percent).</param>
/// <param name="MeanInterval">t-interval of the mean of cᵢ.</param>
/// <param name="Max">Largest cᵢ (percent).</param>
/// <param name="Min">Smallest cᵢ (percent).</param>
/// <param name="N">Number of blocks.</param>
public sealed record PercentChangeSummary(double Median, double Mean, ConfidenceInterval MeanInterval, double Max, double Min, int N)
{
    /// <summary>
    /// Computes the summary from per-block values of the reference arm and the other arm (same block order).
    /// </summary>
    /// <param name="reference">Reference arm values (e.g. pruned MAE), one per block.</param>
    /// <param name="other">Other arm values, one per block; must be non-zero.</param>
    /// <param name="confidence">Coverage of the mean's t-interval; default 0.95.</param>
    public static PercentChangeSummary Compute(ReadOnlySpan<double> reference, ReadOnlySpan<double> other, double confidence = 0.95)
    {
        if (reference.Length != other.Length)
            throw new ArgumentException($"Need one reference and one other value per block; got {reference.Length} and {other.Length}.", nameof(other));
        if (reference.Length == 0)
            throw new ArgumentException("At least one block is required.", nameof(reference));
        var change = new double[reference.Length];
        for (int i = 0; i < change.Length; i++)
        {
            if (other[i] == 0 || double.IsNaN(other[i]))
                throw new ArgumentException($"The other arm's value in block {i} is {other[i]}; a percent change needs a non-zero base.", nameof(other));
            if (double.IsNaN(reference[i]))
                throw new ArgumentException($"The reference arm's value in block {i} is NaN.", nameof(reference));
            change[i] = 100 * (other[i] - reference[i]) / other[i];
        }
        return new PercentChangeSummary(
            DescriptiveStatistics.Median(change),
            DescriptiveStatistics.Mean(change),
            DescriptiveStatistics.MeanConfidenceInterval(change, confidence),
            change.Max(),
            change.Min(),
            change.Length);
    }

    /// <summary>For example "median 12.3%, mean 10.1% (95% CI [4.2%, 16.0%]), up to 31.0% (max over N = 6 blocks, selection-biased)".</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture,
            "median {0:0.0}%, mean {1:0.0}% ({2:0.#}% CI [{3:0.0}%, {4:0.0}%]), up to {5:0.0}% (max over N = {6} blocks, selection-biased)",
            Median, Mean, MeanInterval.Confidence * 100, MeanInterval.Lower, MeanInterval.Upper, Max, N);
}
