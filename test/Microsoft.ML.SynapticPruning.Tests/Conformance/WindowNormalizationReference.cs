using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// The per-window normalisation of <see cref="InstanceNormalization"/> by its definition, over the time axis of a
/// (batch, time, channels) window, per channel: Window (RevIN without affine parameters) subtracts the mean, WindowLast
/// the last value; both divide by sqrt(biased variance + 1e-5). The forecast (batch, horizon, channels) is mapped back
/// with y·scale + location.
/// </summary>
internal readonly struct WindowNormalizationReference
{
    /// <summary>RevIN's epsilon (documented on WindowNormalizer), added to the variance before the square root.</summary>
    public const double Epsilon = 1e-5;

    private WindowNormalizationReference(Tensor? location, Tensor? scale)
    {
        Location = location;
        Scale = scale;
    }

    /// <summary>The subtracted value (batch, 1, channels), or null for <see cref="InstanceNormalization.None"/>.</summary>
    public Tensor? Location { get; }

    /// <summary>The divisor (batch, 1, channels), or null for <see cref="InstanceNormalization.None"/>.</summary>
    public Tensor? Scale { get; }

    /// <summary>Normalises <paramref name="x"/> (batch, time, channels) and returns the statistics that undo it.</summary>
    public static (Tensor Normalized, WindowNormalizationReference Statistics) Normalize(Tensor x, InstanceNormalization mode)
    {
        if (mode == InstanceNormalization.None) return (x, default);
        long time = x.shape[1];
        var mean = x.sum(1, keepdim: true) / time;
        var centred = x - mean;
        var variance = (centred * centred).sum(1, keepdim: true) / time;
        var scale = (variance + Epsilon).sqrt();
        var location = mode == InstanceNormalization.Window ? mean : x.narrow(1, time - 1, 1);
        return ((x - location) / scale, new WindowNormalizationReference(location, scale));
    }

    /// <summary>Undoes the normalisation on a forecast (batch, horizon, channels).</summary>
    public Tensor Denormalize(Tensor y) => Location is null || Scale is null ? y : y * Scale + Location;
}
