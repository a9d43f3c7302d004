using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Options of <c>PrunedPatchTst</c>. Defaults are the paper's small configuration (d_model 64, 4 heads, 2 layers,
/// FF 256, automatic patch length) with PatchTST's published dropout layout (<see cref="PrunedForecasterOptions.DropoutRate"/>
/// in the encoder, <see cref="AttentionDropout"/> and <see cref="HeadDropout"/> 0); PatchTST is channel-independent and
/// accepts no covariates.
/// </summary>
public sealed class PrunedPatchTstOptions : PrunedForecasterOptions
{
    /// <summary>Model width. Default 64.</summary>
    public int ModelDimension { get; set; } = 64;

    /// <summary>Attention heads (must divide <see cref="ModelDimension"/>). Default 4.</summary>
    public int NumberOfHeads { get; set; } = 4;

    /// <summary>Encoder layers. Default 2.</summary>
    public int NumberOfLayers { get; set; } = 2;

    /// <summary>Feed-forward width. Default 256.</summary>
    public int FeedForwardSize { get; set; } = 256;

    /// <summary>Patch length; null = automatic from the lookback (≤7→1, ≤14→2, ≤30→3, ≤64→4, else 16 with stride 8).</summary>
    public int? PatchLength { get; set; }

    /// <summary>Patch stride; null = automatic.</summary>
    public int? Stride { get; set; }

    /// <summary>
    /// Dropout probability on the attention weights (PatchTST's <c>attn_dropout</c>), in [0, 1). Default 0, as published.
    /// Applied in training (and in Monte-Carlo samples) whenever it is above 0, whatever the <see cref="PrunedForecasterOptions.Regularization"/>;
    /// <see cref="PrunedForecasterOptions.DropoutRate"/> is the encoder's dropout (embedding, attention output, residual paths,
    /// feed-forward block).
    /// </summary>
    public double AttentionDropout { get; set; }

    /// <summary>
    /// Dropout probability on the forecast after the flatten head's linear layer (PatchTST's <c>head_dropout</c>: Flatten →
    /// Linear → Dropout), in [0, 1). Default 0, as published. Applied in training (and in Monte-Carlo samples) whenever it is
    /// above 0, whatever the <see cref="PrunedForecasterOptions.Regularization"/>.
    /// </summary>
    public double HeadDropout { get; set; }

    internal override ForecasterKind Kind => ForecasterKind.PatchTst;

    internal override ForecasterSpec ApplyArchitecture(ForecasterSpec spec) => spec with
    {
        ModelDimension = ModelDimension, NumberOfHeads = NumberOfHeads, NumberOfLayers = NumberOfLayers, FeedForwardSize = FeedForwardSize,
        PatchLength = PatchLength, Stride = Stride, AttentionDropout = AttentionDropout, HeadDropout = HeadDropout,
    };
}
