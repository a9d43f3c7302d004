using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class ForecasterShapeTests
{
    public static TheoryData<ForecasterKind, int, int, int, int> Shapes()
    {
        var data = new TheoryData<ForecasterKind, int, int, int, int>();
        foreach (var kind in ModelTestData.AllKinds)
        {
            bool covariatesAllowed = kind is ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru;
            data.Add(kind, 1, 1, 1, 0);
            data.Add(kind, 1, 3, 2, 0);
            data.Add(kind, 7, 1, 1, covariatesAllowed ? 2 : 0);
            data.Add(kind, 30, 5, 7, covariatesAllowed ? 3 : 0);
            data.Add(kind, 60, 12, 1, 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OutputIsBatchByHorizonByTargets(ForecasterKind kind, int lookback, int horizon, int targets, int covariates)
    {
        using var scope = torch.NewDisposeScope();
        var spec = ModelTestData.Small(kind, lookback, horizon, targets, covariates);
        using var module = ForecasterFactory.Create(spec);
        module.eval();
        var x = ModelTestData.RandomInput(3, lookback, targets + covariates, seed: 5);
        var y = module.forward(x);
        Assert.Equal(new long[] { 3, horizon, targets }, y.shape);
        Assert.False(y.isnan().any().item<bool>(), "the forecast contains NaN");
        Assert.False(y.isinf().any().item<bool>(), "the forecast contains Inf");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OutputShapeHoldsWithNormalizationAndTrainingContext(ForecasterKind kind, int lookback, int horizon, int targets, int covariates)
    {
        using var scope = torch.NewDisposeScope();
        var spec = ModelTestData.Small(kind, lookback, horizon, targets, covariates) with
        {
            Normalization = InstanceNormalization.WindowLast,
            DropoutRate = 0.2,
            NumberOfLayers = 2,
        };
        using var module = ForecasterFactory.Create(spec);
        module.train();
        var x = ModelTestData.RandomInput(4, lookback, targets + covariates, seed: 6);
        var y = module.Forward(x, ForwardContext.ForTraining(new torch.Generator(1)));
        Assert.Equal(new long[] { 4, horizon, targets }, y.shape);
        Assert.False(y.isnan().any().item<bool>(), "the forecast contains NaN");
    }

    [Fact]
    public void PatchTst42ConfigurationHas42PatchesAndForecasts96Steps()
    {
        using var scope = torch.NewDisposeScope();
        // PatchTST/42 on ETTh1 (Nie et al. 2023): L 336, patch 16, stride 8, 3 layers, d_model 16, 4 heads, ff 128.
        var spec = new ForecasterSpec
        {
            Kind = ForecasterKind.PatchTst, Lookback = 336, Horizon = 96, TargetChannels = 7,
            ModelDimension = 16, NumberOfHeads = 4, NumberOfLayers = 3, FeedForwardSize = 128, DropoutRate = 0.3,
        };
        using var module = (PatchTstForecaster)ForecasterFactory.Create(spec);
        Assert.Equal(16, module.PatchLength);
        Assert.Equal(8, module.Stride);
        Assert.Equal(42, module.NumPatches);
        module.eval();
        var y = module.forward(ModelTestData.RandomInput(2, 336, 7, seed: 1));
        Assert.Equal(new long[] { 2, 96, 7 }, y.shape);
    }

    [Theory]
    [InlineData(1, 2)]   // patch 1, stride 1, one padded copy
    [InlineData(30, 11)] // patch 3, stride 3: (30 + 3 − 3) / 3 + 1
    [InlineData(64, 17)] // patch 4, stride 4
    [InlineData(65, 8)]  // patch 16, stride 8: (65 + 8 − 16) / 8 + 1
    public void NumPatchesCountsTheEndPaddedPatches(int lookback, int expected)
    {
        using var module = new PatchTstForecaster(ModelTestData.Small(ForecasterKind.PatchTst, lookback: lookback));
        Assert.Equal(expected, module.NumPatches);
    }

    [Fact]
    public void WrongInputShapeIsRejectedWithTheExpectedShape()
    {
        using var scope = torch.NewDisposeScope();
        using var module = ForecasterFactory.Create(ModelTestData.Small(ForecasterKind.Lstm, lookback: 8, targets: 1, covariates: 2));
        var error = Assert.Throws<ArgumentException>(() => module.forward(torch.zeros(2, 8, 1)));
        Assert.Contains("(batch, 8, 3)", error.Message);
    }

    [Theory]
    [InlineData(ForecasterKind.Lstm)]
    [InlineData(ForecasterKind.PatchTst)]
    [InlineData(ForecasterKind.DLinear)]
    public void InitializationIsDeterministicUnderManualSeed(ForecasterKind kind)
    {
        var spec = ModelTestData.Small(kind);
        torch.manual_seed(123);
        using var first = ForecasterFactory.Create(spec);
        torch.manual_seed(123);
        using var second = ForecasterFactory.Create(spec);
        torch.manual_seed(124);
        using var third = ForecasterFactory.Create(spec);
        var a = first.named_parameters().ToList();
        var b = second.named_parameters().ToList();
        var c = third.named_parameters().ToList();
        Assert.Equal(a.Select(p => p.name), b.Select(p => p.name));
        for (int i = 0; i < a.Count; i++) Assert.True(a[i].parameter.Identical(b[i].parameter), $"{a[i].name} differs under the same seed");
        Assert.Contains(Enumerable.Range(0, a.Count), i => !a[i].parameter.Identical(c[i].parameter));
    }
}
