using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>Builds seeded forecasters for the conformance grids.</summary>
internal static class ConformanceModels
{
    /// <summary>Builds the model of <paramref name="spec"/> with weights drawn after <c>torch.manual_seed(seed)</c>, in eval mode.</summary>
    public static ForecastingNetwork Create(ForecasterSpec spec, long seed)
    {
        torch.manual_seed(seed);
        var module = ForecasterFactory.Create(spec);
        module.eval();
        return module;
    }

    /// <summary>
    /// Replaces the defaults that would hide a wrong formula — BatchNorm weight 1, bias 0, running mean 0, running
    /// variance 1, and a ±0.02 positional embedding — with random values, so the reference's BatchNorm and embedding terms
    /// matter. Works on every PatchTST layer by parameter and buffer names.
    /// </summary>
    public static void SpreadPatchTstStatistics(ForecastingNetwork module, ulong seed)
    {
        using var generator = new Generator(seed, torch.CPU);
        using var noGrad = torch.no_grad();
        foreach (var (name, buffer) in module.named_buffers())
        {
            if (name.EndsWith(".running_mean", StringComparison.Ordinal))
                buffer.copy_(torch.randn(buffer.shape, generator: generator) * 0.5);
            else if (name.EndsWith(".running_var", StringComparison.Ordinal))
                buffer.copy_(torch.rand(buffer.shape, generator: generator) * 1.5 + 0.5);
        }
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.EndsWith("_norm.weight", StringComparison.Ordinal))
                parameter.copy_(torch.rand(parameter.shape, generator: generator) + 0.5);
            else if (name.EndsWith("_norm.bias", StringComparison.Ordinal) || name == "pos_embedding")
                parameter.copy_(torch.randn(parameter.shape, generator: generator) * 0.3);
        }
    }
}
