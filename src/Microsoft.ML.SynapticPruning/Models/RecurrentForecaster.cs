using Microsoft.ML.SynapticPruning.Models.Layers;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// Elman RNN (tanh), LSTM or GRU forecaster as in the paper's scripts: the input (targets then covariates) runs through
/// <see cref="ForecasterSpec.NumberOfLayers"/> stacked single-layer recurrent modules (batch-first, hidden
/// <see cref="ForecasterSpec.HiddenSize"/>, or per layer <see cref="ForecasterSpec.LayerHiddenSizes"/>) with a <see cref="ContextDropout"/> between consecutive layers; the hidden
/// state of the last layer at the last time step goes through dropout and a <c>Linear(hidden → H·C)</c> head, reshaped to
/// (batch, H, C). Optional per-window normalisation of the target channels (default <see cref="InstanceNormalization.None"/>),
/// undone at the output; covariates pass through unchanged (they are globally scaled).
/// </summary>
/// <remarks>
/// Structured pruning (<see cref="IStructuredPrunable"/>): one structure per hidden unit j of layer i (group
/// <c>lstm.i</c>/<c>gru.i</c>/<c>rnn.i</c>): its rows in every gate block of <c>weight_ih_l0</c> and <c>weight_hh_l0</c>
/// (4 for LSTM, 3 for GRU, 1 for RNN), its column of <c>weight_hh_l0</c>, and its column of the consumer (layer i+1's
/// <c>weight_ih_l0</c>, or <c>head.weight</c> after the last layer).
/// </remarks>
public sealed class RecurrentForecaster : ForecastingNetwork, IStructuredPrunable
{
    private readonly InstanceNormalization _normalization;

#pragma warning disable IDE1006 // TorchSharp names submodules after the fields.
    private readonly ModuleList<RNN> rnn;
    private readonly ModuleList<LSTM> lstm;
    private readonly ModuleList<GRU> gru;
    private readonly ContextDropout layer_dropout;
    private readonly ContextDropout head_dropout;
    private readonly Linear head;
#pragma warning restore IDE1006

    /// <summary>Builds the network described by <paramref name="spec"/> (Kind Rnn, Lstm or Gru; validated with <see cref="ForecasterFactory.Validate"/>).</summary>
    public RecurrentForecaster(ForecasterSpec spec) : base("recurrent", spec)
    {
        if (spec.Kind is not (ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru))
            throw new ArgumentException($"The spec describes a {spec.Kind} model; RecurrentForecaster needs Kind = Rnn, Lstm or Gru.", nameof(spec));
        ForecasterFactory.Validate(spec);
        // libtorch's LSTM inference kernel is wrong on some AVX-512 CPUs: verified (or replaced) once per process.
        if (spec.Kind == ForecasterKind.Lstm) RecurrentKernelCheck.EnsureVerified();
        _normalization = ForecasterFactory.ResolveNormalization(spec);
        int inputSize = spec.TargetChannels + spec.CovariateChannels;
        long InputOf(int layer) => layer == 0 ? inputSize : spec.HiddenSizeOf(layer - 1);
        var layers = Enumerable.Range(0, spec.NumberOfLayers);
        rnn = nn.ModuleList(spec.Kind == ForecasterKind.Rnn
            ? layers.Select(i => nn.RNN(InputOf(i), spec.HiddenSizeOf(i), numLayers: 1, nonLinearity: nn.NonLinearities.Tanh, batchFirst: true)).ToArray()
            : Array.Empty<RNN>());
        lstm = nn.ModuleList(spec.Kind == ForecasterKind.Lstm
            ? layers.Select(i => nn.LSTM(InputOf(i), spec.HiddenSizeOf(i), numLayers: 1, batchFirst: true)).ToArray()
            : Array.Empty<LSTM>());
        gru = nn.ModuleList(spec.Kind == ForecasterKind.Gru
            ? layers.Select(i => nn.GRU(InputOf(i), spec.HiddenSizeOf(i), numLayers: 1, batchFirst: true)).ToArray()
            : Array.Empty<GRU>());
        layer_dropout = new ContextDropout(spec.DropoutRate, "layer_dropout");
        head_dropout = new ContextDropout(spec.DropoutRate, "head_dropout");
        head = nn.Linear(spec.HiddenSizeOf(spec.NumberOfLayers - 1), (long)spec.Horizon * spec.TargetChannels);
        RegisterComponents();
    }

    /// <summary>Gate blocks per recurrent layer: 4 (LSTM), 3 (GRU) or 1 (RNN).</summary>
    public int Gates => Spec.Kind switch { ForecasterKind.Lstm => 4, ForecasterKind.Gru => 3, _ => 1 };

    /// <summary>The name prefix of the recurrent layers: <c>lstm</c>, <c>gru</c> or <c>rnn</c>.</summary>
    public string LayerPrefix => Spec.Kind switch { ForecasterKind.Lstm => "lstm", ForecasterKind.Gru => "gru", _ => "rnn" };

    /// <inheritdoc />
    public IReadOnlyList<PrunableStructure> GetStructures()
    {
        var result = new List<PrunableStructure>();
        string prefix = LayerPrefix;
        for (int i = 0; i < Spec.NumberOfLayers; i++)
        {
            int hidden = Spec.HiddenSizeOf(i);
            string consumer = i + 1 < Spec.NumberOfLayers ? $"{prefix}.{i + 1}.weight_ih_l0" : "head.weight";
            for (int j = 0; j < hidden; j++)
            {
                var slices = new List<StructureSlice>();
                for (int g = 0; g < Gates; g++)
                {
                    slices.Add(new StructureSlice($"{prefix}.{i}.weight_ih_l0", 0, (long)g * hidden + j, 1));
                    slices.Add(new StructureSlice($"{prefix}.{i}.weight_hh_l0", 0, (long)g * hidden + j, 1));
                }
                slices.Add(new StructureSlice($"{prefix}.{i}.weight_hh_l0", 1, j, 1));
                slices.Add(new StructureSlice(consumer, 1, j, 1));
                result.Add(new PrunableStructure(StructureKind.RecurrentUnit, $"{prefix}.{i}", j, slices));
            }
        }
        return result;
    }

    /// <summary>The per-window normalisation of the target channels in use.</summary>
    public InstanceNormalization Normalization => _normalization;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(context);
        ForecasterFactory.CheckInput(x, Spec);
        int targets = Spec.TargetChannels;
        long batch = x.shape[0];

        var sequence = x;
        WindowNormalizer normalizer = default;
        if (_normalization != InstanceNormalization.None)
        {
            Tensor normalizedTargets;
            (normalizedTargets, normalizer) = WindowNormalizer.Normalize(x.narrow(2, 0, targets), _normalization);
            sequence = Spec.CovariateChannels == 0
                ? normalizedTargets
                : torch.cat(new[] { normalizedTargets, x.narrow(2, targets, Spec.CovariateChannels) }, 2);
        }

        for (int i = 0; i < Spec.NumberOfLayers; i++)
        {
            if (i > 0) sequence = layer_dropout.Forward(sequence, context);
            sequence = Spec.Kind switch
            {
                ForecasterKind.Rnn => rnn[i].forward(sequence, null).Item1,
                ForecasterKind.Lstm => lstm[i].forward(sequence).Item1,
                _ => gru[i].forward(sequence, null).Item1,
            };
        }

        var last = sequence.select(1, sequence.shape[1] - 1);                      // (B, hidden)
        var forecast = head.forward(head_dropout.Forward(last, context)).view(batch, Spec.Horizon, targets);
        return normalizer.Denormalize(forecast);
    }
}
