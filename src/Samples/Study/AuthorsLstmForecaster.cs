using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Samples.Study;

/// <summary>
/// The authors' <c>LSTM_Forecaster</c> (their <c>Runtime_Analysis.py</c>) for <see cref="StudyProtocol.Authors"/>: one LSTM
/// layer (hidden <see cref="ForecasterSpec.HiddenSize"/>, batch-first) over the <em>covariate</em> channels only, dropout on
/// the last hidden state, <c>Linear(hidden → 1)</c>. The library's input layout puts the target channel first (it is also
/// the label); this module drops it, because the authors feed their engineered features and never the target column itself
/// (only its lag and lead copies, which are covariates here).
/// </summary>
/// <remarks>
/// <para>Parameters are named <c>lstm.weight_ih_l0</c>, <c>lstm.weight_hh_l0</c>, <c>lstm.bias_*</c>, <c>head.weight</c>,
/// <c>head.bias</c>, so the library's default pruning selection prunes exactly the authors' tensors (every <c>weight</c> of
/// the LSTM and of the linear layer, no bias). Initialisation is libtorch's default, as PyTorch's.</para>
/// <para>With <c>dropoutAtInference</c> (the authors' MC-dropout model, <c>use_mc_dropout=True</c>) dropout is applied in
/// every pass, deterministic inference included: the validation loss that drives early stopping is then one stochastic
/// pass, drawn from a generator this module owns (seeded at construction), as in their script where the model stays in
/// <c>train()</c> mode during validation. Monte-Carlo passes use the caller's generator as usual.</para>
/// </remarks>
public sealed class AuthorsLstmForecaster : ForecastingNetwork
{
#pragma warning disable IDE1006 // TorchSharp names submodules after the fields.
    private readonly LSTM lstm;
    private readonly ContextDropout head_dropout;
    private readonly Linear head;
#pragma warning restore IDE1006
    private readonly Generator? _inferenceGenerator;
    private readonly ForwardContext? _inferenceDropout;

    /// <summary>Builds the network.</summary>
    /// <param name="spec">Kind <see cref="ForecasterKind.Lstm"/>, one layer, horizon 1, one target channel, at least one
    /// covariate channel, no per-window normalisation.</param>
    /// <param name="dropoutAtInference">Apply dropout in deterministic inference passes too (the authors' MC-dropout model).</param>
    /// <param name="seed">Seed of the generator of those inference passes (ignored without <paramref name="dropoutAtInference"/>).</param>
    /// <exception cref="ArgumentException">The spec is not such a network, or <paramref name="dropoutAtInference"/> without dropout.</exception>
    public AuthorsLstmForecaster(ForecasterSpec spec, bool dropoutAtInference, long seed) : base("authors_lstm", spec)
    {
        if (spec.Kind != ForecasterKind.Lstm || spec.NumberOfLayers != 1 || spec.LayerHiddenSizes is not null)
            throw new ArgumentException($"The authors' network is a one-layer LSTM; the spec describes {spec.NumberOfLayers} layer(s) of {spec.Kind}.", nameof(spec));
        if (spec.Horizon != 1 || spec.TargetChannels != 1)
            throw new ArgumentException($"The authors' network forecasts one target one step ahead; the spec has horizon {spec.Horizon} and {spec.TargetChannels} target channel(s).", nameof(spec));
        if (spec.CovariateChannels < 1)
            throw new ArgumentException("The authors' network reads covariate channels only (the target is not an input); the spec has none.", nameof(spec));
        if (spec.Normalization is { } norm && norm != InstanceNormalization.None)
            throw new ArgumentException($"The authors' network has no per-window normalisation; the spec asks for {norm}.", nameof(spec));
        if (dropoutAtInference && !(spec.DropoutRate > 0))
            throw new ArgumentException("dropoutAtInference needs a spec with Dropout > 0.", nameof(dropoutAtInference));
        lstm = nn.LSTM(spec.CovariateChannels, spec.HiddenSize, numLayers: 1, batchFirst: true);
        head_dropout = new ContextDropout(spec.DropoutRate, "head_dropout");
        head = nn.Linear(spec.HiddenSize, 1);
        RegisterComponents();
        if (dropoutAtInference)
        {
            // Its own stream, apart from the trainer's dropout and shuffling generators (golden-ratio offset of the seed).
            _inferenceGenerator = new Generator(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 3), torch.CPU);
            _inferenceDropout = ForwardContext.MonteCarloSample(_inferenceGenerator);
        }
    }

    /// <summary>Whether deterministic inference passes apply dropout too.</summary>
    public bool DropoutAtInference => _inferenceDropout is not null;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(context);
        int channels = Spec.TargetChannels + Spec.CovariateChannels;
        if (x.dim() != 3 || x.shape[2] != channels)
            throw new ArgumentException($"Expected input (batch, lookback, {channels}); got ({string.Join(", ", x.shape)}).", nameof(x));
        if (!context.DropoutActive && _inferenceDropout is not null) context = _inferenceDropout;
        var features = x.narrow(2, Spec.TargetChannels, Spec.CovariateChannels);
        var sequence = lstm.forward(features).Item1;
        var last = sequence.select(1, sequence.shape[1] - 1);
        return head.forward(head_dropout.Forward(last, context)).view(x.shape[0], 1, 1);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _inferenceGenerator?.Dispose();
        base.Dispose(disposing);
    }
}
