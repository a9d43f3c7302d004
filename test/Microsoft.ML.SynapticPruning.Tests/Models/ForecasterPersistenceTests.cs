using System.Text.Json;
using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class ForecasterPersistenceTests
{
    [Theory]
    [InlineData(ForecasterKind.Gru)]
    [InlineData(ForecasterKind.PatchTst)]
    [InlineData(ForecasterKind.DLinear)]
    public void SavedWeightsAndRunningStatisticsReproduceTheForecast(ForecasterKind kind)
    {
        using var scope = torch.NewDisposeScope();
        var spec = ModelTestData.Small(kind) with { NumberOfLayers = 2 };
        torch.manual_seed(1);
        using var original = ForecasterFactory.Create(spec);
        var x = ModelTestData.RandomInput(4, spec.Lookback, spec.TargetChannels, seed: 61) * 2 + 1;
        original.train();
        using (torch.no_grad()) original.Forward(x, ForwardContext.ForTraining(new Generator(1))); // moves BatchNorm running statistics
        original.eval();
        var expected = original.forward(x);

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) original.save(writer);
        stream.Position = 0;
        torch.manual_seed(2);
        using var restored = ForecasterFactory.Create(spec);
        restored.eval();
        Assert.False(restored.forward(x).allclose(expected), "a differently seeded model should forecast differently before loading");
        using (var reader = new BinaryReader(stream)) restored.load(reader);
        Assert.True(restored.forward(x).Identical(expected));
    }

    [Fact]
    public void SpecJsonWrittenBeforeAttentionAndHeadDropoutReadsThemAsZero()
    {
        // model.json of a PatchTST saved before the two fields existed.
        const string old = "{\"Kind\":\"PatchTst\",\"Lookback\":32,\"Horizon\":4,\"Dropout\":0.3,\"DModel\":16}";
        var spec = JsonSerializer.Deserialize<ForecasterSpec>(old, ForecastingModelSerializer.Json)!;
        Assert.Equal(0.3, spec.DropoutRate);
        Assert.Equal(0, spec.AttentionDropout);
        Assert.Equal(0, spec.HeadDropout);
        var written = JsonSerializer.Serialize(spec with { AttentionDropout = 0.1, HeadDropout = 0.2 }, ForecastingModelSerializer.Json);
        var back = JsonSerializer.Deserialize<ForecasterSpec>(written, ForecastingModelSerializer.Json)!;
        Assert.Equal((0.1, 0.2), (back.AttentionDropout, back.HeadDropout));
    }

    [Fact]
    public void DropoutRatesChangeNeitherTheParametersNorTheDeterministicForecast()
    {
        // Weights saved by a PatchTST that used the encoder's dropout for the attention weights and the head load into the
        // published layout (attention and head dropout 0) and forecast the same: dropout layers hold no state and are off
        // outside training and MC samples.
        using var scope = torch.NewDisposeScope();
        var spec = ModelTestData.Small(ForecasterKind.PatchTst) with { DropoutRate = 0.3 };
        torch.manual_seed(4);
        using var before = ForecasterFactory.Create(spec with { AttentionDropout = 0.3, HeadDropout = 0.3 });
        before.eval();
        using var after = ForecasterFactory.Create(spec);
        after.eval();
        Assert.Equal(before.state_dict().Select(kv => (kv.Key, string.Join(",", kv.Value.shape))), after.state_dict().Select(kv => (kv.Key, string.Join(",", kv.Value.shape))));
        using (torch.no_grad())
            foreach (var (name, tensor) in after.state_dict()) tensor.copy_(before.state_dict()[name]);
        var x = ModelTestData.RandomInput(4, spec.Lookback, spec.TargetChannels, seed: 62);
        Assert.True(after.forward(x).Identical(before.forward(x)));
    }
}
