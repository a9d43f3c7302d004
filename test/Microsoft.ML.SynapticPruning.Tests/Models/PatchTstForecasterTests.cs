using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Models.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class PatchTstForecasterTests
{
    private static PatchTstForecaster Create(int channels = 4, InstanceNormalization? normalization = null, double dropout = 0)
    {
        torch.manual_seed(7);
        var module = new PatchTstForecaster(ModelTestData.Small(ForecasterKind.PatchTst, lookback: 32, horizon: 5, targets: channels) with
        {
            Normalization = normalization,
            DropoutRate = dropout,
        });
        module.eval();
        return module;
    }

    [Fact]
    public void PermutingInputChannelsPermutesOutputChannels()
    {
        using var scope = torch.NewDisposeScope();
        using var module = Create();
        var x = ModelTestData.RandomInput(3, 32, 4, seed: 11);
        var order = torch.tensor(new long[] { 2, 0, 3, 1 });
        var y = module.forward(x);
        var yPermuted = module.forward(x.index_select(2, order));
        Assert.True(yPermuted.allclose(y.index_select(2, order), rtol: 1e-5, atol: 1e-5));
        // Not trivially symmetric: different channels get different forecasts.
        Assert.True(ModelTestData.MaxAbs(y.select(2, 0) - y.select(2, 1)) > 1e-3);
    }

    [Fact]
    public void AChannelsForecastIgnoresOtherChannels()
    {
        using var scope = torch.NewDisposeScope();
        using var module = Create();
        var x = ModelTestData.RandomInput(3, 32, 4, seed: 12);
        var changed = x.clone();
        changed.select(2, 3).mul_(5).add_(torch.randn(3, 32));
        var y = module.forward(x);
        var y2 = module.forward(changed);
        Assert.True(y2.narrow(2, 0, 3).allclose(y.narrow(2, 0, 3), rtol: 1e-5, atol: 1e-6));
        Assert.True(ModelTestData.MaxAbs(y2.select(2, 3) - y.select(2, 3)) > 1e-3, "the changed channel's forecast should change");
    }

    [Theory]
    [InlineData(2.5, -4.0)]
    [InlineData(0.1, 100.0)]
    [InlineData(3.0, 0.5)]
    public void RevInMakesTheForecastAffineEquivariant(double a, double b)
    {
        // RevIN divides by a positive std, so the equivariance holds for a > 0 (a negative a flips the normalised input).
        using var scope = torch.NewDisposeScope();
        using var module = Create(normalization: InstanceNormalization.Window);
        var x = ModelTestData.RandomInput(3, 32, 4, seed: 13);
        var transformed = x.clone();
        transformed.select(2, 1).mul_(a).add_(b);
        var y = module.forward(x);
        var y2 = module.forward(transformed);
        var expected = y.select(2, 1) * a + b;
        var error = (y2.select(2, 1) - expected).abs() / (expected.abs() + 1);
        Assert.True(error.max().item<float>() < 1e-4, $"relative error {error.max().item<float>()}");
        Assert.True(y2.narrow(2, 2, 2).allclose(y.narrow(2, 2, 2), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void WithoutNormalizationTheForecastIsNotAffineEquivariant()
    {
        // The control for the RevIN test: the same check fails when RevIN is off.
        using var scope = torch.NewDisposeScope();
        using var module = Create(normalization: InstanceNormalization.None);
        var x = ModelTestData.RandomInput(3, 32, 4, seed: 13);
        var transformed = x.clone();
        transformed.select(2, 1).mul_(2.5).add_(-4.0);
        var expected = module.forward(x).select(2, 1) * 2.5 - 4.0;
        var actual = module.forward(transformed).select(2, 1);
        Assert.True(ModelTestData.MaxAbs(actual - expected) > 1e-2);
    }

    [Fact]
    public void LookbackOneWithRevInIsFiniteAndCloseToTheLastValue()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var module = new PatchTstForecaster(ModelTestData.Small(ForecasterKind.PatchTst, lookback: 1, horizon: 3, targets: 2));
        module.eval();
        var x = ModelTestData.RandomInput(5, 1, 2, seed: 14) * 10;
        var y = module.forward(x);
        Assert.False(y.isnan().any().item<bool>());
        // A one-point window has std 0: the scale is sqrt(eps) ≈ 0.003, so the forecast is the last value up to a
        // small multiple of that scale.
        Assert.True(ModelTestData.MaxAbs(y - x.expand(5, 3, 2)) < 0.1);
    }

    [Fact]
    public void BatchNormRunningStatisticsChangeOnlyInTrainingPasses()
    {
        using var scope = torch.NewDisposeScope();
        using var module = Create(dropout: 0.3);
        module.train(); // even in train() mode, an MC sample must not touch the running statistics
        var x = ModelTestData.RandomInput(4, 32, 4, seed: 15) * 3 + 1;
        Tensor RunningMeans() => torch.cat(module.named_buffers().Where(b => b.name.EndsWith("running_mean")).Select(b => b.buffer.clone()).ToArray());
        var before = RunningMeans();
        Assert.True(before.numel() > 0, "the encoder should have BatchNorm running statistics");

        using (torch.no_grad())
        {
            module.Forward(x, ForwardContext.MonteCarloSample(new Generator(1)));
            module.Forward(x, ForwardContext.Inference);
        }
        Assert.True(RunningMeans().Identical(before), "an inference or MC pass changed the running statistics");

        using (torch.no_grad()) module.Forward(x, ForwardContext.ForTraining(new Generator(1)));
        Assert.False(RunningMeans().Identical(before), "a training pass should update the running statistics");
    }

    [Fact]
    public void ParametersIncludeThePatchProjectionAndPositionalEmbedding()
    {
        using var module = Create();
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 16, module.PatchLength }, parameters["patch_projection.weight"]);
        Assert.Equal(new long[] { module.NumPatches, 16 }, parameters["pos_embedding"]);
        Assert.Equal(new long[] { 5, 16 * module.NumPatches }, parameters["head.weight"]);
        var posEmbedding = module.named_parameters().Single(p => p.name == "pos_embedding").parameter;
        Assert.True(posEmbedding.abs().max().item<float>() <= 0.02f);
        Assert.True(posEmbedding.abs().max().item<float>() > 0f);
    }

    private static Dictionary<string, double> DropoutRates(nn.Module module)
        => module.named_modules().Where(m => m.module is ContextDropout).ToDictionary(m => m.name, m => ((ContextDropout)m.module).P);

    [Fact]
    public void AttentionAndHeadDropoutAreZeroByDefaultAndTheEncoderDropoutIsEverywhereElse()
    {
        Assert.Equal(0, new ForecasterSpec().AttentionDropout);
        Assert.Equal(0, new ForecasterSpec().HeadDropout);
        Assert.Equal(0f, new PrunedPatchTstOptions().AttentionDropout);
        Assert.Equal(0f, new PrunedPatchTstOptions().HeadDropout);

        using var module = Create(dropout: 0.3);
        var rates = DropoutRates(module);
        Assert.Equal(0, rates["head_dropout"]);
        Assert.Equal(0.3, rates["embedding_dropout"]);
        for (int i = 0; i < 2; i++)
        {
            string layer = $"encoder.{i}";
            Assert.Equal(0, rates[layer + ".self_attention.attention_dropout"]);
            // As published: the attention output passes the projection's dropout and then the residual dropout.
            Assert.Equal(0.3, rates[layer + ".self_attention.output_dropout"]);
            Assert.Equal(0.3, rates[layer + ".attention_output_dropout"]);
            Assert.Equal(0.3, rates[layer + ".feed_forward_dropout"]);
            Assert.Equal(0.3, rates[layer + ".feed_forward_output_dropout"]);
        }
        Assert.Equal(2 + 2 * 5, rates.Count);
    }

    [Fact]
    public void AttentionAndHeadDropoutRatesComeFromTheirOwnSpecFields()
    {
        torch.manual_seed(7);
        using var module = new PatchTstForecaster(ModelTestData.Small(ForecasterKind.PatchTst, lookback: 32, horizon: 5, targets: 4) with
        {
            DropoutRate = 0.3, AttentionDropout = 0.1, HeadDropout = 0.2,
        });
        var rates = DropoutRates(module);
        Assert.Equal(0.2, rates["head_dropout"]);
        Assert.Equal(0.1, rates["encoder.0.self_attention.attention_dropout"]);
        Assert.Equal(0.1, rates["encoder.1.self_attention.attention_dropout"]);
        Assert.Equal(0.3, rates["encoder.1.self_attention.output_dropout"]);
    }

    [Fact]
    public void HeadDropoutActsAfterTheHeadLinearLayer()
    {
        // Everything else deterministic and no RevIN: an MC sample must equal the deterministic forecast with some entries
        // zeroed and the rest scaled by 1/(1 − p) = 2, i.e. dropout on the head's output (Flatten → Linear → Dropout).
        // Dropout before the linear layer would mix every output with dropped inputs instead.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        using var module = new PatchTstForecaster(ModelTestData.Small(ForecasterKind.PatchTst, lookback: 32, horizon: 5, targets: 4) with
        {
            Normalization = InstanceNormalization.None, HeadDropout = 0.5,
        });
        module.eval();
        var x = ModelTestData.RandomInput(6, 32, 4, seed: 16);
        using var noGrad = torch.no_grad();
        var deterministic = module.Forward(x, ForwardContext.Inference).contiguous().data<float>().ToArray();
        var sample = module.Forward(x, ForwardContext.MonteCarloSample(new Generator(3))).contiguous().data<float>().ToArray();
        int zeros = 0, kept = 0;
        for (int i = 0; i < sample.Length; i++)
        {
            if (sample[i] == 0f) { zeros++; continue; }
            Assert.True(Math.Abs(sample[i] - 2 * deterministic[i]) <= 1e-6 * Math.Abs(deterministic[i]), $"output {i}: {sample[i]} is neither 0 nor 2 × {deterministic[i]}");
            kept++;
        }
        Assert.True(zeros > 0 && kept > 0, $"{zeros} dropped and {kept} kept outputs of {sample.Length}");
    }

    [Fact]
    public void AttentionDropoutAloneMakesMonteCarloSamplesDiffer()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        using var module = new PatchTstForecaster(ModelTestData.Small(ForecasterKind.PatchTst, lookback: 32, horizon: 5, targets: 4) with { AttentionDropout = 0.5 });
        module.eval();
        var x = ModelTestData.RandomInput(3, 32, 4, seed: 17);
        using var noGrad = torch.no_grad();
        var deterministic = module.Forward(x, ForwardContext.Inference);
        Assert.True(module.forward(x).Identical(deterministic));
        Assert.False(module.Forward(x, ForwardContext.MonteCarloSample(new Generator(3))).allclose(deterministic), "attention-weight dropout must act in an MC sample");
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(0.0, -0.1)]
    public void AttentionAndHeadDropoutOutsideZeroToOneAreRejectedByName(double attention, double head)
    {
        var spec = ModelTestData.Small(ForecasterKind.PatchTst) with { AttentionDropout = attention, HeadDropout = head };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ForecasterFactory.Validate(spec));
        Assert.Equal(attention != 0 ? nameof(ForecasterSpec.AttentionDropout) : nameof(ForecasterSpec.HeadDropout), e.ParamName);
    }

    [Fact]
    public void PatchesOverlapAndTheEndIsPaddedWithTheLastValue()
    {
        using var scope = torch.NewDisposeScope();
        var spec = ModelTestData.Small(ForecasterKind.PatchTst, lookback: 6, horizon: 1, targets: 2) with { PatchLength = 4, Stride = 2 };
        using var module = new PatchTstForecaster(spec);
        Assert.Equal(3, module.NumPatches);
        // Channel 0 = 1..6, channel 1 = 10·(1..6). Padded channel 0: 1 2 3 4 5 6 6 6 → [1 2 3 4] [3 4 5 6] [5 6 6 6].
        var series = torch.arange(1, 7, dtype: ScalarType.Float32);
        var x = torch.stack(new[] { series, series * 10 }, 1).unsqueeze(0);      // (1, 6, 2)
        var patches = module.Patchify(x);
        Assert.Equal(new long[] { 2, 3, 4 }, patches.shape);
        var expected = torch.tensor(new float[] { 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 6, 6 }).view(3, 4);
        Assert.True(patches[0].Identical(expected));
        Assert.True(patches[1].Identical(expected * 10));
    }
}
