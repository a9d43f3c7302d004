using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// One single-layer, batch-first recurrent layer stepped in time with the textbook cell equations, from its
/// <c>weight_ih_l0</c> (G·H × in), <c>weight_hh_l0</c> (G·H × H), <c>bias_ih_l0</c> and <c>bias_hh_l0</c> (gate blocks in
/// PyTorch order), starting from a zero state:
/// <list type="bullet">
/// <item>RNN: h = tanh(W_ih x + b_ih + W_hh h + b_hh).</item>
/// <item>LSTM (gates i, f, g, o): i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c = f·c + i·g; h = o·tanh(c).</item>
/// <item>GRU (gates r, z, n): r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise,
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h = (1 − z)·n + z·h.</item>
/// </list>
/// </summary>
internal sealed class TextbookRecurrentLayer
{
    private readonly ForecasterKind _kind;
    private readonly Tensor _weightIh;
    private readonly Tensor _weightHh;
    private readonly Tensor _biasIh;
    private readonly Tensor _biasHh;

    /// <summary>Reads layer <c>{prefix}</c> (e.g. <c>lstm.1</c>) from <paramref name="tensors"/>.</summary>
    public TextbookRecurrentLayer(ForecasterKind kind, ModuleTensors tensors, string prefix)
    {
        _kind = kind;
        _weightIh = tensors[prefix + ".weight_ih_l0"];
        _weightHh = tensors[prefix + ".weight_hh_l0"];
        _biasIh = tensors[prefix + ".bias_ih_l0"];
        _biasHh = tensors[prefix + ".bias_hh_l0"];
        Hidden = _weightHh.shape[1];
        long gates = kind switch { ForecasterKind.Lstm => 4, ForecasterKind.Gru => 3, _ => 1 };
        if (_weightHh.shape[0] != gates * Hidden || _weightIh.shape[0] != gates * Hidden)
            throw new InvalidOperationException($"{prefix}: weight_ih {Shape(_weightIh)} / weight_hh {Shape(_weightHh)} do not have {gates} gate blocks of {Hidden} rows.");
    }

    /// <summary>The hidden size H (columns of <c>weight_hh_l0</c>).</summary>
    public long Hidden { get; }

    /// <summary>Runs the layer over <paramref name="steps"/> (one (batch, in) tensor per time step); returns h at every step.</summary>
    public List<Tensor> Run(IReadOnlyList<Tensor> steps)
    {
        long batch = steps[0].shape[0];
        var h = torch.zeros(new[] { batch, Hidden }, dtype: steps[0].dtype);
        var c = torch.zeros(new[] { batch, Hidden }, dtype: steps[0].dtype);
        var outputs = new List<Tensor>(steps.Count);
        foreach (var x in steps)
        {
            var fromInput = torch.matmul(x, _weightIh.t()) + _biasIh;    // (B, G·H)
            var fromState = torch.matmul(h, _weightHh.t()) + _biasHh;    // (B, G·H)
            switch (_kind)
            {
                case ForecasterKind.Rnn:
                    h = (fromInput + fromState).tanh();
                    break;
                case ForecasterKind.Lstm:
                    var gates = fromInput + fromState;
                    var i = Gate(gates, 0).sigmoid();
                    var f = Gate(gates, 1).sigmoid();
                    var g = Gate(gates, 2).tanh();
                    var o = Gate(gates, 3).sigmoid();
                    c = f * c + i * g;
                    h = o * c.tanh();
                    break;
                case ForecasterKind.Gru:
                    var r = (Gate(fromInput, 0) + Gate(fromState, 0)).sigmoid();
                    var z = (Gate(fromInput, 1) + Gate(fromState, 1)).sigmoid();
                    var n = (Gate(fromInput, 2) + r * Gate(fromState, 2)).tanh();
                    h = (1 - z) * n + z * h;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(_kind), _kind, "Not a recurrent kind.");
            }
            outputs.Add(h);
        }
        return outputs;
    }

    private Tensor Gate(Tensor blocks, int gate) => blocks.narrow(1, gate * Hidden, Hidden);

    private static string Shape(Tensor t) => $"({string.Join(", ", t.shape)})";
}
