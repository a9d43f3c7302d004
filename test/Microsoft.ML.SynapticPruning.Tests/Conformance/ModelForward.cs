using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>Runs a forecaster's own forward pass the way the library does in each <see cref="ForwardMode"/>.</summary>
internal static class ModelForward
{
    /// <summary>Samples per window in <see cref="ForwardMode.MonteCarloSample"/> (the batch of one MC forward).</summary>
    public const int MonteCarloSamples = 30;

    /// <summary>
    /// The input the model sees in <paramref name="mode"/>: <paramref name="windows"/> itself, or for an MC sample its first
    /// window repeated <see cref="MonteCarloSamples"/> times (contiguous, as TrainedForecaster does).
    /// </summary>
    public static Tensor InputFor(ForwardMode mode, Tensor windows)
    {
        if (mode != ForwardMode.MonteCarloSample) return windows;
        var window = windows.narrow(0, 0, 1);
        return window.expand(MonteCarloSamples, window.shape[1], window.shape[2]).contiguous();
    }

    /// <summary>The model's output for <paramref name="x"/> in <paramref name="mode"/>; the module is left in eval mode.</summary>
    public static Tensor Run(ForecastingNetwork module, Tensor x, ForwardMode mode, ulong seed = 1)
    {
        switch (mode)
        {
            case ForwardMode.Inference:
            {
                module.eval();
                using var noGrad = torch.no_grad();
                var y = module.Forward(x, ForwardContext.Inference);
                Assert.False(y.requires_grad, "An inference forward under no_grad produced a tensor that requires grad.");
                return y;
            }
            case ForwardMode.Training:
            {
                module.train();
                try
                {
                    using var generator = new Generator(seed, torch.CPU);
                    using var grad = torch.enable_grad();
                    var y = module.Forward(x, ForwardContext.ForTraining(generator));
                    Assert.True(y.requires_grad, "A training forward did not record gradients; the gradient-enabled path was not exercised.");
                    return y.detach();
                }
                finally
                {
                    module.eval();
                }
            }
            case ForwardMode.MonteCarloSample:
            {
                module.eval();
                using var generator = new Generator(seed, torch.CPU);
                using var noGrad = torch.no_grad();
                return module.Forward(x, ForwardContext.MonteCarloSample(generator));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
        }
    }
}
