using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class RecurrentForecasterTests
{
    [Theory]
    [InlineData(ForecasterKind.Rnn, InstanceNormalization.Window)]
    [InlineData(ForecasterKind.Lstm, InstanceNormalization.WindowLast)]
    [InlineData(ForecasterKind.Gru, InstanceNormalization.Window)]
    public void TargetNormalizationIsUndoneAtTheOutput(ForecasterKind kind, InstanceNormalization normalization)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        var spec = ModelTestData.Small(kind, lookback: 10, horizon: 3, targets: 1, covariates: 2) with { Normalization = normalization };
        using var module = new RecurrentForecaster(spec);
        module.eval();
        var x = ModelTestData.RandomInput(4, 10, 3, seed: 31);
        var y = module.forward(x);

        // Shift and scale the target channel only: the forecast follows the same affine map.
        var moved = x.clone();
        moved.select(2, 0).mul_(4).add_(-7);
        var expected = y * 4 - 7;
        var relative = (module.forward(moved) - expected).abs() / (expected.abs() + 1);
        Assert.True(relative.max().item<float>() < 1e-4, $"relative error {relative.max().item<float>()}");

        // Covariates are not normalised: scaling them changes the forecast.
        var scaledCovariates = x.clone();
        scaledCovariates.narrow(2, 1, 2).mul_(3);
        Assert.True(ModelTestData.MaxAbs(module.forward(scaledCovariates) - y) > 1e-3);
    }

    [Fact]
    public void WithoutNormalizationShiftingTheTargetIsNotAShiftOfTheForecast()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        using var module = new RecurrentForecaster(ModelTestData.Small(ForecasterKind.Lstm, lookback: 10, horizon: 3, targets: 1));
        module.eval();
        var x = ModelTestData.RandomInput(4, 10, 1, seed: 32);
        var shifted = module.forward(x + 5);
        Assert.True(ModelTestData.MaxAbs(shifted - (module.forward(x) + 5)) > 1e-2);
    }

    [Theory]
    [InlineData(ForecasterKind.Rnn, 3, 4)]  // weight_ih, weight_hh, bias_ih, bias_hh per layer
    [InlineData(ForecasterKind.Lstm, 2, 4)]
    [InlineData(ForecasterKind.Gru, 1, 4)]
    public void StackedLayersEachOwnTheirWeights(ForecasterKind kind, int layers, int perLayer)
    {
        var spec = ModelTestData.Small(kind, targets: 2, covariates: 1) with { NumberOfLayers = layers, HiddenSize = 8 };
        using var module = new RecurrentForecaster(spec);
        var names = module.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(layers * perLayer + 2, names.Count);
        int gates = kind switch { ForecasterKind.Lstm => 4, ForecasterKind.Gru => 3, _ => 1 };
        var firstInput = module.named_parameters().Single(p => p.name.EndsWith("0.weight_ih_l0")).parameter;
        Assert.Equal(new long[] { gates * 8, 3 }, firstInput.shape);
        var head = module.named_parameters().Single(p => p.name == "head.weight").parameter;
        Assert.Equal(new long[] { spec.Horizon * 2, 8 }, head.shape);
    }
}
