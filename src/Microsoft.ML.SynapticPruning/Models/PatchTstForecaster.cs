using Microsoft.ML.SynapticPruning.Models.Layers;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// PatchTST (Nie et al., ICLR 2023) as published: channel independence (every channel is a separate univariate series
/// and all channels share every weight), RevIN per channel without affine parameters (default
/// <see cref="InstanceNormalization.Window"/>), patches of <see cref="PatchLength"/> values every <see cref="Stride"/>
/// steps after end-padding the series with its last value repeated <see cref="Stride"/> times, a linear patch
/// projection, a learnable positional embedding, post-norm encoder layers with BatchNorm and residual attention scores,
/// and a flatten head <c>Linear(dModel·patches → horizon)</c>.
/// </summary>
/// <remarks>
/// BatchNorm uses batch statistics only in <see cref="ForwardContext.Training"/> passes (and updates its running
/// statistics only then); <see cref="ForwardContext.Inference"/> and Monte-Carlo samples use the running statistics
/// regardless of <c>train()</c>/<c>eval()</c>. The trainer should still call <c>train()</c> before its training steps and
/// <c>eval()</c> afterwards, the usual TorchSharp contract. Every dropout is a <see cref="ContextDropout"/>, placed and
/// rated as in PatchTST's supervised backbone: <see cref="ForecasterSpec.DropoutRate"/> after the positional embedding, after
/// each attention output projection, on both residual paths and inside the feed-forward block;
/// <see cref="ForecasterSpec.AttentionDropout"/> on the attention weights; <see cref="ForecasterSpec.HeadDropout"/> on the
/// forecast after the head's linear layer (Flatten → Linear → Dropout). The last two default to 0, as published.
/// Covariates are not accepted: the spec must have <see cref="ForecasterSpec.CovariateChannels"/> = 0.
/// <para>Structured pruning (<see cref="IStructuredPrunable"/>): per encoder layer i, one structure per attention head
/// (group <c>encoder.i.heads</c>: its d_head rows of the query/key/value weights and its d_head columns of the output
/// weight) and one per feed-forward neuron (group <c>encoder.i.ffn</c>: its row of <c>feed_forward_in.weight</c> and its
/// column of <c>feed_forward_out.weight</c>). Residual (d_model) channels, the patch projection and the head are not
/// structures: removing a d_model channel would have to be mirrored in the patch projection, the positional embedding,
/// every projection, both BatchNorms of every layer and the flatten head, and BatchNorm's running statistics make a
/// masked channel non-zero after normalisation, so compaction would not stay exact cheaply.</para>
/// </remarks>
public sealed class PatchTstForecaster : ForecastingNetwork, IStructuredPrunable
{
    private readonly InstanceNormalization _normalization;

#pragma warning disable IDE1006 // TorchSharp names parameters and submodules after the fields.
    private readonly Linear patch_projection;
    private readonly Parameter pos_embedding;
    private readonly ContextDropout embedding_dropout;
    private readonly ModuleList<PatchTstEncoderLayer> encoder;
    private readonly Linear head;
    private readonly ContextDropout head_dropout;
#pragma warning restore IDE1006

    /// <summary>Builds the network described by <paramref name="spec"/> (validated with <see cref="ForecasterFactory.Validate"/>).</summary>
    public PatchTstForecaster(ForecasterSpec spec) : base("patch_tst", spec)
    {
        if (spec.Kind != ForecasterKind.PatchTst)
            throw new ArgumentException($"The spec describes a {spec.Kind} model; PatchTstForecaster needs Kind = PatchTst.", nameof(spec));
        ForecasterFactory.Validate(spec);
        (PatchLength, Stride) = ForecasterFactory.ResolvePatching(spec);
        NumPatches = ForecasterFactory.CountPatches(spec.Lookback, PatchLength, Stride);
        _normalization = ForecasterFactory.ResolveNormalization(spec);

        patch_projection = nn.Linear(PatchLength, spec.ModelDimension);
        pos_embedding = nn.Parameter(torch.empty(NumPatches, spec.ModelDimension));
        using (torch.no_grad()) nn.init.uniform_(pos_embedding, -0.02, 0.02);
        embedding_dropout = new ContextDropout(spec.DropoutRate, "embedding_dropout");
        encoder = nn.ModuleList(Enumerable.Range(0, spec.NumberOfLayers)
            .Select(i => new PatchTstEncoderLayer(spec.ModelDimension, spec.NumberOfHeads, spec.FeedForwardOf(i), spec.DropoutRate, spec.AttentionDropout, $"layer{i}", spec.HeadSlotsOf(i)))
            .ToArray());
        head = nn.Linear(spec.ModelDimension * NumPatches, spec.Horizon);
        head_dropout = new ContextDropout(spec.HeadDropout, "head_dropout");
        RegisterComponents();
    }

    /// <summary>Values per patch (explicit, or automatic from the lookback).</summary>
    public int PatchLength { get; }

    /// <summary>Steps between the starts of consecutive patches.</summary>
    public int Stride { get; }

    /// <summary>Patches per channel: <c>(L + stride − patch) / stride + 1</c> (42 at L = 336, patch 16, stride 8).</summary>
    public int NumPatches { get; }

    /// <inheritdoc />
    public IReadOnlyList<PrunableStructure> GetStructures()
    {
        var result = new List<PrunableStructure>();
        int headDim = Spec.ModelDimension / Spec.NumberOfHeads;
        for (int i = 0; i < Spec.NumberOfLayers; i++)
        {
            string layer = $"encoder.{i}";
            string attention = layer + ".self_attention";
            int heads = Spec.HeadSlotsOf(i).Length;
            for (int h = 0; h < heads; h++)
            {
                long start = (long)h * headDim;
                result.Add(new PrunableStructure(StructureKind.AttentionHead, layer + ".heads", h, new[]
                {
                    new StructureSlice(attention + ".query.weight", 0, start, headDim),
                    new StructureSlice(attention + ".key.weight", 0, start, headDim),
                    new StructureSlice(attention + ".value.weight", 0, start, headDim),
                    new StructureSlice(attention + ".output.weight", 1, start, headDim),
                }));
            }
            int width = Spec.FeedForwardOf(i);
            for (int n = 0; n < width; n++)
            {
                result.Add(new PrunableStructure(StructureKind.FeedForwardNeuron, layer + ".ffn", n, new[]
                {
                    new StructureSlice(layer + ".feed_forward_in.weight", 0, n, 1),
                    new StructureSlice(layer + ".feed_forward_out.weight", 1, n, 1),
                }));
            }
        }
        return result;
    }

    /// <summary>The per-window normalisation in use (RevIN unless the spec says otherwise).</summary>
    public InstanceNormalization Normalization => _normalization;

    /// <summary>
    /// Cuts (batch, L, C) windows into patches, channel-independently: (B, L, C) → (B·C, L), end-padded with
    /// <see cref="Stride"/> copies of the last value, then unfolded into (B·C, <see cref="NumPatches"/>, <see cref="PatchLength"/>).
    /// Row b·C + c holds channel c of window b.
    /// </summary>
    public Tensor Patchify(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        long batch = x.shape[0], channels = x.shape[2];
        using var series = x.permute(0, 2, 1).reshape(batch, channels, x.shape[1]);
        using var padded = nn.functional.pad(series, new long[] { 0, Stride }, PaddingModes.Replicate);
        return padded.reshape(batch * channels, padded.shape[2]).unfold(1, PatchLength, Stride);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(context);
        ForecasterFactory.CheckInput(x, Spec);
        long batch = x.shape[0], channels = x.shape[2];
        int dModel = Spec.ModelDimension;

        var (normalized, normalizer) = WindowNormalizer.Normalize(x, _normalization);
        var patches = Patchify(normalized);                                           // (B·C, N, patch)
        var tokens = embedding_dropout.Forward(patch_projection.forward(patches) + pos_embedding, context);

        Tensor? scores = null;
        foreach (var layer in encoder) (tokens, scores) = layer.Forward(tokens, scores, context);

        var flat = tokens.reshape(batch * channels, NumPatches * dModel);
        var forecast = head_dropout.Forward(head.forward(flat), context).view(batch, channels, Spec.Horizon).permute(0, 2, 1); // (B, H, C)
        return normalizer.Denormalize(forecast);
    }
}
