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
        var spec = ModelTestData.Small(kind) with { Layers = 2 };
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
}
