using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// PatchTST forecasters on every shape of <see cref="PatchTstGrid"/>, in every <see cref="ForwardMode"/> (dropout 0),
/// against <see cref="PatchTstReference"/>: RevIN, padding, patching, embedding, residual attention, BatchNorm (running
/// statistics in inference and MC samples, batch statistics in training passes), GELU feed-forward and flatten head by
/// formula from the model's parameters and buffers. BatchNorm statistics and the positional embedding are randomised
/// first, so they matter.
/// </summary>
[Collection("Torch")]
public sealed class PatchTstConformanceTests
{
    private readonly ITestOutputHelper _output;

    public PatchTstConformanceTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<ForwardMode> Modes() => new(Enum.GetValues<ForwardMode>());

    [Theory]
    [MemberData(nameof(Modes))]
    public void ForecastEqualsTheFormulaReferenceOnEveryGridShape(ForwardMode mode)
    {
        var report = new ConformanceReport();
        for (int n = 0; n < PatchTstGrid.Cases.Length; n++)
        {
            var shape = PatchTstGrid.Cases[n];
            using var scope = torch.NewDisposeScope();
            using var module = (PatchTstForecaster)ConformanceModels.Create(shape.Spec, seed: 3000 + n);
            ConformanceModels.SpreadPatchTstStatistics(module, seed: (ulong)(3100 + n));
            var windows = ConformanceInputs.Windows(shape.Batch, shape.Lookback, shape.Channels, seed: (ulong)(3200 + n));
            var x = ModelForward.InputFor(mode, windows);
            var expected = PatchTstReference.Forward(module, x, batchStatistics: mode == ForwardMode.Training);
            var actual = ModelForward.Run(module, x, mode);
            report.Compare($"{shape} [{mode}]", actual, expected);
        }
        _output.WriteLine(report.Summary);
        Assert.True(report.Cases > 0, "The grid compared no case: an empty grid proves nothing.");
        Assert.True(report.Failures.Count == 0, report.FailureMessage);
    }

    [Fact]
    public void TrainingPassUpdatesRunningStatisticsWithMomentumAndUnbiasedBatchVariance()
    {
        // PyTorch's BatchNorm definition: running ← (1 − 0.1)·running + 0.1·batch statistic, the variance unbiased.
        var report = new ConformanceReport();
        for (int n = 0; n < PatchTstGrid.Cases.Length; n++)
        {
            var shape = PatchTstGrid.Cases[n];
            using var scope = torch.NewDisposeScope();
            using var module = (PatchTstForecaster)ConformanceModels.Create(shape.Spec, seed: 3300 + n);
            ConformanceModels.SpreadPatchTstStatistics(module, seed: (ulong)(3400 + n));
            var windows = ConformanceInputs.Windows(shape.Batch, shape.Lookback, shape.Channels, seed: (ulong)(3500 + n));
            var before = ModuleTensors.Of(module);
            var expected = PatchTstReference.RunningStatisticsAfterTrainingPass(module.Spec, module.PatchLength, module.Stride, before, windows);
            ModelForward.Run(module, windows, ForwardMode.Training);
            var after = ModuleTensors.Of(module);
            foreach (var (name, value) in expected) report.Compare($"{shape} {name}", after[name], value);
        }
        _output.WriteLine(report.Summary);
        Assert.True(report.Cases > 0, "The grid compared no case: an empty grid proves nothing.");
        Assert.True(report.Failures.Count == 0, report.FailureMessage);
    }
}
