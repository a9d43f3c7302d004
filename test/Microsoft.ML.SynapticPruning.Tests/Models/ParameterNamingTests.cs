using Microsoft.ML.SynapticPruning.Models;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class ParameterNamingTests
{
    [Theory]
    [InlineData(ForecasterKind.Rnn)]
    [InlineData(ForecasterKind.Lstm)]
    [InlineData(ForecasterKind.Gru)]
    [InlineData(ForecasterKind.PatchTst)]
    [InlineData(ForecasterKind.DLinear)]
    public void MatricesAreNamedWeightOrPositionalEmbeddingAndBiasesAreVectors(ForecasterKind kind)
    {
        var spec = ModelTestData.Small(kind) with { NumberOfLayers = 2 };
        using var module = ForecasterFactory.Create(spec);
        var parameters = module.named_parameters().ToList();
        Assert.NotEmpty(parameters);
        int matrices = 0;
        foreach (var (name, parameter) in parameters)
        {
            string last = name.Split('.')[^1];
            if (parameter.dim() >= 2)
            {
                matrices++;
                Assert.True(last.Contains("weight") || name.Contains("pos_embed"), $"{name} ({parameter.dim()} dims) is neither a weight nor pos_embed");
            }
            if (last.Contains("bias")) Assert.Equal(1, parameter.dim());
        }
        int expectedMatrices = kind switch
        {
            ForecasterKind.DLinear => 2,                                     // trend and remainder maps
            ForecasterKind.PatchTst => 1 + 1 + spec.NumberOfLayers * 6 + 1, // projection, pos_embed, Q/K/V/out/ff×2 per layer, head
            _ => spec.NumberOfLayers * 2 + 1,                                        // weight_ih, weight_hh per layer, head
        };
        Assert.Equal(expectedMatrices, matrices);
    }

    [Fact]
    public void PatchTstNormLayersHaveOneDimensionalWeights()
    {
        using var module = ForecasterFactory.Create(ModelTestData.Small(ForecasterKind.PatchTst));
        var norms = module.named_parameters().Where(p => p.name.Contains("norm")).ToList();
        Assert.Equal(2 * 2 * 2, norms.Count); // 2 layers × (attention, feed-forward) × (weight, bias)
        Assert.All(norms, p => Assert.Equal(1, p.parameter.dim()));
        var buffers = module.named_buffers().Select(b => b.name).ToList();
        Assert.Contains("encoder.0.attention_norm.running_mean", buffers);
        Assert.Contains("encoder.1.feed_forward_norm.running_var", buffers);
    }
}
