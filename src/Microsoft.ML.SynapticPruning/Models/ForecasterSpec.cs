namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// Everything needed to build (and rebuild after loading) a forecaster network. Defaults are the paper's:
/// hidden 64, one recurrent layer; PatchTST d_model 64, 4 heads, 2 layers, FF 256, automatic patch length.
/// </summary>
public sealed record ForecasterSpec
{
    /// <summary>Architecture.</summary>
    public ForecasterKind Kind { get; init; } = ForecasterKind.Lstm;
    /// <summary>Input window length L (rows of history per forecast). Must be ≥ 1.</summary>
    public int Lookback { get; init; } = 30;
    /// <summary>Forecast horizon H (steps predicted at once, direct multi-output). Must be ≥ 1.</summary>
    public int Horizon { get; init; } = 1;
    /// <summary>Number of target channels C (forecast outputs). PatchTST and DLinear treat them independently.</summary>
    public int TargetChannels { get; init; } = 1;
    /// <summary>Number of covariate input channels (recurrent models only).</summary>
    public int CovariateChannels { get; init; }
    /// <summary>Recurrent hidden size (RNN/LSTM/GRU). Default 64.</summary>
    public int HiddenSize { get; init; } = 64;
    /// <summary>Recurrent layers (RNN/LSTM/GRU). Default 1.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>
    /// Dropout probability in [0, 1) used by the dropout layers (0 disables them). In PatchTST it is the encoder's dropout,
    /// as published: after the positional embedding, after the attention output projection and on the attention and
    /// feed-forward residual paths, and inside the feed-forward block; the attention weights and the head have their own
    /// rates (<see cref="AttentionDropout"/>, <see cref="HeadDropout"/>).
    /// </summary>
    public double Dropout { get; init; }
    /// <summary>
    /// PatchTST: dropout probability in [0, 1) on the attention weights (after the softmax), PatchTST's <c>attn_dropout</c>.
    /// Default 0, as published. A model file written without this field reads as 0.
    /// </summary>
    public double AttentionDropout { get; init; }
    /// <summary>
    /// PatchTST: dropout probability in [0, 1) on the forecast after the flatten head's linear layer (Flatten → Linear →
    /// Dropout), PatchTST's <c>head_dropout</c>. Default 0, as published. A model file written without this field reads as 0.
    /// </summary>
    public double HeadDropout { get; init; }
    /// <summary>PatchTST model width. Default 64.</summary>
    public int DModel { get; init; } = 64;
    /// <summary>PatchTST attention heads; must divide <see cref="DModel"/>. Default 4.</summary>
    public int Heads { get; init; } = 4;
    /// <summary>PatchTST encoder layers. Default 2.</summary>
    public int EncoderLayers { get; init; } = 2;
    /// <summary>PatchTST feed-forward width. Default 256.</summary>
    public int FeedForward { get; init; } = 256;
    /// <summary>PatchTST patch length; null = automatic from the lookback (<see cref="ForecasterFactory.ResolvePatchLength"/>).</summary>
    public int? PatchLength { get; init; }
    /// <summary>PatchTST stride; null = automatic (equal to the patch length, or 8 when the patch is 16).</summary>
    public int? Stride { get; init; }
    /// <summary>DLinear moving-average kernel (odd). Default 25.</summary>
    public int MovingAverageKernel { get; init; } = 25;
    /// <summary>Per-window normalisation inside the model. Null = the architecture's default (RevIN for PatchTST, None otherwise).</summary>
    public InstanceNormalization? Normalization { get; init; }

    /// <summary>
    /// Recurrent hidden size of each layer (length <see cref="Layers"/>), e.g. after structured compaction; overrides
    /// <see cref="HiddenSize"/> when set. Null (default) = <see cref="HiddenSize"/> in every layer.
    /// </summary>
    public int[]? LayerHiddenSizes { get; init; }

    /// <summary>
    /// PatchTST: the attention head slots (0 ≤ slot &lt; <see cref="Heads"/>, ascending, at least one) each encoder layer
    /// keeps, e.g. after structured compaction (length <see cref="EncoderLayers"/>). The head width stays
    /// <see cref="DModel"/>/<see cref="Heads"/>; residual attention scores keep one slot per original head. Null (default)
    /// = all <see cref="Heads"/> heads in every layer.
    /// </summary>
    public int[][]? LayerHeadSlots { get; init; }

    /// <summary>
    /// PatchTST feed-forward width of each encoder layer (length <see cref="EncoderLayers"/>), e.g. after structured
    /// compaction; overrides <see cref="FeedForward"/> when set. Null (default) = <see cref="FeedForward"/> in every layer.
    /// </summary>
    public int[]? LayerFeedForward { get; init; }

    /// <summary>The hidden size of recurrent layer <paramref name="layer"/> (<see cref="LayerHiddenSizes"/>, else <see cref="HiddenSize"/>).</summary>
    public int HiddenSizeOf(int layer) => LayerHiddenSizes is { } sizes ? sizes[layer] : HiddenSize;

    /// <summary>The feed-forward width of encoder layer <paramref name="layer"/> (<see cref="LayerFeedForward"/>, else <see cref="FeedForward"/>).</summary>
    public int FeedForwardOf(int layer) => LayerFeedForward is { } sizes ? sizes[layer] : FeedForward;

    /// <summary>The head slots kept by encoder layer <paramref name="layer"/> (<see cref="LayerHeadSlots"/>, else 0 … <see cref="Heads"/> − 1).</summary>
    public int[] HeadSlotsOf(int layer) => LayerHeadSlots is { } slots ? slots[layer] : Enumerable.Range(0, Heads).ToArray();
}
