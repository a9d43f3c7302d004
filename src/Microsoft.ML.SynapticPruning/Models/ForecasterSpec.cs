using System.Text.Json.Serialization;

namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// Everything needed to build (and rebuild after loading) a forecaster network. Defaults are the paper's:
/// hidden 64, one recurrent layer; PatchTST d_model 64, 4 heads, 2 layers, FF 256, automatic patch length.
/// </summary>
/// <remarks>
/// The properties carry the names of the estimator options they come from (<c>NumberOfLayers</c>, <c>ModelDimension</c>,
/// <c>NumberOfHeads</c>, <c>FeedForwardSize</c>, <c>DropoutRate</c>). Saved models keep the JSON names of the first file
/// format (<c>Layers</c>/<c>EncoderLayers</c>, <c>DModel</c>, <c>Heads</c>, <c>FeedForward</c>, <c>Dropout</c>), so files
/// written by earlier versions load unchanged (docs/persistence.md, "Stable JSON names").
/// </remarks>
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
    /// <summary>
    /// Stacked layers: recurrent layers (RNN/LSTM/GRU) or encoder layers (PatchTST); DLinear ignores it. Default (when not
    /// set) the architecture's: 2 for PatchTST, 1 otherwise.
    /// </summary>
    [JsonIgnore]
    public int NumberOfLayers
    {
        get => _numberOfLayers ?? (Kind == ForecasterKind.PatchTst ? _storedEncoderLayers : _storedRecurrentLayers) ?? DefaultNumberOfLayers(Kind);
        init => _numberOfLayers = value;
    }

    /// <summary>The number of layers of <paramref name="kind"/> when <see cref="NumberOfLayers"/> is not set: 2 for PatchTST, 1 otherwise.</summary>
    public static int DefaultNumberOfLayers(ForecasterKind kind) => kind == ForecasterKind.PatchTst ? 2 : 1;

    private readonly int? _numberOfLayers;
    private readonly int? _storedRecurrentLayers;
    private readonly int? _storedEncoderLayers;

    // Model files store the layer count twice, under the names of the first format: "Layers" is read for recurrent
    // networks and "EncoderLayers" for PatchTST (whichever order the JSON gives them and Kind in).
    [JsonInclude, JsonPropertyName("Layers")]
    private int StoredRecurrentLayers { get => NumberOfLayers; init => _storedRecurrentLayers = value; }

    [JsonInclude, JsonPropertyName("EncoderLayers")]
    private int StoredEncoderLayers { get => NumberOfLayers; init => _storedEncoderLayers = value; }
    /// <summary>
    /// Dropout probability in [0, 1) used by the dropout layers (0 disables them). In PatchTST it is the encoder's dropout,
    /// as published: after the positional embedding, after the attention output projection and on the attention and
    /// feed-forward residual paths, and inside the feed-forward block; the attention weights and the head have their own
    /// rates (<see cref="AttentionDropout"/>, <see cref="HeadDropout"/>).
    /// </summary>
    [JsonPropertyName("Dropout")]
    public double DropoutRate { get; init; }
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
    /// <summary>PatchTST model width (d_model). Default 64.</summary>
    [JsonPropertyName("DModel")]
    public int ModelDimension { get; init; } = 64;
    /// <summary>PatchTST attention heads; must divide <see cref="ModelDimension"/>. Default 4.</summary>
    [JsonPropertyName("Heads")]
    public int NumberOfHeads { get; init; } = 4;
    /// <summary>PatchTST feed-forward width. Default 256.</summary>
    [JsonPropertyName("FeedForward")]
    public int FeedForwardSize { get; init; } = 256;
    /// <summary>PatchTST patch length; null = automatic from the lookback (<see cref="ForecasterFactory.ResolvePatchLength"/>).</summary>
    public int? PatchLength { get; init; }
    /// <summary>PatchTST stride; null = automatic (equal to the patch length, or 8 when the patch is 16).</summary>
    public int? Stride { get; init; }
    /// <summary>DLinear moving-average kernel (odd). Default 25.</summary>
    public int MovingAverageKernel { get; init; } = 25;
    /// <summary>Per-window normalisation inside the model. Null = the architecture's default (RevIN for PatchTST, None otherwise).</summary>
    public InstanceNormalization? Normalization { get; init; }

    /// <summary>
    /// Recurrent hidden size of each layer (length <see cref="NumberOfLayers"/>), e.g. after structured compaction; overrides
    /// <see cref="HiddenSize"/> when set. Null (default) = <see cref="HiddenSize"/> in every layer.
    /// </summary>
    public int[]? LayerHiddenSizes { get; init; }

    /// <summary>
    /// PatchTST: the attention head slots (0 ≤ slot &lt; <see cref="NumberOfHeads"/>, ascending, at least one) each encoder layer
    /// keeps, e.g. after structured compaction (length <see cref="NumberOfLayers"/>). The head width stays
    /// <see cref="ModelDimension"/>/<see cref="NumberOfHeads"/>; residual attention scores keep one slot per original head. Null (default)
    /// = all <see cref="NumberOfHeads"/> heads in every layer.
    /// </summary>
    public int[][]? LayerHeadSlots { get; init; }

    /// <summary>
    /// PatchTST feed-forward width of each encoder layer (length <see cref="NumberOfLayers"/>), e.g. after structured
    /// compaction; overrides <see cref="FeedForwardSize"/> when set. Null (default) = <see cref="FeedForwardSize"/> in every layer.
    /// </summary>
    public int[]? LayerFeedForward { get; init; }

    /// <summary>The hidden size of recurrent layer <paramref name="layer"/> (<see cref="LayerHiddenSizes"/>, else <see cref="HiddenSize"/>).</summary>
    public int HiddenSizeOf(int layer) => LayerHiddenSizes is { } sizes ? sizes[layer] : HiddenSize;

    /// <summary>The feed-forward width of encoder layer <paramref name="layer"/> (<see cref="LayerFeedForward"/>, else <see cref="FeedForwardSize"/>).</summary>
    public int FeedForwardOf(int layer) => LayerFeedForward is { } sizes ? sizes[layer] : FeedForwardSize;

    /// <summary>The head slots kept by encoder layer <paramref name="layer"/> (<see cref="LayerHeadSlots"/>, else 0 … <see cref="NumberOfHeads"/> − 1).</summary>
    public int[] HeadSlotsOf(int layer) => LayerHeadSlots is { } slots ? slots[layer] : Enumerable.Range(0, NumberOfHeads).ToArray();
}
