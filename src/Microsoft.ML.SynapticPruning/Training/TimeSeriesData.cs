namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// A time-ordered multichannel series: target channels (forecast) and optional covariate channels (inputs only), all of
/// the same length, channel-major. The arrays are copied; values must be finite (impute or drop missing values first).
/// </summary>
public sealed class TimeSeriesData
{
    private readonly float[][] _targets;
    private readonly float[][] _covariates;
    private readonly string[] _names;
    private readonly bool[]? _imputed;

    /// <summary>Creates and validates a series.</summary>
    /// <param name="targets">Target channels, each of length N (channel-major). At least one.</param>
    /// <param name="covariates">Optional covariate channels, each of length N.</param>
    /// <param name="channelNames">Optional names for messages: targets first, then covariates.</param>
    /// <param name="imputedTargets">Optional per-row flags: true where a target value was imputed (never scored).</param>
    /// <exception cref="ArgumentException">No target channel, empty or ragged channels, non-finite values (naming the
    /// channel and the first bad row), or names/flags of the wrong length.</exception>
    public TimeSeriesData(float[][] targets, float[][]? covariates = null, string[]? channelNames = null, bool[]? imputedTargets = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length == 0)
            throw new ArgumentException("At least one target channel is required.", nameof(targets));
        covariates ??= Array.Empty<float[]>();
        int channels = targets.Length + covariates.Length;
        if (channelNames is not null && channelNames.Length != channels)
            throw new ArgumentException($"{channelNames.Length} channel names were given for {targets.Length} target and {covariates.Length} covariate channels; give {channels} names (targets first) or none.", nameof(channelNames));
        _names = new string[channels];
        for (int c = 0; c < channels; c++)
        {
            _names[c] = channelNames?[c] ?? (c < targets.Length
                ? (targets.Length == 1 ? "target" : $"target{c}")
                : (covariates.Length == 1 ? "covariate" : $"covariate{c - targets.Length}"));
        }

        int length = targets[0]?.Length ?? throw new ArgumentException($"Target channel '{_names[0]}' is null.", nameof(targets));
        if (length == 0)
            throw new ArgumentException($"Channel '{_names[0]}' is empty: the series needs at least Lookback + Horizon rows.", nameof(targets));
        _targets = CopyChannels(targets, 0, length, nameof(targets));
        _covariates = CopyChannels(covariates, targets.Length, length, nameof(covariates));
        if (imputedTargets is not null)
        {
            if (imputedTargets.Length != length)
                throw new ArgumentException($"imputedTargets has {imputedTargets.Length} flags but the series has {length} rows.", nameof(imputedTargets));
            _imputed = (bool[])imputedTargets.Clone();
        }
        Length = length;
    }

    /// <summary>A single-channel series without covariates.</summary>
    public static TimeSeriesData Univariate(float[] values, string name = "target")
    {
        ArgumentNullException.ThrowIfNull(values);
        return new TimeSeriesData(new[] { values }, null, new[] { name });
    }

    /// <summary>Number of rows N.</summary>
    public int Length { get; }

    /// <summary>Number of target channels.</summary>
    public int TargetChannels => _targets.Length;

    /// <summary>Number of covariate channels.</summary>
    public int CovariateChannels => _covariates.Length;

    /// <summary>Targets + covariates: the model's input width.</summary>
    public int InputChannels => _targets.Length + _covariates.Length;

    /// <summary>Channel names, targets first.</summary>
    public IReadOnlyList<string> ChannelNames => _names;

    /// <summary>Target channel <paramref name="channel"/> (read-only view).</summary>
    public ReadOnlySpan<float> Target(int channel) => _targets[channel];

    /// <summary>Covariate channel <paramref name="channel"/> (read-only view).</summary>
    public ReadOnlySpan<float> Covariate(int channel) => _covariates[channel];

    /// <summary>Input channel <paramref name="channel"/> in model order (targets, then covariates).</summary>
    public ReadOnlySpan<float> Channel(int channel)
        => channel < _targets.Length ? _targets[channel] : _covariates[channel - _targets.Length];

    /// <summary>Whether any row has imputed-target flags.</summary>
    public bool HasImputedTargets => _imputed is not null;

    /// <summary>True when the target at <paramref name="row"/> was imputed.</summary>
    public bool IsImputed(int row) => _imputed is not null && _imputed[row];

    /// <summary>True when any target of window <paramref name="window"/> (rows window+L .. window+L+H−1) was imputed.</summary>
    public bool WindowHasImputedTargets(int window, int lookback, int horizon)
    {
        if (_imputed is null) return false;
        int start = window + lookback;
        return Array.IndexOf(_imputed, true, start, horizon) >= 0;
    }

    /// <summary>
    /// Copies the model inputs of the windows that start at rows <paramref name="starts"/> (each <paramref name="lookback"/>
    /// rows × <see cref="InputChannels"/>, targets then covariates, row-major) into <paramref name="destination"/>, the layout
    /// <see cref="TrainedForecaster.PredictBatch"/> takes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A window leaves the series, or the destination has the wrong size.</exception>
    public void CopyWindows(ReadOnlySpan<int> starts, int lookback, Span<float> destination)
    {
        int width = InputChannels, size = lookback * width;
        if (lookback < 1) throw new ArgumentOutOfRangeException(nameof(lookback), lookback, "lookback must be at least 1.");
        if (destination.Length != (long)starts.Length * size)
            throw new ArgumentOutOfRangeException(nameof(destination), $"{starts.Length} windows of {lookback} × {width} need {(long)starts.Length * size} values; the destination holds {destination.Length}.");
        for (int k = 0; k < starts.Length; k++)
        {
            int s = starts[k];
            if (s < 0 || s + lookback > Length)
                throw new ArgumentOutOfRangeException(nameof(starts), $"The window starting at row {s} with lookback {lookback} leaves the series' {Length} rows.");
            var window = destination.Slice(k * size, size);
            for (int c = 0; c < width; c++)
            {
                var channel = Channel(c).Slice(s, lookback);
                for (int r = 0; r < lookback; r++) window[r * width + c] = channel[r];
            }
        }
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) as a new series.</summary>
    public TimeSeriesData Slice(int start, int length)
    {
        if (start < 0 || length < 1 || start + (long)length > Length)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + (long)length}) are outside the series (0..{Length}).");
        return new TimeSeriesData(
            _targets.Select(c => c.AsSpan(start, length).ToArray()).ToArray(),
            _covariates.Select(c => c.AsSpan(start, length).ToArray()).ToArray(),
            _names,
            _imputed?.AsSpan(start, length).ToArray());
    }

    /// <summary>Number of complete (history, future) windows: N − L − H + 1 (may be ≤ 0).</summary>
    public int WindowCount(int lookback, int horizon) => Length - lookback - horizon + 1;

    /// <summary>Throws unless the series holds at least one window.</summary>
    /// <exception cref="ArgumentException">Too few rows; the message says how many are needed.</exception>
    public void EnsureWindows(int lookback, int horizon, string role, int minimumWindows = 1)
    {
        int windows = WindowCount(lookback, horizon);
        if (windows < minimumWindows)
            throw new ArgumentException(
                $"The {role} series has {Length} rows but Lookback ({lookback}) + Horizon ({horizon}) needs at least {lookback + horizon + minimumWindows - 1} rows " +
                $"for {minimumWindows} window(s). Use a longer series or a shorter lookback/horizon.", role);
    }

    private float[][] CopyChannels(float[][] channels, int nameOffset, int length, string paramName)
    {
        var result = new float[channels.Length][];
        for (int c = 0; c < channels.Length; c++)
        {
            string name = _names[nameOffset + c];
            var values = channels[c] ?? throw new ArgumentException($"Channel '{name}' is null.", paramName);
            if (values.Length != length)
                throw new ArgumentException($"Channel '{name}' has {values.Length} rows but channel '{_names[0]}' has {length}; all channels must have the same length.", paramName);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw new ArgumentException(
                        $"Channel '{name}' has a non-finite value ({values[i]}) at row {i}; impute or drop missing values first.", paramName);
            }
            result[c] = (float[])values.Clone();
        }
        return result;
    }
}
