namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// Per-channel standardisation z = (x − mean)/std in double precision, channels in model order (targets, then
/// covariates). A constant channel (std 0) gets std 1 and is flagged in <see cref="ConstantChannels"/>. Immutable and
/// thread-safe; its state is <see cref="Mean"/>, <see cref="Std"/> and <see cref="ConstantChannels"/>.
/// </summary>
public sealed class ChannelScaler
{
    private readonly double[] _mean;
    private readonly double[] _std;
    private readonly bool[] _constant;

    /// <summary>Recreates a scaler from its state (e.g. after loading).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a value is not finite, or a std is not positive.</exception>
    public ChannelScaler(IReadOnlyList<double> mean, IReadOnlyList<double> std, IReadOnlyList<bool>? constantChannels = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0) throw new ArgumentException("A scaler needs at least one channel.", nameof(mean));
        if (std.Count != mean.Count) throw new ArgumentException($"Std has {std.Count} channels but Mean has {mean.Count}.", nameof(std));
        if (constantChannels is not null && constantChannels.Count != mean.Count)
            throw new ArgumentException($"constantChannels has {constantChannels.Count} flags but Mean has {mean.Count} channels.", nameof(constantChannels));
        _mean = mean.ToArray();
        _std = std.ToArray();
        _constant = constantChannels?.ToArray() ?? new bool[mean.Count];
        for (int c = 0; c < _mean.Length; c++)
        {
            if (!double.IsFinite(_mean[c])) throw new ArgumentException($"Mean of channel {c} is not finite ({_mean[c]}).", nameof(mean));
            if (!(_std[c] > 0) || !double.IsFinite(_std[c])) throw new ArgumentException($"Std of channel {c} must be positive and finite (got {_std[c]}).", nameof(std));
        }
    }

    /// <summary>
    /// Fits mean and (population) std per channel on rows [0, <paramref name="rows"/>) of <paramref name="data"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is not in [1, data.Length].</exception>
    public static ChannelScaler Fit(TimeSeriesData data, int rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 1 || rows > data.Length)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The scaler must be fitted on 1..{data.Length} rows (got {rows}).");
        int channels = data.InputChannels;
        var mean = new double[channels];
        var std = new double[channels];
        var constant = new bool[channels];
        for (int c = 0; c < channels; c++)
        {
            var values = data.Channel(c)[..rows];
            double sum = 0;
            foreach (float v in values) sum += v;
            double m = sum / rows;
            double squares = 0;
            foreach (float v in values)
            {
                double d = v - m;
                squares += d * d;
            }
            double s = Math.Sqrt(squares / rows);
            // Relative tolerance: a constant float series leaves only rounding noise in double.
            if (!(s > 1e-10 * Math.Max(1.0, Math.Abs(m))))
            {
                s = 1;
                constant[c] = true;
            }
            mean[c] = m;
            std[c] = s;
        }
        return new ChannelScaler(mean, std, constant);
    }

    /// <summary>A scaler that leaves values unchanged (mean 0, std 1).</summary>
    public static ChannelScaler Identity(int channels)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "A scaler needs at least one channel.");
        return new ChannelScaler(new double[channels], Enumerable.Repeat(1.0, channels).ToArray());
    }

    /// <summary>Number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>Per-channel mean.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Per-channel std (1 for constant channels).</summary>
    public IReadOnlyList<double> Std => _std;

    /// <summary>True where the fitted std was 0 and 1 was used instead.</summary>
    public IReadOnlyList<bool> ConstantChannels => _constant;

    /// <summary>(value − mean)/std for <paramref name="channel"/>.</summary>
    public float Transform(int channel, float value) => (float)((value - _mean[channel]) / _std[channel]);

    /// <summary>value·std + mean for <paramref name="channel"/>.</summary>
    public float Inverse(int channel, float value) => (float)(value * _std[channel] + _mean[channel]);

    /// <summary>
    /// Scales row-major values whose last dimension has <paramref name="width"/> channels (channels 0..width−1) from
    /// <paramref name="source"/> into <paramref name="destination"/> (may be the same memory).
    /// </summary>
    public void Transform(ReadOnlySpan<float> source, Span<float> destination, int width)
    {
        CheckWidth(width, source.Length, destination.Length);
        for (int i = 0; i < source.Length; i++)
        {
            int c = i % width;
            destination[i] = (float)((source[i] - _mean[c]) / _std[c]);
        }
    }

    /// <summary>Inverse of <see cref="Transform(ReadOnlySpan{float}, Span{float}, int)"/> (channels 0..width−1).</summary>
    public void Inverse(ReadOnlySpan<float> source, Span<float> destination, int width)
    {
        CheckWidth(width, source.Length, destination.Length);
        for (int i = 0; i < source.Length; i++)
        {
            int c = i % width;
            destination[i] = (float)(source[i] * _std[c] + _mean[c]);
        }
    }

    private void CheckWidth(int width, int sourceLength, int destinationLength)
    {
        if (width < 1 || width > _mean.Length)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Width must be in 1..{_mean.Length}.");
        if (sourceLength % width != 0)
            throw new ArgumentException($"The source length {sourceLength} is not a multiple of the width {width}.", nameof(width));
        if (destinationLength < sourceLength)
            throw new ArgumentException($"The destination holds {destinationLength} values; {sourceLength} are needed.");
    }
}
