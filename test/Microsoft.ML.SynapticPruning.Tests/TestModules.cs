using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests;

/// <summary>Test-only LSTM forecaster following the ForecastingNetwork contract: (B, L, Cin) → (B, H, C).</summary>
internal sealed class TestLstmForecaster : ForecastingNetwork
{
    private readonly LSTM lstm;
    private readonly ContextDropout dropout;
    private readonly Linear head;

    public TestLstmForecaster(ForecasterSpec spec) : base(nameof(TestLstmForecaster), spec)
    {
        lstm = nn.LSTM(spec.TargetChannels + spec.CovariateChannels, spec.HiddenSize, numLayers: spec.NumberOfLayers, batchFirst: true);
        dropout = new ContextDropout(spec.DropoutRate);
        head = nn.Linear(spec.HiddenSize, spec.Horizon * spec.TargetChannels);
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, ForwardContext context)
    {
        using var scope = NewDisposeScope();
        var (output, _, _) = lstm.forward(x);
        var last = output.select(1, -1);
        var y = head.forward(dropout.Forward(last, context));
        return y.view(x.shape[0], Spec.Horizon, Spec.TargetChannels).MoveToOuterDisposeScope();
    }
}

/// <summary>Test-only 2-layer MLP forecaster with a LayerNorm: flattens the window.</summary>
internal sealed class TestMlpForecaster : ForecastingNetwork
{
    private readonly Linear fc1;
    private readonly LayerNorm norm;
    private readonly ContextDropout dropout;
    private readonly Linear fc2;

    public TestMlpForecaster(ForecasterSpec spec) : base(nameof(TestMlpForecaster), spec)
    {
        int inputs = spec.Lookback * (spec.TargetChannels + spec.CovariateChannels);
        fc1 = nn.Linear(inputs, spec.HiddenSize);
        norm = nn.LayerNorm(spec.HiddenSize);
        dropout = new ContextDropout(spec.DropoutRate);
        fc2 = nn.Linear(spec.HiddenSize, spec.Horizon * spec.TargetChannels);
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, ForwardContext context)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(norm.forward(fc1.forward(x.flatten(1))));
        var y = fc2.forward(dropout.Forward(h, context));
        return y.view(x.shape[0], Spec.Horizon, Spec.TargetChannels).MoveToOuterDisposeScope();
    }
}

/// <summary>Two Linear layers, a LayerNorm and a positional embedding (generic module for pruner tests).</summary>
internal sealed class TwoLayerNet : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly LayerNorm norm;
    private readonly Linear fc2;
    private readonly Parameter pos_embed;

    public TwoLayerNet(int inputs = 16, int hidden = 32, int outputs = 4) : base(nameof(TwoLayerNet))
    {
        fc1 = nn.Linear(inputs, hidden);
        norm = nn.LayerNorm(hidden);
        fc2 = nn.Linear(hidden, outputs);
        pos_embed = new Parameter(torch.randn(3, inputs) * 0.01f);
        RegisterComponents();
    }

    public Linear Fc1 => fc1;
    public Linear Fc2 => fc2;
    public LayerNorm Norm => norm;

    public override Tensor forward(Tensor x)
        => fc2.forward(nn.functional.relu(norm.forward(fc1.forward(x + pos_embed.mean(new long[] { 0 })))));
}
