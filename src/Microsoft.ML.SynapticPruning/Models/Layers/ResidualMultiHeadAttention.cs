using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models.Layers;

/// <summary>
/// Multi-head self-attention with separate Q/K/V/output projections (biases on) and <em>residual attention</em>
/// (He et al. 2020, PatchTST's <c>res_attention=True</c>): the pre-softmax scores of the previous layer are added to
/// this layer's scores, and this layer's summed scores are handed on. All heads are computed with batched matrix
/// products on (batch, heads, tokens, headDim) tensors. As in PatchTST's <c>_MultiheadAttention</c>, there are two
/// dropouts: one on the attention weights (<c>attn_dropout</c>, 0 in the published configuration) and one after the
/// output projection (<c>proj_dropout</c>, the encoder's dropout).
/// </summary>
/// <remarks>
/// A layer may keep only some of the <c>heads</c> head <em>slots</em> (after structured compaction): its projections
/// then have <c>kept·headDim</c> rows/columns (head width stays dModel/heads), and the residual scores handed between
/// layers still have one slot per original head. A kept head adds the previous layer's scores of its own slot; the
/// scores of a slot this layer does not keep pass through unchanged (zero in the first layer). This is exact with
/// respect to the masked model: a head whose query and key rows are zero has the same score (bias·bias) for every
/// query/key pair, and softmax ignores a constant added to a row.
/// </remarks>
internal sealed class ResidualMultiHeadAttention : nn.Module<Tensor, Tensor>
{
    private readonly int _heads;
    private readonly int _slots;
    private readonly int _headDim;
    private readonly int[] _headSlots;
    private readonly bool _allSlots;
    private readonly double _scale;

#pragma warning disable IDE1006 // TorchSharp names submodules after the fields.
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly ContextDropout attention_dropout;
    private readonly ContextDropout output_dropout;
#pragma warning restore IDE1006

    /// <summary>
    /// Creates the block for width <paramref name="dModel"/> split into <paramref name="heads"/> head slots of width
    /// dModel/heads, of which the layer keeps <paramref name="headSlots"/> (ascending; null = all).
    /// <paramref name="attentionDropout"/> drops attention weights after the softmax; <paramref name="projectionDropout"/>
    /// drops the output after its projection. Both are probabilities in [0, 1).
    /// </summary>
    public ResidualMultiHeadAttention(int dModel, int heads, double attentionDropout, double projectionDropout, string name = "attention", int[]? headSlots = null) : base(name)
    {
        if (heads < 1 || dModel % heads != 0)
            throw new ArgumentException($"NumberOfHeads ({heads}) must be at least 1 and divide ModelDimension ({dModel}).", nameof(heads));
        headSlots ??= Enumerable.Range(0, heads).ToArray();
        if (headSlots.Length == 0 || headSlots.Any(h => h < 0 || h >= heads) || headSlots.Zip(headSlots.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException($"headSlots must hold ascending distinct slots in [0, {heads}) and at least one; got [{string.Join(", ", headSlots)}].", nameof(headSlots));
        _slots = heads;
        _headSlots = headSlots.ToArray();
        _heads = _headSlots.Length;
        _allSlots = _heads == _slots;
        _headDim = dModel / heads;
        _scale = 1.0 / Math.Sqrt(_headDim);
        long inner = (long)_heads * _headDim;
        query = nn.Linear(dModel, inner);
        key = nn.Linear(dModel, inner);
        value = nn.Linear(dModel, inner);
        output = nn.Linear(inner, dModel);
        attention_dropout = new ContextDropout(attentionDropout, "attention_dropout");
        output_dropout = new ContextDropout(projectionDropout, "output_dropout");
        RegisterComponents();
    }

    /// <summary>The head slots this layer keeps (ascending).</summary>
    public IReadOnlyList<int> HeadSlots => _headSlots;

    /// <summary>The width of one head (dModel / original head count).</summary>
    public int HeadDimension => _headDim;

    /// <summary>
    /// Attends over the tokens of <paramref name="x"/> (batch, tokens, dModel). <paramref name="previousScores"/> (batch,
    /// head slots, tokens, tokens) are the previous layer's pre-softmax scores, or null in the first layer.
    /// Returns the projected output (batch, tokens, dModel) and this layer's pre-softmax scores.
    /// </summary>
    public (Tensor Output, Tensor Scores) Forward(Tensor x, Tensor? previousScores, ForwardContext context)
    {
        long batch = x.shape[0], tokens = x.shape[1];
        using var q = query.forward(x).view(batch, tokens, _heads, _headDim).transpose(1, 2);   // (B, h, N, dh)
        using var kT = key.forward(x).view(batch, tokens, _heads, _headDim).permute(0, 2, 3, 1); // (B, h, dh, N)
        using var v = value.forward(x).view(batch, tokens, _heads, _headDim).transpose(1, 2);   // (B, h, N, dh)
        var scores = torch.matmul(q, kT).mul_(_scale);
        Tensor handedOn;
        if (_allSlots)
        {
            if (previousScores is not null) scores = scores.add_(previousScores);
            handedOn = scores;
        }
        else
        {
            using var slots = torch.tensor(_headSlots.Select(h => (long)h).ToArray(), dtype: ScalarType.Int64, device: x.device);
            if (previousScores is not null)
            {
                using var previousOwn = previousScores.index_select(1, slots);
                scores = scores.add_(previousOwn);
                handedOn = previousScores.index_copy(1, slots, scores);
            }
            else
            {
                using var empty = torch.zeros(new long[] { batch, _slots, tokens, tokens }, dtype: scores.dtype, device: scores.device);
                handedOn = empty.index_copy(1, slots, scores);
            }
        }
        using var weights = attention_dropout.Forward(scores.softmax(-1), context);
        using var attended = torch.matmul(weights, v).transpose(1, 2).reshape(batch, tokens, _heads * _headDim);
        using var projected = output.forward(attended);
        return (output_dropout.Forward(projected, context), handedOn);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, null, ForwardContext.Inference).Output;
}
