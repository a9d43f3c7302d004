using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// MC dropout with p &gt; 0 on one-layer recurrent models, where the only active dropout sits between the last hidden state
/// h and the linear head: a sample is b + W·(h ⊙ m)/(1 − p) with m ~ Bernoulli(1 − p) per unit, so its expectation is the
/// deterministic reference b + W·h and its variance per output k is p/(1 − p)·Σ_j W_kj²·h_j² (times the window scale²
/// when the window is normalised). The mean of <see cref="Samples"/> samples must be within <see cref="StandardErrors"/>
/// standard errors of the reference, and the sample variance within 25 % of the predicted one (so the test cannot pass
/// with dropout switched off). Samples come from fixed seeds, so the outcome is reproducible; a 5-standard-error miss
/// would have a probability below 1e-6 per output if the model were right.
/// </summary>
[Collection("Torch")]
public sealed class MonteCarloDropoutMeanTests
{
    private const int Samples = 4000;
    private const double Dropout = 0.3;
    private const double StandardErrors = 5;
    private const double VarianceRatioLimit = 1.25;
    private readonly ITestOutputHelper _output;

    public MonteCarloDropoutMeanTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(ForecasterKind.Lstm, InstanceNormalization.None, 12)]
    [InlineData(ForecasterKind.Gru, InstanceNormalization.WindowLast, 16)]
    [InlineData(ForecasterKind.Rnn, InstanceNormalization.Window, 6)]
    public void MeanOfManyDropoutSamplesApproachesTheDeterministicReference(ForecasterKind kind, InstanceNormalization normalization, int hidden)
    {
        var spec = new ForecasterSpec
        {
            Kind = kind, HiddenSize = hidden, NumberOfLayers = 1, TargetChannels = 2, CovariateChannels = 1, Lookback = 10, Horizon = 3,
            DropoutRate = Dropout, Normalization = normalization,
        };
        var failures = new List<string>();
        double worstMean = 0, worstVariance = 1;
        using var scope = torch.NewDisposeScope();
        using var module = ConformanceModels.Create(spec, seed: 5000 + (int)kind);
        var tensors = ModuleTensors.Of(module);
        var windows = ConformanceInputs.Windows(3, spec.Lookback, 3, seed: 5100);
        for (int w = 0; w < windows.shape[0]; w++)
        {
            var window = windows.narrow(0, w, 1);
            var samples = ModelForward.Run(module, window.expand(Samples, spec.Lookback, 3).contiguous(), ForwardMode.MonteCarloSample, seed: (ulong)(5200 + w))
                .to_type(ScalarType.Float64);                                                    // (S, H, C)
            var reference = RecurrentForecasterReference.Forward(spec, tensors, window)[0];      // (H, C)
            var h = RecurrentForecasterReference.LastHidden(spec, tensors, window, out var statistics);   // (1, hidden)
            var variance = ((tensors["head.weight"] * h).pow(2).sum(1) * (Dropout / (1 - Dropout))).view(spec.Horizon, spec.TargetChannels);
            if (statistics.Scale is { } scale) variance = variance * scale[0].pow(2);
            var standardError = (variance / Samples).sqrt();
            var allowed = standardError * StandardErrors + ConformanceTolerance.Absolute + reference.abs() * ConformanceTolerance.Relative;
            var mean = samples.mean(new long[] { 0 });
            var meanRatio = (mean - reference).abs() / allowed;
            var varianceRatio = samples.var(0, unbiased: true) / variance;
            worstMean = Math.Max(worstMean, meanRatio.max().item<double>());
            double low = varianceRatio.min().item<double>(), high = varianceRatio.max().item<double>();
            if (Math.Abs(Math.Log(low)) > Math.Abs(Math.Log(worstVariance))) worstVariance = low;
            if (Math.Abs(Math.Log(high)) > Math.Abs(Math.Log(worstVariance))) worstVariance = high;
            if (meanRatio.max().item<double>() > 1)
                failures.Add($"window {w}: mean of {Samples} samples {Format(mean)} vs reference {Format(reference)} (allowed ± {Format(allowed)})");
            if (high > VarianceRatioLimit || low < 1 / VarianceRatioLimit)
                failures.Add($"window {w}: sample variance / predicted variance ranges over [{low:g4}, {high:g4}] (dropout not applied as inverted Bernoulli({1 - Dropout}) masks?)");
        }
        _output.WriteLine($"{kind} hidden {hidden} {normalization}: worst |mean − reference| / allowance = {worstMean:g3}, worst variance ratio = {worstVariance:g3}");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static string Format(Tensor t) => "[" + string.Join(", ", t.flatten().data<double>().ToArray().Select(v => v.ToString("g6"))) + "]";
}
