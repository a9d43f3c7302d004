using Microsoft.ML.SynapticPruning.Models;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class ForecasterFactoryTests
{
    public static TheoryData<string, ForecasterSpec> InvalidSpecs()
    {
        var lstm = new ForecasterSpec { Kind = ForecasterKind.Lstm };
        var patch = new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 32 };
        var dlinear = new ForecasterSpec { Kind = ForecasterKind.DLinear };
        return new TheoryData<string, ForecasterSpec>
        {
            { "Lookback", lstm with { Lookback = 0 } },
            { "Horizon", lstm with { Horizon = 0 } },
            { "TargetChannels", lstm with { TargetChannels = 0 } },
            { "CovariateChannels", lstm with { CovariateChannels = -1 } },
            { "HiddenSize", lstm with { HiddenSize = 0 } },
            { "NumberOfLayers", lstm with { NumberOfLayers = 0 } },
            { "DropoutRate", lstm with { DropoutRate = 1.0 } },
            { "DropoutRate", lstm with { DropoutRate = -0.1 } },
            { "DropoutRate", lstm with { DropoutRate = double.NaN } },
            { "ModelDimension", patch with { ModelDimension = 0 } },
            { "NumberOfHeads", patch with { NumberOfHeads = 0 } },
            { "NumberOfHeads (3) must divide ModelDimension (64)", patch with { NumberOfHeads = 3, ModelDimension = 64 } },
            { "NumberOfLayers", patch with { NumberOfLayers = 0 } },
            { "FeedForwardSize", patch with { FeedForwardSize = 0 } },
            { "PatchLength (33)", patch with { PatchLength = 33 } },
            { "PatchLength", patch with { PatchLength = 0 } },
            { "Stride", patch with { Stride = 0 } },
            { "MovingAverageKernel", dlinear with { MovingAverageKernel = 4 } },
            { "MovingAverageKernel", dlinear with { MovingAverageKernel = 0 } },
            { "Normalization", lstm with { Normalization = (InstanceNormalization)42 } },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void ValidateNamesTheOffendingOption(string expectedInMessage, ForecasterSpec spec)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ForecasterFactory.Validate(spec));
        Assert.Contains(expectedInMessage, error.Message);
        Assert.ThrowsAny<ArgumentException>(() => ForecasterFactory.Create(spec));
    }

    [Theory]
    [InlineData(ForecasterKind.PatchTst)]
    [InlineData(ForecasterKind.DLinear)]
    public void ChannelIndependentModelsRejectCovariates(ForecasterKind kind)
    {
        var spec = ModelTestData.Small(kind, covariates: 1);
        var error = Assert.Throws<ArgumentException>(() => ForecasterFactory.Create(spec));
        Assert.Contains("channel-independent", error.Message);
        Assert.Contains("CovariateChannels", error.Message);
        Assert.Contains("Lstm", error.Message);
        Assert.Contains("Gru", error.Message);
    }

    [Theory]
    [InlineData(ForecasterKind.Rnn)]
    [InlineData(ForecasterKind.Lstm)]
    [InlineData(ForecasterKind.Gru)]
    public void RecurrentModelsAcceptCovariates(ForecasterKind kind)
    {
        ForecasterFactory.Validate(ModelTestData.Small(kind, covariates: 3));
    }

    [Fact]
    public void OptionsOfOtherArchitecturesAreIgnored()
    {
        // A PatchTST-only option that would be invalid for PatchTST does not stop an LSTM.
        ForecasterFactory.Validate(new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 7, PatchLength = 16, NumberOfHeads = 3 });
        Assert.ThrowsAny<ArgumentException>(() =>
            ForecasterFactory.Validate(new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 7, PatchLength = 16 }));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(7, 1)]
    [InlineData(8, 2)]
    [InlineData(14, 2)]
    [InlineData(15, 3)]
    [InlineData(30, 3)]
    [InlineData(31, 4)]
    [InlineData(60, 4)]
    [InlineData(64, 4)]
    [InlineData(65, 16)]
    [InlineData(336, 16)]
    public void AutomaticPatchLengthFollowsTheTable(int lookback, int expected)
    {
        Assert.Equal(expected, ForecasterFactory.ResolvePatchLength(lookback));
    }

    [Theory]
    [InlineData(30, null, null, 3, 3)]
    [InlineData(64, null, null, 4, 4)]
    [InlineData(336, null, null, 16, 8)]
    [InlineData(336, 16, null, 16, 8)]
    [InlineData(336, 12, null, 12, 12)]
    [InlineData(336, 16, 16, 16, 16)]
    [InlineData(30, null, 1, 3, 1)]
    public void PatchingHonoursExplicitValues(int lookback, int? patch, int? stride, int expectedPatch, int expectedStride)
    {
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = lookback, PatchLength = patch, Stride = stride };
        Assert.Equal((expectedPatch, expectedStride), ForecasterFactory.ResolvePatching(spec));
    }

    [Fact]
    public void ResolvePatchLengthRejectsAnEmptyLookback()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ForecasterFactory.ResolvePatchLength(0));
        Assert.Equal("lookback", error.ParamName);
    }

    [Theory]
    [InlineData(ForecasterKind.PatchTst, InstanceNormalization.Window)]
    [InlineData(ForecasterKind.DLinear, InstanceNormalization.None)]
    [InlineData(ForecasterKind.Lstm, InstanceNormalization.None)]
    [InlineData(ForecasterKind.Gru, InstanceNormalization.None)]
    public void DefaultNormalizationDependsOnTheArchitecture(ForecasterKind kind, InstanceNormalization expected)
    {
        var spec = ModelTestData.Small(kind);
        Assert.Equal(expected, ForecasterFactory.ResolveNormalization(spec));
        Assert.Equal(InstanceNormalization.WindowLast, ForecasterFactory.ResolveNormalization(spec with { Normalization = InstanceNormalization.WindowLast }));
    }

    [Theory]
    [InlineData(ForecasterKind.Rnn, typeof(RecurrentForecaster))]
    [InlineData(ForecasterKind.Lstm, typeof(RecurrentForecaster))]
    [InlineData(ForecasterKind.Gru, typeof(RecurrentForecaster))]
    [InlineData(ForecasterKind.PatchTst, typeof(PatchTstForecaster))]
    [InlineData(ForecasterKind.DLinear, typeof(DLinearForecaster))]
    public void CreateBuildsTheRequestedArchitecture(ForecasterKind kind, Type expected)
    {
        var spec = ModelTestData.Small(kind);
        using var module = ForecasterFactory.Create(spec);
        Assert.IsType(expected, module);
        Assert.Same(spec, module.Spec);
    }
}

[Collection("Torch")]
public class ForecasterWorkEstimateTests
{
    public static TheoryData<ForecasterSpec> Specs() => new()
    {
        new ForecasterSpec { Kind = ForecasterKind.Rnn, Lookback = 12, Horizon = 3, HiddenSize = 16 },
        new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 30, Horizon = 2, TargetChannels = 2, CovariateChannels = 3, HiddenSize = 64 },
        new ForecasterSpec { Kind = ForecasterKind.Gru, Lookback = 20, NumberOfLayers = 2, LayerHiddenSizes = new[] { 24, 8 } },
        new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 60, Horizon = 4, TargetChannels = 3, ModelDimension = 32, NumberOfHeads = 4, NumberOfLayers = 2, FeedForwardSize = 64 },
        new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 336, Horizon = 96, ModelDimension = 16, NumberOfHeads = 4, NumberOfLayers = 3, FeedForwardSize = 128,
            LayerHeadSlots = new[] { new[] { 0, 2 }, new[] { 1 }, new[] { 0, 1, 2, 3 } }, LayerFeedForward = new[] { 128, 40, 7 } },
        new ForecasterSpec { Kind = ForecasterKind.DLinear, Lookback = 48, Horizon = 6, TargetChannels = 2 },
    };

    /// <summary>
    /// The estimate equals what the built network does: every weight matrix times the number of times the forward applies
    /// it to one window (recurrent weights once per time step; PatchTST's projection and encoder weights once per patch and
    /// channel, its head once per channel), plus PatchTST's weight-free attention scores and context.
    /// </summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public void EstimateCountsEveryWeightMatrixAsTheForwardUsesIt(ForecasterSpec spec)
    {
        using var module = ForecasterFactory.Create(spec);
        long channels = spec.TargetChannels + spec.CovariateChannels;
        long expected = 0;
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (parameter.dim() < 2 || name.Contains("pos_embed")) continue;
            long uses = spec.Kind switch
            {
                ForecasterKind.PatchTst => name.StartsWith("head") ? channels : channels * ((PatchTstForecaster)module).NumPatches,
                ForecasterKind.DLinear => channels,
                _ => name.StartsWith("head") ? 1 : spec.Lookback,
            };
            expected += uses * parameter.numel();
        }
        if (spec.Kind == ForecasterKind.PatchTst)
        {
            long patches = ((PatchTstForecaster)module).NumPatches;
            for (int layer = 0; layer < spec.NumberOfLayers; layer++)
                expected += channels * 2 * patches * patches * spec.HeadSlotsOf(layer).Length * (spec.ModelDimension / spec.NumberOfHeads);
        }

        Assert.Equal(expected, ForecasterFactory.EstimateMultiplyAdds(spec));
    }

    public static TheoryData<ForecasterSpec> MoreSpecs() => new()
    {
        new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 30, HiddenSize = 64 },
        new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 5, Horizon = 7, TargetChannels = 3, CovariateChannels = 2, NumberOfLayers = 3, LayerHiddenSizes = new[] { 5, 9, 2 } },
        new ForecasterSpec { Kind = ForecasterKind.Rnn, Lookback = 1, NumberOfLayers = 2, HiddenSize = 3 },
        new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 7, Horizon = 2, ModelDimension = 8, NumberOfHeads = 2, NumberOfLayers = 1, FeedForwardSize = 4 },
        new ForecasterSpec { Kind = ForecasterKind.PatchTst, Lookback = 100, Horizon = 24, ModelDimension = 32, NumberOfHeads = 8, NumberOfLayers = 2, FeedForwardSize = 16, PatchLength = 10, Stride = 3 },
        new ForecasterSpec { Kind = ForecasterKind.DLinear, Lookback = 336, Horizon = 96, TargetChannels = 7 },
    };

    /// <summary>The closed-form count equals the built network's, for every architecture and compacted shapes.</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    [MemberData(nameof(MoreSpecs))]
    public void ParameterCountFromTheSpecEqualsTheBuiltNetworks(ForecasterSpec spec)
    {
        using var module = ForecasterFactory.Create(spec);
        Assert.Equal(module.parameters().Sum(p => p.numel()), ForecasterFactory.CountParameters(spec));
    }

    [Fact]
    public void ParameterCountOfAHugeSpecIsComputedWithoutBuildingIt()
    {
        // 30,000 hidden units × 1,000 layers would need ~14 TB; the count is arithmetic only (and would overflow-check).
        var huge = new ForecasterSpec { Kind = ForecasterKind.Lstm, HiddenSize = 30_000, NumberOfLayers = 1_000 };
        Assert.True(ForecasterFactory.CountParameters(huge) > 3_000_000_000_000L);
    }

    [Fact]
    public void EstimateRejectsAnInvalidSpecByName()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => ForecasterFactory.EstimateMultiplyAdds(new ForecasterSpec { HiddenSize = 0 }));
        Assert.Contains("HiddenSize", ex.Message);
    }
}
