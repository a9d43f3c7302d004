using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// DLinear forecasters on every shape of <see cref="DLinearGrid"/>, in every <see cref="ForwardMode"/> (dropout 0),
/// against <see cref="DLinearReference"/>: the edge-replicated moving average written as a sum of clamped shifts and the
/// two Linear(L → H) maps from the model's parameters.
/// </summary>
[Collection("Torch")]
public sealed class DLinearConformanceTests
{
    private readonly ITestOutputHelper _output;

    public DLinearConformanceTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<ForwardMode> Modes() => new(Enum.GetValues<ForwardMode>());

    [Theory]
    [MemberData(nameof(Modes))]
    public void ForecastEqualsTheDecompositionReferenceOnEveryGridShape(ForwardMode mode)
    {
        var report = new ConformanceReport();
        for (int n = 0; n < DLinearGrid.Cases.Length; n++)
        {
            var shape = DLinearGrid.Cases[n];
            using var scope = torch.NewDisposeScope();
            using var module = (DLinearForecaster)ConformanceModels.Create(shape.Spec, seed: 4000 + n);
            var windows = ConformanceInputs.Windows(shape.Batch, shape.Lookback, shape.Channels, seed: (ulong)(4100 + n));
            var x = ModelForward.InputFor(mode, windows);
            var expected = DLinearReference.Forward(module, x);
            var actual = ModelForward.Run(module, x, mode);
            report.Compare($"{shape} [{mode}]", actual, expected);
        }
        _output.WriteLine(report.Summary);
        Assert.True(report.Cases > 0, "The grid compared no case: an empty grid proves nothing.");
        Assert.True(report.Failures.Count == 0, report.FailureMessage);
    }
}
