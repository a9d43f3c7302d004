using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// The deterministic forward of a <see cref="DLinearForecaster"/> by its documented definition, in float64 from the
/// module's named parameters: optional per-window normalisation (default None); per channel, trend[t] = mean of
/// x[clamp(t + j, 0, L − 1)] for j in [−(k − 1)/2, (k − 1)/2] (centred moving average, edge-replicated), remainder = x −
/// trend; forecast = trend·W_trendᵀ + b_trend + remainder·W_remainderᵀ + b_remainder along time (Linear L → H shared by
/// all channels), denormalised.
/// </summary>
internal static class DLinearReference
{
    /// <summary>The reference forecast (batch, H, C), float64, for the float32 input <paramref name="x"/> (batch, L, C).</summary>
    public static Tensor Forward(DLinearForecaster module, Tensor x)
    {
        var spec = module.Spec;
        var tensors = ModuleTensors.Of(module);
        var input = x.to_type(ScalarType.Float64);
        var normalization = spec.Normalization ?? InstanceNormalization.None;
        var (normalized, statistics) = WindowNormalizationReference.Normalize(input, normalization);
        var (trend, remainder) = Decompose(normalized, spec.MovingAverageKernel);
        var trendPart = tensors.Affine("trend_linear", trend.permute(0, 2, 1));           // (B, C, H)
        var remainderPart = tensors.Affine("remainder_linear", remainder.permute(0, 2, 1));
        return statistics.Denormalize((trendPart + remainderPart).permute(0, 2, 1));
    }

    /// <summary>The edge-replicated centred moving average of odd length <paramref name="kernel"/> over time, and the remainder.</summary>
    public static (Tensor Trend, Tensor Remainder) Decompose(Tensor x, int kernel)
    {
        int half = (kernel - 1) / 2;
        long time = x.shape[1];
        var sum = torch.zeros_like(x);
        for (int offset = -half; offset <= half; offset++)
        {
            var source = Enumerable.Range(0, (int)time).Select(t => (long)Math.Clamp(t + offset, 0, time - 1)).ToArray();
            sum = sum + x.index_select(1, torch.tensor(source, dtype: ScalarType.Int64));
        }
        var trend = sum / kernel;
        return (trend, x - trend);
    }
}
