using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models.Layers;

/// <summary>
/// Per-window, per-channel normalisation of a (batch, time, channels) tensor, undone at the model output
/// (<see cref="InstanceNormalization"/>). <see cref="InstanceNormalization.Window"/> is RevIN without affine parameters
/// (Kim et al. 2022, as used by PatchTST): subtract the window mean and divide by
/// <c>sqrt(var + eps)</c> (biased variance). <see cref="InstanceNormalization.WindowLast"/> subtracts the window's last
/// value instead of the mean and divides by the same scale. The statistics are detached, as in PatchTST's RevIN.
/// </summary>
internal readonly struct WindowNormalizer
{
    /// <summary>RevIN's epsilon, added to the variance before the square root.</summary>
    public const double Epsilon = 1e-5;

    private WindowNormalizer(Tensor? location, Tensor? scale)
    {
        Location = location;
        Scale = scale;
    }

    /// <summary>The subtracted value, shape (batch, 1, channels); null when the mode is <see cref="InstanceNormalization.None"/>.</summary>
    public Tensor? Location { get; }

    /// <summary>The divisor, shape (batch, 1, channels); null when the mode is <see cref="InstanceNormalization.None"/>.</summary>
    public Tensor? Scale { get; }

    /// <summary>
    /// Computes the statistics of <paramref name="x"/> (batch, time, channels) over the time axis and returns the
    /// normalised tensor together with the normaliser that undoes it.
    /// </summary>
    public static (Tensor Normalized, WindowNormalizer Normalizer) Normalize(Tensor x, InstanceNormalization mode)
    {
        if (mode == InstanceNormalization.None) return (x, default);
        Tensor location, scale;
        using (torch.no_grad())
        {
            scale = x.var(1, unbiased: false, keepdim: true).add_(Epsilon).sqrt_();
            location = mode == InstanceNormalization.Window
                ? x.mean(new long[] { 1 }, keepdim: true)
                : x.narrow(1, x.shape[1] - 1, 1).clone();
        }
        return ((x - location) / scale, new WindowNormalizer(location, scale));
    }

    /// <summary>Maps <paramref name="y"/> (batch, horizon, channels) back to the input's scale.</summary>
    public Tensor Denormalize(Tensor y) => Location is null || Scale is null ? y : y * Scale + Location;
}
