using Microsoft.ML.SynapticPruning.Compaction;
using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Pruning;

[Collection("Torch")]
public sealed class StructuredSpecTests
{
    [Fact]
    public void PerLayerSizesDefaultToTheUniformOnes()
    {
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, NumberOfHeads = 4, FeedForwardSize = 32, NumberOfLayers = 2, HiddenSize = 20 };
        Assert.Equal(20, spec.HiddenSizeOf(0));
        Assert.Equal(32, spec.FeedForwardOf(1));
        Assert.Equal(new[] { 0, 1, 2, 3 }, spec.HeadSlotsOf(1));
        var custom = spec with { LayerFeedForward = new[] { 5, 7 }, LayerHeadSlots = new[] { new[] { 1 }, new[] { 0, 3 } } };
        Assert.Equal(7, custom.FeedForwardOf(1));
        Assert.Equal(new[] { 0, 3 }, custom.HeadSlotsOf(1));
    }

    [Fact]
    public void InconsistentPerLayerSizesAreRejectedNamingTheOption()
    {
        var lstm = new ForecasterSpec { Kind = ForecasterKind.Lstm, NumberOfLayers = 2 };
        var e1 = Assert.Throws<ArgumentException>(() => ForecasterFactory.Validate(lstm with { LayerHiddenSizes = new[] { 8 } }));
        Assert.Contains("LayerHiddenSizes", e1.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecasterFactory.Validate(lstm with { LayerHiddenSizes = new[] { 8, 0 } }));

        var patch = new ForecasterSpec { Kind = ForecasterKind.PatchTst, NumberOfHeads = 4, NumberOfLayers = 2 };
        Assert.Contains("LayerHeadSlots", Assert.Throws<ArgumentException>(() => ForecasterFactory.Validate(patch with { LayerHeadSlots = new[] { new[] { 0 } } })).Message);
        Assert.Contains("ascending", Assert.Throws<ArgumentException>(() => ForecasterFactory.Validate(patch with { LayerHeadSlots = new[] { new[] { 2, 1 }, new[] { 0 } } })).Message);
        Assert.Contains("[0, NumberOfHeads", Assert.Throws<ArgumentException>(() => ForecasterFactory.Validate(patch with { LayerHeadSlots = new[] { new[] { 4 }, new[] { 0 } } })).Message);
        Assert.Contains("at least one head", Assert.Throws<ArgumentException>(() => ForecasterFactory.Validate(patch with { LayerHeadSlots = new[] { Array.Empty<int>(), new[] { 0 } } })).Message);
        Assert.Contains("LayerFeedForward", Assert.Throws<ArgumentException>(() => ForecasterFactory.Validate(patch with { LayerFeedForward = new[] { 3 } })).Message);
    }

    [Fact]
    public void StackedLayersOfDifferentWidthsChainTheirShapes()
    {
        using var model = ForecasterFactory.Create(new ForecasterSpec { Kind = ForecasterKind.Gru, NumberOfLayers = 3, LayerHiddenSizes = new[] { 5, 9, 2 }, Lookback = 4, Horizon = 3 });
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 27, 5 }, shapes["gru.1.weight_ih_l0"]);
        Assert.Equal(new long[] { 6, 2 }, shapes["gru.2.weight_hh_l0"]);
        Assert.Equal(new long[] { 3, 2 }, shapes["head.weight"]);
        using var y = model.forward(torch.randn(2, 4, 1));
        Assert.Equal(new long[] { 2, 3, 1 }, y.shape);
    }

    [Fact]
    public void CompactingWithNothingPrunedKeepsShapeAndForecasts()
    {
        torch.manual_seed(21);
        using var model = ForecasterFactory.Create(new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 16, ModelDimension = 8, NumberOfHeads = 2, FeedForwardSize = 8, NumberOfLayers = 2 });
        model.eval();
        var masks = model.named_parameters().ToDictionary(p => p.name, p => Enumerable.Repeat(true, (int)p.parameter.numel()).ToArray());
        using var copy = StructuredCompaction.Compact(model, masks);
        Assert.Null(copy.Spec.LayerHeadSlots);
        Assert.Equal(new[] { 8, 8 }, copy.Spec.LayerFeedForward);
        using var x = torch.randn(3, 16, 1);
        using var a = model.forward(x);
        using var b = copy.forward(x);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
    }
}
