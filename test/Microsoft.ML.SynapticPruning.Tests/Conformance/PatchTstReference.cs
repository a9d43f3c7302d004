using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// The forward of a <see cref="PatchTstForecaster"/> by its documented definition, in float64 from the module's named
/// parameters and buffers (dropout is the identity: inference, or p = 0):
/// <list type="number">
/// <item>RevIN per window and channel (default Window), channel independence: (B, L, C) → B·C univariate series, row b·C + c.</item>
/// <item>End padding with the last value repeated <c>stride</c> times, then patch n = values [n·stride, n·stride + P).</item>
/// <item>Tokens = patch·W_pᵀ + b_p + <c>pos_embedding</c>.</item>
/// <item>Per encoder layer: per kept head slot s, scores_s = (q_s k_sᵀ)/√(d_model/heads) + previous scores of slot s
/// (residual attention; slots the layer does not keep pass through, zero before the first layer), attention =
/// softmax(scores_s)·v_s, heads concatenated through <c>output</c>; then BatchNorm(x + attention), then
/// BatchNorm(x + W₂·GELU(W₁x + b₁) + b₂), BatchNorm over the feature axis (eval: running statistics; training: batch
/// statistics over all rows and tokens, biased variance; eps 1e-5).</item>
/// <item>Flatten head Linear(N·d_model → H) per series, (B, C, H) → (B, H, C), denormalised.</item>
/// </list>
/// </summary>
internal static class PatchTstReference
{
    /// <summary>BatchNorm's epsilon (ContextBatchNorm1d and PyTorch default).</summary>
    public const double BatchNormEpsilon = 1e-5;

    /// <summary>BatchNorm's momentum (ContextBatchNorm1d and PyTorch default): running ← (1 − m)·running + m·batch statistic.</summary>
    public const double BatchNormMomentum = 0.1;

    /// <summary>
    /// The reference forecast (batch, H, C), float64, with the patch length and stride the model resolved from its spec.
    /// <paramref name="batchStatistics"/> = true normalises with the batch statistics (a training pass), false with the
    /// running statistics.
    /// </summary>
    public static Tensor Forward(PatchTstForecaster module, Tensor x, bool batchStatistics)
        => Forward(module.Spec, module.PatchLength, module.Stride, ModuleTensors.Of(module), x, batchStatistics);

    /// <summary>The reference forecast from explicit <paramref name="tensors"/> of a model with <paramref name="spec"/>.</summary>
    public static Tensor Forward(ForecasterSpec spec, int patchLength, int stride, ModuleTensors tensors, Tensor x, bool batchStatistics)
        => Run(spec, patchLength, stride, tensors, x, batchStatistics, null);

    /// <summary>
    /// The running mean and variance of every BatchNorm after one training pass over <paramref name="x"/>, by name
    /// (<c>….running_mean</c>, <c>….running_var</c>): (1 − m)·running + m·batch mean, and likewise with the unbiased
    /// batch variance (PyTorch's definition), <paramref name="tensors"/> holding the values before the pass.
    /// </summary>
    public static Dictionary<string, Tensor> RunningStatisticsAfterTrainingPass(ForecasterSpec spec, int patchLength, int stride, ModuleTensors tensors, Tensor x)
    {
        var updated = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Run(spec, patchLength, stride, tensors, x, batchStatistics: true, updated);
        return updated;
    }

    private static Tensor Run(ForecasterSpec spec, int patchLength, int stride, ModuleTensors tensors, Tensor x, bool batchStatistics,
        Dictionary<string, Tensor>? updatedRunning)
    {
        var input = x.to_type(ScalarType.Float64);
        long batch = input.shape[0], lookback = input.shape[1], channels = input.shape[2];
        var normalization = spec.Normalization ?? InstanceNormalization.Window;   // RevIN is PatchTST's documented default
        var (normalized, statistics) = WindowNormalizationReference.Normalize(input, normalization);

        // Channel independence and end padding: series (B·C, L + stride), row b·C + c.
        var series = normalized.permute(0, 2, 1).reshape(batch * channels, lookback);
        var padded = torch.cat(new[] { series, series.narrow(1, lookback - 1, 1).expand(batch * channels, stride) }, 1);
        long patches = (lookback + stride - patchLength) / stride + 1;
        var start = torch.arange(patches, dtype: ScalarType.Int64).mul(stride).unsqueeze(1);
        var index = (start + torch.arange(patchLength, dtype: ScalarType.Int64).unsqueeze(0)).flatten();   // (N·P)
        var patchValues = padded.index_select(1, index).view(batch * channels, patches, patchLength);

        var positions = tensors["pos_embedding"];
        if (positions.shape[0] != patches)
            throw new InvalidOperationException($"pos_embedding has {positions.shape[0]} rows but (L + stride − P)/stride + 1 = {patches} patches.");
        var tokens = tensors.Affine("patch_projection", patchValues) + positions;
        int dModel = spec.ModelDimension, headDim = spec.ModelDimension / spec.NumberOfHeads;
        var scores = torch.zeros(new[] { batch * channels, spec.NumberOfHeads, patches, patches }, dtype: ScalarType.Float64);
        for (int layer = 0; layer < spec.NumberOfLayers; layer++)
            (tokens, scores) = EncoderLayer(tensors, $"encoder.{layer}", spec.HeadSlotsOf(layer), headDim, tokens, scores, batchStatistics, updatedRunning);

        var flat = tokens.reshape(batch * channels, patches * dModel);
        var forecast = tensors.Affine("head", flat).view(batch, channels, spec.Horizon).permute(0, 2, 1);
        return statistics.Denormalize(forecast);
    }

    private static (Tensor Output, Tensor Scores) EncoderLayer(ModuleTensors tensors, string layer, int[] slots, int headDim, Tensor x, Tensor previousScores,
        bool batchStatistics, Dictionary<string, Tensor>? updatedRunning)
    {
        string attention = layer + ".self_attention";
        var q = tensors.Affine(attention + ".query", x);
        var k = tensors.Affine(attention + ".key", x);
        var v = tensors.Affine(attention + ".value", x);
        if (q.shape[2] != (long)slots.Length * headDim)
            throw new InvalidOperationException($"{attention}.query has {q.shape[2]} rows but the spec keeps {slots.Length} heads of width {headDim}.");
        double scale = 1.0 / Math.Sqrt(headDim);
        var handedOn = previousScores.clone();
        var heads = new List<Tensor>();
        for (int h = 0; h < slots.Length; h++)
        {
            var qh = q.narrow(2, h * headDim, headDim);
            var kh = k.narrow(2, h * headDim, headDim);
            var vh = v.narrow(2, h * headDim, headDim);
            var s = torch.matmul(qh, kh.transpose(1, 2)) * scale + previousScores.select(1, slots[h]);
            handedOn.select(1, slots[h]).copy_(s);
            heads.Add(torch.matmul(s.softmax(-1), vh));
        }
        var attended = tensors.Affine(attention + ".output", torch.cat(heads, 2));
        var afterAttention = BatchNorm(tensors, layer + ".attention_norm", x + attended, batchStatistics, updatedRunning);
        var hidden = Gelu(tensors.Affine(layer + ".feed_forward_in", afterAttention));
        var feedForward = tensors.Affine(layer + ".feed_forward_out", hidden);
        return (BatchNorm(tensors, layer + ".feed_forward_norm", afterAttention + feedForward, batchStatistics, updatedRunning), handedOn);
    }

    /// <summary>
    /// BatchNorm over the last (feature) axis of (rows, tokens, features) by formula; with batch statistics, optionally
    /// records the updated running statistics in <paramref name="updatedRunning"/>.
    /// </summary>
    public static Tensor BatchNorm(ModuleTensors tensors, string prefix, Tensor x, bool batchStatistics, Dictionary<string, Tensor>? updatedRunning = null)
    {
        Tensor mean, variance;
        if (batchStatistics)
        {
            long count = x.shape[0] * x.shape[1];
            mean = x.sum(new long[] { 0, 1 }) / count;
            var centred = x - mean;
            var squares = (centred * centred).sum(new long[] { 0, 1 });
            variance = squares / count;
            if (updatedRunning is not null)
            {
                updatedRunning[prefix + ".running_mean"] = tensors[prefix + ".running_mean"] * (1 - BatchNormMomentum) + mean * BatchNormMomentum;
                updatedRunning[prefix + ".running_var"] = tensors[prefix + ".running_var"] * (1 - BatchNormMomentum) + squares / (count - 1) * BatchNormMomentum;
            }
        }
        else
        {
            mean = tensors[prefix + ".running_mean"];
            variance = tensors[prefix + ".running_var"];
        }
        return (x - mean) / (variance + BatchNormEpsilon).sqrt() * tensors[prefix + ".weight"] + tensors[prefix + ".bias"];
    }

    /// <summary>The exact (erf) GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)).</summary>
    public static Tensor Gelu(Tensor x) => 0.5 * x * (1 + (x / Math.Sqrt(2)).erf());
}
