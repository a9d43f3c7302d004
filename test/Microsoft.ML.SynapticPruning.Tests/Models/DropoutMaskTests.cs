using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Models.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

/// <summary>
/// The host-drawn dropout masks: values, keep rate, independence of neighbours, determinism per seed, any length, and that
/// <see cref="ContextDropout"/> draws one seed per mask from the pass's generator.
/// </summary>
[Collection("Torch")]
public sealed class DropoutMaskTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void MaskValuesAreZeroOrTheInverseKeepRateAndAreKeptAtRateOneMinusP(double p)
    {
        const int n = 1_000_003; // odd: exercises the tail after the last full vector
        var mask = new float[n];
        DropoutMask.Fill(mask, p, seed: 42);
        float keep = (float)(1.0 / (1.0 - p));
        Assert.All(mask, v => Assert.True(v == 0f || v == keep, $"value {v}"));
        double kept = mask.Count(v => v != 0) / (double)n;
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(kept, 1 - p - 5 * sigma, 1 - p + 5 * sigma);
        // Inverted dropout keeps the mean: E[mask] = 1.
        Assert.InRange(mask.Average(v => (double)v), 1 - 5 * sigma * keep, 1 + 5 * sigma * keep);
    }

    [Fact]
    public void NeighbouringAndEightApartElementsAreUncorrelated()
    {
        const int n = 1 << 20;
        var mask = new float[n];
        DropoutMask.Fill(mask, 0.3, seed: 7);
        // Lag 1 (same 64-bit word or the next lane), lag 2, lag 8 (same lane, next step) must not be correlated.
        foreach (int lag in new[] { 1, 2, 4, 8 })
        {
            double mean = mask.Average(v => (double)v), cov = 0, variance = 0;
            for (int i = 0; i + lag < n; i++) cov += (mask[i] - mean) * (mask[i + lag] - mean);
            for (int i = 0; i < n; i++) variance += (mask[i] - mean) * (mask[i] - mean);
            double correlation = cov / variance;
            Assert.True(Math.Abs(correlation) < 5 / Math.Sqrt(n), $"lag {lag}: correlation {correlation}");
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameMaskAndAShorterMaskIsItsPrefix()
    {
        var a = new float[1000];
        var b = new float[1000];
        var prefix = new float[13];
        var other = new float[1000];
        DropoutMask.Fill(a, 0.3, 99);
        DropoutMask.Fill(b, 0.3, 99);
        DropoutMask.Fill(prefix, 0.3, 99);
        DropoutMask.Fill(other, 0.3, 100);
        Assert.Equal(a, b);
        Assert.Equal(a[..13], prefix);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void ContextDropoutDrawsOneSeedPerMaskFromThePassGenerator()
    {
        using var scope = torch.NewDisposeScope();
        var dropout = new ContextDropout(0.3);
        var x = torch.ones(64, 33);
        var first = dropout.Forward(x, ForwardContext.ForTraining(new Generator(5)));
        var again = dropout.Forward(x, ForwardContext.ForTraining(new Generator(5)));
        Assert.True(first.Identical(again), "same generator seed, same mask");

        // The generator advances by one draw per mask: two masks in one pass differ.
        var generator = new Generator(5);
        var context = ForwardContext.ForTraining(generator);
        var m1 = dropout.Forward(x, context);
        var m2 = dropout.Forward(x, context);
        Assert.True(m1.Identical(first));
        Assert.False(m1.Identical(m2));

        // Values: x · mask with mask ∈ {0, 1/(1 − p)}; inference leaves x alone.
        var values = m1.data<float>().ToArray();
        Assert.All(values, v => Assert.True(v == 0f || v == (float)(1 / 0.7), $"value {v}"));
        Assert.True(dropout.Forward(x, ForwardContext.Inference).Identical(x));
    }

    [Fact]
    public void DoublePrecisionInputsStillGetInvertedDropout()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones(new long[] { 200, 50 }, dtype: ScalarType.Float64);
        var y = new ContextDropout(0.5).Forward(x, ForwardContext.ForTraining(new Generator(3)));
        Assert.Equal(ScalarType.Float64, y.dtype);
        var values = y.data<double>().ToArray();
        Assert.All(values, v => Assert.True(v == 0 || v == 2, $"value {v}"));
        Assert.InRange(values.Count(v => v == 0) / (double)values.Length, 0.45, 0.55);
    }
}
