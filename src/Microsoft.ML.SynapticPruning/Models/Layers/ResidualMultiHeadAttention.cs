using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models.Layers;

/// <summary>
/// Multi-head self-attention with separate Q/K/V/output projections (biases on) and <em>residual attention</em>
/// (He et al. 2020, PatchTST's <c>res_attention=True</c>): the pre-softmax scores of the previous layer are added to
/// this layer's scores, and this layer's summed scores are handed on. All heads are computed with batched matrix
/// products on (batch, heads, tokens, headDim) tensors. Dropout is applied to the attention weights.
/// </summary>
public sealed class ResidualMultiHeadAttention : nn.Module<Tensor, Tensor>
{
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _scale;

#pragma warning disable IDE1006 // TorchSharp names submodules after the fields.
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly ContextDropout attention_dropout;
#pragma warning restore IDE1006

    /// <summary>Creates the block for width <paramref name="dModel"/> split into <paramref name="heads"/> heads.</summary>
    public ResidualMultiHeadAttention(int dModel, int heads, double dropout, string name = "attention") : base(name)
    {
        if (heads < 1 || dModel % heads != 0)
            throw new ArgumentException($"Heads ({heads}) must be at least 1 and divide DModel ({dModel}).", nameof(heads));
        _heads = heads;
        _headDim = dModel / heads;
        _scale = 1.0 / Math.Sqrt(_headDim);
        query = nn.Linear(dModel, dModel);
        key = nn.Linear(dModel, dModel);
        value = nn.Linear(dModel, dModel);
        output = nn.Linear(dModel, dModel);
        attention_dropout = new ContextDropout(dropout, "attention_dropout");
        RegisterComponents();
    }

    /// <summary>
    /// Attends over the tokens of <paramref name="x"/> (batch, tokens, dModel). <paramref name="previousScores"/> (batch,
    /// heads, tokens, tokens) are the previous layer's pre-softmax scores, or null in the first layer.
    /// Returns the projected output (batch, tokens, dModel) and this layer's pre-softmax scores.
    /// </summary>
    public (Tensor Output, Tensor Scores) Forward(Tensor x, Tensor? previousScores, ForwardContext context)
    {
        long batch = x.shape[0], tokens = x.shape[1];
        using var q = query.forward(x).view(batch, tokens, _heads, _headDim).transpose(1, 2);   // (B, h, N, dh)
        using var kT = key.forward(x).view(batch, tokens, _heads, _headDim).permute(0, 2, 3, 1); // (B, h, dh, N)
        using var v = value.forward(x).view(batch, tokens, _heads, _headDim).transpose(1, 2);   // (B, h, N, dh)
        var scores = torch.matmul(q, kT).mul_(_scale);
        if (previousScores is not null) scores = scores.add_(previousScores);
        using var weights = attention_dropout.Forward(scores.softmax(-1), context);
        using var attended = torch.matmul(weights, v).transpose(1, 2).reshape(batch, tokens, _heads * _headDim);
        return (output.forward(attended), scores);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, null, ForwardContext.Inference).Output;
}
