using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models.Layers;

/// <summary>
/// One post-norm PatchTST encoder layer, as PatchTST's <c>TSTEncoderLayer</c>: residual multi-head self-attention
/// (attention-weight dropout, then output projection → dropout) → dropout → residual add → BatchNorm, then
/// Linear(d→ff) → GELU → dropout → Linear(ff→d) → dropout → residual add → BatchNorm. Every dropout except the one on
/// the attention weights uses the encoder's rate.
/// </summary>
internal sealed class PatchTstEncoderLayer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // TorchSharp names submodules after the fields.
    private readonly ResidualMultiHeadAttention self_attention;
    private readonly ContextDropout attention_output_dropout;
    private readonly ContextBatchNorm1d attention_norm;
    private readonly Linear feed_forward_in;
    private readonly ContextDropout feed_forward_dropout;
    private readonly Linear feed_forward_out;
    private readonly ContextDropout feed_forward_output_dropout;
    private readonly ContextBatchNorm1d feed_forward_norm;
#pragma warning restore IDE1006

    /// <summary>
    /// Creates a layer of width <paramref name="dModel"/>, <paramref name="heads"/> head slots (of which it keeps
    /// <paramref name="headSlots"/>, null = all) and feed-forward width <paramref name="feedForward"/>.
    /// <paramref name="dropout"/> is the encoder's dropout, <paramref name="attentionDropout"/> the one on the attention
    /// weights (both in [0, 1)).
    /// </summary>
    public PatchTstEncoderLayer(int dModel, int heads, int feedForward, double dropout, double attentionDropout = 0, string name = "encoder_layer", int[]? headSlots = null) : base(name)
    {
        self_attention = new ResidualMultiHeadAttention(dModel, heads, attentionDropout, dropout, "self_attention", headSlots);
        attention_output_dropout = new ContextDropout(dropout, "attention_output_dropout");
        attention_norm = new ContextBatchNorm1d(dModel, name: "attention_norm");
        feed_forward_in = nn.Linear(dModel, feedForward);
        feed_forward_dropout = new ContextDropout(dropout, "feed_forward_dropout");
        feed_forward_out = nn.Linear(feedForward, dModel);
        feed_forward_output_dropout = new ContextDropout(dropout, "feed_forward_output_dropout");
        feed_forward_norm = new ContextBatchNorm1d(dModel, name: "feed_forward_norm");
        RegisterComponents();
    }

    /// <summary>
    /// Transforms <paramref name="x"/> (batch, tokens, dModel); <paramref name="previousScores"/> are the previous
    /// layer's attention scores (null in the first layer). Returns the output and this layer's scores.
    /// </summary>
    public (Tensor Output, Tensor Scores) Forward(Tensor x, Tensor? previousScores, ForwardContext context)
    {
        var (attended, scores) = self_attention.Forward(x, previousScores, context);
        using var afterAttention = attention_norm.Forward(x + attention_output_dropout.Forward(attended, context), context);
        using var hidden = feed_forward_dropout.Forward(nn.functional.gelu(feed_forward_in.forward(afterAttention)), context);
        using var ffn = feed_forward_output_dropout.Forward(feed_forward_out.forward(hidden), context);
        return (feed_forward_norm.Forward(afterAttention + ffn, context), scores);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, null, ForwardContext.Inference).Output;
}
