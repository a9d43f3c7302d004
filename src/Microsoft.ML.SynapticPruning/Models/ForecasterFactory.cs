using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// Builds forecaster networks from a <see cref="ForecasterSpec"/>, validates specs, and resolves the automatic
/// choices (PatchTST patch length and stride, per-window normalisation).
/// </summary>
public static class ForecasterFactory
{
    /// <summary>
    /// The number of parameters of the network <paramref name="spec"/> describes (what
    /// <c>module.parameters().Sum(p =&gt; p.numel())</c> gives), computed from the spec alone: nothing is built and no
    /// random state is touched, so it is cheap and safe on an untrusted spec (a model file's is checked with it before
    /// any network exists).
    /// </summary>
    /// <exception cref="ArgumentException">The spec is inconsistent (see <see cref="Validate"/>).</exception>
    public static long CountParameters(ForecasterSpec spec)
    {
        Validate(spec);
        long channels = spec.TargetChannels + spec.CovariateChannels;
        checked
        {
            switch (spec.Kind)
            {
                case ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru:
                {
                    long gates = spec.Kind switch { ForecasterKind.Lstm => 4, ForecasterKind.Gru => 3, _ => 1 };
                    long input = channels, count = 0;
                    for (int layer = 0; layer < spec.NumberOfLayers; layer++)
                    {
                        long hidden = spec.HiddenSizeOf(layer);
                        count += gates * hidden * (input + hidden) + 2 * gates * hidden; // weight_ih, weight_hh, bias_ih, bias_hh
                        input = hidden;
                    }
                    long outputs = (long)spec.Horizon * spec.TargetChannels;
                    return count + input * outputs + outputs;                          // head
                }
                case ForecasterKind.PatchTst:
                {
                    var (patchLength, stride) = ResolvePatching(spec);
                    long patches = CountPatches(spec.Lookback, patchLength, stride), d = spec.ModelDimension;
                    long count = patchLength * d + d + patches * d;                        // patch projection, position embedding
                    for (int layer = 0; layer < spec.NumberOfLayers; layer++)
                    {
                        long inner = (long)spec.HeadSlotsOf(layer).Length * (d / spec.NumberOfHeads);
                        long ff = spec.FeedForwardOf(layer);
                        count += 3 * (d * inner + inner) + inner * d + d                  // query, key, value, output
                            + 2 * d                                                       // attention norm
                            + d * ff + ff + ff * d + d                                    // feed-forward
                            + 2 * d;                                                      // feed-forward norm
                    }
                    return count + d * patches * spec.Horizon + spec.Horizon;              // head
                }
                default:
                    return 2 * ((long)spec.Lookback * spec.Horizon + spec.Horizon);        // trend and remainder maps
            }
        }
    }

    /// <summary>
    /// An estimate of the multiply-adds one forward pass of the network <paramref name="spec"/> describes spends on one
    /// window: the matrix products only (recurrent gates and head; PatchTST patch projection, attention projections,
    /// scores, context, feed-forward and head, per channel; DLinear's two time maps), not element-wise work. Computed
    /// from the spec alone (nothing is built), for <see cref="Training.ForecastTrainer.DefaultThreads(ForecasterSpec, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is inconsistent (see <see cref="Validate"/>).</exception>
    public static long EstimateMultiplyAdds(ForecasterSpec spec)
    {
        Validate(spec);
        long channels = spec.TargetChannels + spec.CovariateChannels;
        switch (spec.Kind)
        {
            case ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru:
            {
                long gates = spec.Kind switch { ForecasterKind.Lstm => 4, ForecasterKind.Gru => 3, _ => 1 };
                long input = channels, perTimeStep = 0;
                for (int layer = 0; layer < spec.NumberOfLayers; layer++)
                {
                    long hidden = spec.HiddenSizeOf(layer);
                    perTimeStep += gates * hidden * (input + hidden);
                    input = hidden;
                }
                return perTimeStep * spec.Lookback + input * spec.Horizon * spec.TargetChannels;
            }
            case ForecasterKind.PatchTst:
            {
                var (patchLength, stride) = ResolvePatching(spec);
                long patches = CountPatches(spec.Lookback, patchLength, stride), d = spec.ModelDimension;
                long perChannel = patches * patchLength * d + patches * d * spec.Horizon;
                for (int layer = 0; layer < spec.NumberOfLayers; layer++)
                {
                    long inner = (long)spec.HeadSlotsOf(layer).Length * (d / spec.NumberOfHeads);
                    perChannel += 4 * patches * d * inner          // query, key, value and output projections
                        + 2 * patches * patches * inner            // scores and context
                        + 2 * patches * d * spec.FeedForwardOf(layer);
                }
                return perChannel * channels;
            }
            default:
                return 2L * spec.Lookback * spec.Horizon * channels;
        }
    }

    /// <summary>Validates <paramref name="spec"/> and builds the network it describes.</summary>
    /// <exception cref="ArgumentException">The spec is inconsistent (see <see cref="Validate"/>).</exception>
    public static ForecastingNetwork Create(ForecasterSpec spec)
    {
        Validate(spec);
        // Networks draw their initial weights from libtorch's process-wide generator: one creation at a time, never
        // between a concurrent fit's seeding and its own network (Runtime.TorchProcessLocks).
        lock (Runtime.TorchProcessLocks.Creation)
        {
            return spec.Kind switch
            {
                ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru => new RecurrentForecaster(spec),
                ForecasterKind.PatchTst => new PatchTstForecaster(spec),
                ForecasterKind.DLinear => new DLinearForecaster(spec),
                _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown ForecasterKind."),
            };
        }
    }

    /// <summary>
    /// Checks every option of <paramref name="spec"/> that matters for its <see cref="ForecasterSpec.Kind"/> and throws
    /// <see cref="ArgumentOutOfRangeException"/> (a value out of range) or <see cref="ArgumentException"/> (inconsistent
    /// options) whose message names the option and says how to fix it. Options of other architectures are ignored.
    /// </summary>
    public static void Validate(ForecasterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!Enum.IsDefined(spec.Kind))
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Kind must be one of Rnn, Lstm, Gru, PatchTst, DLinear.");
        if (!spec.Kind.IsNetwork())
            throw new ArgumentException(
                $"ForecasterKind.{spec.Kind} is a lag-window model, not a network: fit it with mlContext.Forecasting.LagWindow(new LagWindowForecasterOptions {{ Kind = ForecasterKind.{spec.Kind} }}).", nameof(spec));
        Positive(spec.Lookback, nameof(ForecasterSpec.Lookback), "the number of past rows per window");
        Positive(spec.Horizon, nameof(ForecasterSpec.Horizon), "the number of steps forecast at once");
        Positive(spec.TargetChannels, nameof(ForecasterSpec.TargetChannels), "the number of forecast columns");
        if (spec.CovariateChannels < 0)
            throw OutOfRange(spec.CovariateChannels, nameof(ForecasterSpec.CovariateChannels), "CovariateChannels must be 0 or more.");
        if (!(spec.DropoutRate >= 0 && spec.DropoutRate < 1))
            throw OutOfRange(spec.DropoutRate, nameof(ForecasterSpec.DropoutRate), $"DropoutRate must be in [0, 1) (got {spec.DropoutRate}); use 0 to disable dropout.");
        if (spec.Normalization is { } normalization && !Enum.IsDefined(normalization))
            throw OutOfRange(normalization, nameof(ForecasterSpec.Normalization), "Normalization must be None, Window, WindowLast or null (the architecture's default).");

        switch (spec.Kind)
        {
            case ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru:
                Positive(spec.HiddenSize, nameof(ForecasterSpec.HiddenSize), "the recurrent state width, for example 64");
                Positive(spec.NumberOfLayers, nameof(ForecasterSpec.NumberOfLayers), "the number of stacked recurrent layers, for example 1");
                PerLayerSizes(spec.LayerHiddenSizes, spec.NumberOfLayers, nameof(ForecasterSpec.LayerHiddenSizes), nameof(ForecasterSpec.NumberOfLayers));
                break;

            case ForecasterKind.PatchTst:
                RejectCovariates(spec);
                Positive(spec.ModelDimension, nameof(ForecasterSpec.ModelDimension), "the model width, for example 64");
                Positive(spec.NumberOfHeads, nameof(ForecasterSpec.NumberOfHeads), "the number of attention heads, for example 4");
                if (spec.ModelDimension % spec.NumberOfHeads != 0)
                    throw new ArgumentException(
                        $"NumberOfHeads ({spec.NumberOfHeads}) must divide ModelDimension ({spec.ModelDimension}); choose a divisor of ModelDimension as NumberOfHeads or a multiple of NumberOfHeads as ModelDimension.",
                        nameof(ForecasterSpec.NumberOfHeads));
                Positive(spec.NumberOfLayers, nameof(ForecasterSpec.NumberOfLayers), "the number of encoder layers, for example 2");
                if (!(spec.AttentionDropout >= 0 && spec.AttentionDropout < 1))
                    throw OutOfRange(spec.AttentionDropout, nameof(ForecasterSpec.AttentionDropout), "AttentionDropout must be in [0, 1); 0 (the default, as published) disables dropout on the attention weights.");
                if (!(spec.HeadDropout >= 0 && spec.HeadDropout < 1))
                    throw OutOfRange(spec.HeadDropout, nameof(ForecasterSpec.HeadDropout), "HeadDropout must be in [0, 1); 0 (the default, as published) disables dropout after the head.");
                Positive(spec.FeedForwardSize, nameof(ForecasterSpec.FeedForwardSize), "the feed-forward width, for example 256");
                if (spec.PatchLength is { } patch && (patch < 1 || patch > spec.Lookback))
                    throw OutOfRange(patch, nameof(ForecasterSpec.PatchLength),
                        $"PatchLength ({patch}) must be between 1 and Lookback ({spec.Lookback}); lower it, raise Lookback, or leave it null for the automatic choice.");
                PerLayerSizes(spec.LayerFeedForward, spec.NumberOfLayers, nameof(ForecasterSpec.LayerFeedForward), nameof(ForecasterSpec.NumberOfLayers));
                if (spec.LayerHeadSlots is { } slots)
                {
                    if (slots.Length != spec.NumberOfLayers)
                        throw new ArgumentException($"LayerHeadSlots has {slots.Length} entries but NumberOfLayers is {spec.NumberOfLayers}; give one slot list per encoder layer or leave it null.", nameof(spec));
                    for (int i = 0; i < slots.Length; i++)
                    {
                        var layer = slots[i];
                        if (layer is null || layer.Length == 0)
                            throw new ArgumentException($"LayerHeadSlots[{i}] is empty; every encoder layer needs at least one head.", nameof(spec));
                        for (int k = 0; k < layer.Length; k++)
                        {
                            if (layer[k] < 0 || layer[k] >= spec.NumberOfHeads || (k > 0 && layer[k] <= layer[k - 1]))
                                throw new ArgumentException($"LayerHeadSlots[{i}] must hold ascending distinct head slots in [0, NumberOfHeads = {spec.NumberOfHeads}); got [{string.Join(", ", layer)}].", nameof(spec));
                        }
                    }
                }
                if (spec.Stride is { } stride && stride < 1)
                    throw OutOfRange(stride, nameof(ForecasterSpec.Stride), "Stride must be at least 1, or null for the automatic choice.");
                break;

            case ForecasterKind.DLinear:
                RejectCovariates(spec);
                if (spec.MovingAverageKernel < 1 || spec.MovingAverageKernel % 2 == 0)
                    throw OutOfRange(spec.MovingAverageKernel, nameof(ForecasterSpec.MovingAverageKernel),
                        $"MovingAverageKernel ({spec.MovingAverageKernel}) must be an odd number ≥ 1 (default 25).");
                break;
        }
    }

    /// <summary>
    /// The automatic PatchTST patch length for a lookback L: L ≤ 7 → 1, ≤ 14 → 2, ≤ 30 → 3,
    /// ≤ 64 → 4, otherwise 16.
    /// </summary>
    public static int ResolvePatchLength(int lookback)
    {
        if (lookback < 1) throw OutOfRange(lookback, nameof(lookback), "The lookback must be at least 1.");
        return lookback switch { <= 7 => 1, <= 14 => 2, <= 30 => 3, <= 64 => 4, _ => 16 };
    }

    /// <summary>
    /// The stride used with a patch length when <see cref="ForecasterSpec.Stride"/> is null: 8 for a patch of 16
    /// (PatchTST/42), otherwise the patch length (non-overlapping patches).
    /// </summary>
    public static int ResolveStride(int patchLength)
    {
        if (patchLength < 1) throw OutOfRange(patchLength, nameof(patchLength), "The patch length must be at least 1.");
        return patchLength == 16 ? 8 : patchLength;
    }

    /// <summary>The PatchTST (patch length, stride) for <paramref name="spec"/>: explicit values win, else the automatic ones.</summary>
    public static (int PatchLength, int Stride) ResolvePatching(ForecasterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int patch = spec.PatchLength ?? ResolvePatchLength(spec.Lookback);
        return (patch, spec.Stride ?? ResolveStride(patch));
    }

    /// <summary>
    /// Patches per channel after end-padding the window with <paramref name="stride"/> copies of its last value:
    /// <c>(lookback + stride − patchLength) / stride + 1</c>.
    /// </summary>
    public static int CountPatches(int lookback, int patchLength, int stride)
    {
        if (lookback < 1) throw OutOfRange(lookback, nameof(lookback), "The lookback must be at least 1.");
        if (patchLength < 1 || patchLength > lookback) throw OutOfRange(patchLength, nameof(patchLength), $"The patch length must be between 1 and the lookback ({lookback}).");
        if (stride < 1) throw OutOfRange(stride, nameof(stride), "The stride must be at least 1.");
        return (lookback + stride - patchLength) / stride + 1;
    }

    /// <summary>The per-window normalisation for <paramref name="spec"/>: explicit, else Window (RevIN) for PatchTST and None otherwise.</summary>
    public static InstanceNormalization ResolveNormalization(ForecasterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Normalization ?? (spec.Kind == ForecasterKind.PatchTst ? InstanceNormalization.Window : InstanceNormalization.None);
    }

    /// <summary>Throws when <paramref name="x"/> is not (batch, Lookback, TargetChannels + CovariateChannels).</summary>
    internal static void CheckInput(Tensor x, ForecasterSpec spec)
    {
        int channels = spec.TargetChannels + spec.CovariateChannels;
        if (x.dim() != 3 || x.shape[1] != spec.Lookback || x.shape[2] != channels)
            throw new ArgumentException(
                $"The input must have shape (batch, {spec.Lookback}, {channels}) = (batch, Lookback, TargetChannels + CovariateChannels), "
                + $"targets first; got ({string.Join(", ", x.shape)}).", nameof(x));
    }

    private static void RejectCovariates(ForecasterSpec spec)
    {
        if (spec.CovariateChannels > 0)
            throw new ArgumentException(
                $"{spec.Kind} is channel-independent and accepts no covariates, but CovariateChannels is {spec.CovariateChannels} (one per FeatureColumnNames entry). "
                + "Set CovariateChannels to 0 (leave FeatureColumnNames empty; forecast the extra columns as targets instead), or use Rnn, Lstm or Gru, which accept covariates.",
                nameof(ForecasterSpec.CovariateChannels));
    }

    private static void PerLayerSizes(int[]? sizes, int layers, string option, string layersOption)
    {
        if (sizes is null) return;
        if (sizes.Length != layers)
            throw new ArgumentException($"{option} has {sizes.Length} entries but {layersOption} is {layers}; give one size per layer or leave it null.", option);
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1) throw OutOfRange(sizes[i], option, $"{option}[{i}] ({sizes[i]}) must be at least 1.");
        }
    }

    private static void Positive(int value, string option, string meaning)
    {
        if (value < 1) throw OutOfRange(value, option, $"{option} ({value}) must be at least 1: it is {meaning}.");
    }

    private static ArgumentOutOfRangeException OutOfRange(object value, string option, string message) => new(option, value, message);
}
