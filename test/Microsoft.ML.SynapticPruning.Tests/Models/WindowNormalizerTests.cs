using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Models.Layers;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class WindowNormalizerTests
{
    // Window 1 2 4 8: mean 3.75, biased variance (2.75² + 1.75² + 0.25² + 4.25²) / 4 = 7.1875, last value 8.
    private static readonly float[] Window = { 1, 2, 4, 8 };
    private static readonly double Scale = Math.Sqrt(7.1875 + 1e-5);

    [Theory]
    [InlineData(InstanceNormalization.Window, 3.75)]
    [InlineData(InstanceNormalization.WindowLast, 8.0)]
    public void SubtractsTheLocationAndDividesByTheWindowStd(InstanceNormalization mode, double location)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Window).view(1, 4, 1);
        var (normalized, normalizer) = WindowNormalizer.Normalize(x, mode);
        var expected = Window.Select(v => (float)((v - location) / Scale)).ToArray();
        var actual = normalized.flatten().data<float>().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 5);
        Assert.True(normalizer.Denormalize(normalized).allclose(x, atol: 1e-5));
    }

    [Fact]
    public void NoneLeavesTheInputAlone()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Window).view(1, 4, 1);
        var (normalized, normalizer) = WindowNormalizer.Normalize(x, InstanceNormalization.None);
        Assert.True(normalized.Identical(x));
        Assert.True(normalizer.Denormalize(x * 2).Identical(x * 2));
    }

    [Fact]
    public void ChannelsAndWindowsAreNormalizedSeparately()
    {
        using var scope = torch.NewDisposeScope();
        var x = ModelTestData.RandomInput(3, 9, 4, seed: 51) * torch.tensor(new float[] { 1, 10, 100, 0.5f }) + 5;
        var (normalized, _) = WindowNormalizer.Normalize(x, InstanceNormalization.Window);
        Assert.True(normalized.mean(new long[] { 1 }).abs().max().item<float>() < 1e-5);
        Assert.True((normalized.var(1, unbiased: false) - 1).abs().max().item<float>() < 1e-3);
    }
}
