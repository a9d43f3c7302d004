using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class ContextDropoutTests
{
    [Theory]
    [InlineData(ForecasterKind.Rnn)]
    [InlineData(ForecasterKind.Lstm)]
    [InlineData(ForecasterKind.Gru)]
    [InlineData(ForecasterKind.PatchTst)]
    [InlineData(ForecasterKind.DLinear)]
    public void InferenceIsDeterministicAndMonteCarloFollowsTheGeneratorSeed(ForecasterKind kind)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var spec = ModelTestData.Small(kind) with { DropoutRate = 0.3, NumberOfLayers = 2 };
        using var module = ForecasterFactory.Create(spec);
        module.eval();
        var x = ModelTestData.RandomInput(4, spec.Lookback, spec.TargetChannels, seed: 21);

        using var noGrad = torch.no_grad();
        var inference1 = module.Forward(x, ForwardContext.Inference);
        var inference2 = module.forward(x);
        Assert.True(inference1.Identical(inference2), "inference must be deterministic");

        var mcSeed7a = module.Forward(x, ForwardContext.MonteCarloSample(new Generator(7)));
        var mcSeed7b = module.Forward(x, ForwardContext.MonteCarloSample(new Generator(7)));
        var mcSeed8 = module.Forward(x, ForwardContext.MonteCarloSample(new Generator(8)));
        Assert.True(mcSeed7a.Identical(mcSeed7b), "MC samples with the same generator seed must be identical");
        Assert.False(mcSeed7a.Identical(mcSeed8), "MC samples with different seeds should differ");
        Assert.False(mcSeed7a.Identical(inference1), "an MC sample should apply dropout");
        Assert.False(module.training, "the module must stay in eval mode");
        Assert.All(module.modules(), m => Assert.False(m.training));
    }

    [Fact]
    public void ZeroDropoutMakesMonteCarloEqualToInference()
    {
        using var scope = torch.NewDisposeScope();
        using var module = ForecasterFactory.Create(ModelTestData.Small(ForecasterKind.Lstm));
        module.eval();
        var x = ModelTestData.RandomInput(2, 16, 2, seed: 22);
        Assert.True(module.Forward(x, ForwardContext.MonteCarloSample(new Generator(1))).Identical(module.forward(x)));
    }
}
