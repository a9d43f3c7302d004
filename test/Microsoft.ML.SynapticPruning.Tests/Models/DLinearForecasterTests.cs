using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class DLinearForecasterTests
{
    private static ForecasterSpec Tiny(int channels = 1) => new()
    {
        Kind = ForecasterKind.DLinear, Lookback = 4, Horizon = 4, TargetChannels = channels, MovingAverageKernel = 3,
    };

    [Fact]
    public void ConstantInputHasNoRemainder()
    {
        using var scope = torch.NewDisposeScope();
        using var module = new DLinearForecaster(ModelTestData.Small(ForecasterKind.DLinear, lookback: 16, targets: 3) with { MovingAverageKernel = 25 });
        var x = torch.full(new long[] { 2, 16, 3 }, 4.25f);
        var (trend, remainder) = module.Decompose(x);
        Assert.True(ModelTestData.MaxAbs(remainder) < 1e-6);
        Assert.True(ModelTestData.MaxAbs(trend - 4.25f) < 1e-6);
    }

    [Fact]
    public void TrendIsTheEdgeReplicatedMovingAverage()
    {
        using var scope = torch.NewDisposeScope();
        using var module = new DLinearForecaster(Tiny());
        var x = torch.tensor(new float[] { 1, 2, 4, 8 }).view(1, 4, 1);
        var (trend, remainder) = module.Decompose(x);
        // Padded series 1 | 1 2 4 8 | 8; averages of three: (1+1+2)/3, (1+2+4)/3, (2+4+8)/3, (4+8+8)/3.
        var expectedTrend = new[] { 4f / 3, 7f / 3, 14f / 3, 20f / 3 };
        Assert.Equal(expectedTrend, trend.flatten().data<float>().ToArray(), new FloatComparer(1e-5f));
        var expectedRemainder = new[] { 1 - 4f / 3, 2 - 7f / 3, 4 - 14f / 3, 8 - 20f / 3 };
        Assert.Equal(expectedRemainder, remainder.flatten().data<float>().ToArray(), new FloatComparer(1e-5f));
    }

    [Fact]
    public void TrendPathAppliesItsLinearMapToTheMovingAverage()
    {
        using var scope = torch.NewDisposeScope();
        using var module = new DLinearForecaster(Tiny());
        var weights = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (torch.no_grad())
        {
            // Trend map: output h = sum of the trend's first h+1 values, plus bias 0.5; remainder map: zero.
            weights["trend_linear.weight"].copy_(torch.tril(torch.ones(4, 4)));
            weights["trend_linear.bias"].fill_(0.5f);
            weights["remainder_linear.weight"].zero_();
            weights["remainder_linear.bias"].zero_();
        }
        var x = torch.tensor(new float[] { 1, 2, 4, 8 }).view(1, 4, 1);
        var expected = new[] { 4f / 3 + 0.5f, 11f / 3 + 0.5f, 25f / 3 + 0.5f, 45f / 3 + 0.5f };
        Assert.Equal(expected, module.TrendForecast(x).flatten().data<float>().ToArray(), new FloatComparer(1e-4f));
        Assert.Equal(expected, module.forward(x).flatten().data<float>().ToArray(), new FloatComparer(1e-4f));
    }

    [Fact]
    public void RemainderPathSeesInputMinusTrend()
    {
        using var scope = torch.NewDisposeScope();
        using var module = new DLinearForecaster(Tiny(channels: 2));
        var weights = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (torch.no_grad())
        {
            weights["trend_linear.weight"].copy_(torch.eye(4));
            weights["trend_linear.bias"].zero_();
            weights["remainder_linear.weight"].copy_(torch.eye(4));
            weights["remainder_linear.bias"].zero_();
        }
        // Identity maps on both parts: trend + remainder reconstructs the input exactly.
        var x = torch.tensor(new float[] { 1, 2, 4, 8, -1, 0, 3, 3 }).view(1, 4, 2);
        Assert.True(module.forward(x).allclose(x, atol: 1e-5));
    }

    [Fact]
    public void ChannelsShareTheLinearMaps()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var module = new DLinearForecaster(ModelTestData.Small(ForecasterKind.DLinear, lookback: 12, horizon: 3, targets: 3));
        var x = ModelTestData.RandomInput(2, 12, 3, seed: 3);
        var y = module.forward(x);
        var single = module.forward(x.index_select(2, torch.tensor(new long[] { 1, 1, 1 })));
        for (int c = 0; c < 3; c++) Assert.True(single.select(2, c).allclose(y.select(2, 1), atol: 1e-6));
    }

    private sealed class FloatComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
