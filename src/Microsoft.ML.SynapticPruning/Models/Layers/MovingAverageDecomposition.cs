using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models.Layers;

/// <summary>
/// Series decomposition of DLinear/Autoformer: the trend is a centred moving average of odd length
/// <see cref="Kernel"/> over the time axis, computed after replicating the first and last values (k − 1)/2 times at
/// either end (so the output keeps the input length); the remainder is the input minus the trend.
/// Has no parameters.
/// </summary>
internal sealed class MovingAverageDecomposition : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the decomposition with an odd moving-average <paramref name="kernel"/> ≥ 1.</summary>
    public MovingAverageDecomposition(int kernel, string name = "decomposition") : base(name)
    {
        if (kernel < 1 || kernel % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "The moving-average kernel must be an odd number ≥ 1 (for example 25).");
        Kernel = kernel;
    }

    /// <summary>The moving-average length.</summary>
    public int Kernel { get; }

    /// <summary>Splits <paramref name="x"/> (batch, time, channels) into (trend, remainder), both shaped like the input.</summary>
    public (Tensor Trend, Tensor Remainder) Decompose(Tensor x)
    {
        int half = (Kernel - 1) / 2;
        using var channelsFirst = x.permute(0, 2, 1);                                 // (B, C, L)
        using var padded = half == 0 ? channelsFirst.alias()
            : nn.functional.pad(channelsFirst, new long[] { half, half }, PaddingModes.Replicate);
        using var averaged = nn.functional.avg_pool1d(padded, Kernel, 1);
        var trend = averaged.permute(0, 2, 1);
        return (trend, x - trend);
    }

    /// <summary>Returns the trend.</summary>
    public override Tensor forward(Tensor x) => Decompose(x).Trend;
}
