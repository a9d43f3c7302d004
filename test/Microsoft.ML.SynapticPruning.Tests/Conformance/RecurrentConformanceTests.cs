using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// RNN, LSTM and GRU forecasters on every shape of <see cref="RecurrentGrid"/>, in every <see cref="ForwardMode"/>
/// (dropout 0, so all modes are deterministic), against <see cref="RecurrentForecasterReference"/>: the textbook cells
/// stepped in time from the model's own parameters.
/// </summary>
[Collection("Torch")]
public sealed class RecurrentConformanceTests
{
    private readonly ITestOutputHelper _output;

    public RecurrentConformanceTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<ForecasterKind, ForwardMode> KindsAndModes()
    {
        var data = new TheoryData<ForecasterKind, ForwardMode>();
        foreach (var kind in new[] { ForecasterKind.Rnn, ForecasterKind.Lstm, ForecasterKind.Gru })
            foreach (var mode in Enum.GetValues<ForwardMode>()) data.Add(kind, mode);
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndModes))]
    public void ForecastEqualsTheTextbookCellReferenceOnEveryGridShape(ForecasterKind kind, ForwardMode mode)
    {
        var report = new ConformanceReport();
        int n = 0;
        foreach (var shape in RecurrentGrid.Cases(kind, mode))
        {
            n++;
            using var scope = torch.NewDisposeScope();
            using var module = ConformanceModels.Create(shape.Spec, seed: 1000 + n);
            var windows = ConformanceInputs.Windows(shape.Batch, shape.Lookback, shape.Targets + shape.Covariates, seed: (ulong)(2000 + n));
            var x = ModelForward.InputFor(mode, windows);
            var expected = RecurrentForecasterReference.Forward(module, x);
            var actual = ModelForward.Run(module, x, mode);
            report.Compare($"{shape} [{mode}]", actual, expected);
        }
        _output.WriteLine(report.Summary);
        Assert.True(report.Cases > 0, "The grid compared no case: an empty grid proves nothing.");
        Assert.True(report.Failures.Count == 0, report.FailureMessage);
    }
}
