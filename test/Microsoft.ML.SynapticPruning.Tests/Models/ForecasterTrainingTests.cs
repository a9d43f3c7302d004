using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Models;

[Collection("Torch")]
public class ForecasterTrainingTests
{
    [Theory]
    [InlineData(ForecasterKind.Rnn, null)]
    [InlineData(ForecasterKind.Lstm, null)]
    [InlineData(ForecasterKind.Gru, InstanceNormalization.WindowLast)]
    [InlineData(ForecasterKind.Lstm, InstanceNormalization.Window)]
    [InlineData(ForecasterKind.PatchTst, null)]
    [InlineData(ForecasterKind.DLinear, null)]
    public void EveryParameterGetsAGradientAndATinyBatchIsLearned(ForecasterKind kind, InstanceNormalization? normalization)
    {
        var watch = Stopwatch.StartNew();
        torch.manual_seed(17);
        bool recurrent = kind is ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru;
        var spec = ModelTestData.Small(kind, lookback: 24, horizon: 4, targets: 2, covariates: recurrent ? 1 : 0) with
        {
            Normalization = normalization,
            NumberOfLayers = 2,
        };
        using var module = ForecasterFactory.Create(spec);
        var (x, y) = ModelTestData.SineWindows(16, spec.Lookback, spec.Horizon, spec.TargetChannels, spec.CovariateChannels, seed: 4);
        var context = ForwardContext.ForTraining(new Generator(1));
        using var optimizer = torch.optim.Adam(module.parameters(), lr: 1e-2);
        module.train();

        float firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < 50; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(module.Forward(x, context), y);
            loss.backward();
            if (step == 0)
            {
                firstLoss = loss.item<float>();
                foreach (var (name, parameter) in module.named_parameters())
                {
                    Assert.True(parameter.grad is not null, $"{name} has no gradient");
                    Assert.True(parameter.grad!.abs().sum().item<float>() > 0, $"{name} has a zero gradient");
                }
            }
            lastLoss = loss.item<float>();
            optimizer.step();
        }
        module.eval();
        Assert.True(lastLoss < 0.5 * firstLoss, $"loss went from {firstLoss} to {lastLoss}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
