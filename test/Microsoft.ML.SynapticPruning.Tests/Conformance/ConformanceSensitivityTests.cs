using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// The suite can fail: a deviation of the oneDNN defect's smallest size (0.02) or a NaN in one output of a 256-window
/// batch is reported with its shape and position; a reference built with the gate blocks in the wrong order, and a
/// PatchTST training pass compared with the running-statistics reference, do not conform.
/// </summary>
[Collection("Torch")]
public sealed class ConformanceSensitivityTests
{
    private static readonly RecurrentCase Shape = new(ForecasterKind.Lstm, new[] { 12 }, Targets: 3, Covariates: 1, Batch: 256, Lookback: 7, Horizon: 4,
        InstanceNormalization.Window);

    [Fact]
    public void ReportFlagsOneOutputOffByTheSmallestKnownDefectOrNaN()
    {
        using var scope = torch.NewDisposeScope();
        using var module = ConformanceModels.Create(Shape.Spec, seed: 9000);
        var x = ConformanceInputs.Windows(Shape.Batch, Shape.Lookback, 4, seed: 9001);
        var expected = RecurrentForecasterReference.Forward(module, x);
        var actual = ModelForward.Run(module, x, ForwardMode.Inference);

        var clean = new ConformanceReport();
        clean.Compare("unchanged", actual, expected);
        Assert.Empty(clean.Failures);

        var shifted = actual.clone();
        shifted[137, 2, 1] = shifted[137, 2, 1] + (float)ConformanceTolerance.SmallestKnownDefect;
        var withNaN = actual.clone();
        withNaN[255, 0, 0] = float.NaN;
        var report = new ConformanceReport();
        report.Compare("shifted", shifted, expected);
        report.Compare("NaN", withNaN, expected);
        Assert.Equal(2, report.Failures.Count);
        Assert.StartsWith("shifted: 1 of 3072 outputs", report.Failures[0]);
        Assert.Contains("(137, 2, 1)", report.Failures[0]);
        Assert.StartsWith("NaN: 1 of 3072 outputs", report.Failures[1]);
        Assert.Contains("(255, 0, 0)", report.Failures[1]);
    }

    [Theory]
    [InlineData(ForecasterKind.Lstm, 0, 1)]   // i ↔ f
    [InlineData(ForecasterKind.Lstm, 2, 3)]   // g ↔ o
    [InlineData(ForecasterKind.Gru, 0, 1)]    // r ↔ z
    [InlineData(ForecasterKind.Gru, 1, 2)]    // z ↔ n
    public void ReferenceFromGateBlocksInAnotherOrderDoesNotConform(ForecasterKind kind, int gateA, int gateB)
    {
        using var scope = torch.NewDisposeScope();
        var spec = (Shape with { Kind = kind }).Spec;
        using var module = ConformanceModels.Create(spec, seed: 9100);
        using var swapped = ConformanceModels.Create(spec, seed: 9101);
        int hidden = Shape.HiddenSizes[0];
        using (torch.no_grad())
        {
            var source = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, target) in swapped.named_parameters())
            {
                target.copy_(source[name]);
                if (!name.StartsWith(RecurrentForecasterReference.Prefix(kind) + ".", StringComparison.Ordinal)) continue;
                target.narrow(0, gateA * hidden, hidden).copy_(source[name].narrow(0, gateB * hidden, hidden));
                target.narrow(0, gateB * hidden, hidden).copy_(source[name].narrow(0, gateA * hidden, hidden));
            }
        }
        var x = ConformanceInputs.Windows(Shape.Batch, Shape.Lookback, 4, seed: 9102);
        var report = new ConformanceReport();
        report.Compare("swapped gates", ModelForward.Run(module, x, ForwardMode.Inference), RecurrentForecasterReference.Forward(swapped, x));
        Assert.Single(report.Failures);
    }

    [Fact]
    public void PatchTstTrainingPassDoesNotConformToTheRunningStatisticsReference()
    {
        using var scope = torch.NewDisposeScope();
        var shape = PatchTstGrid.Cases[6];
        using var module = (PatchTstForecaster)ConformanceModels.Create(shape.Spec, seed: 9200);
        ConformanceModels.SpreadPatchTstStatistics(module, seed: 9201);
        var x = ConformanceInputs.Windows(shape.Batch, shape.Lookback, shape.Channels, seed: 9202);
        var report = new ConformanceReport();
        var runningReference = PatchTstReference.Forward(module, x, batchStatistics: false);
        report.Compare("training pass vs running statistics", ModelForward.Run(module, x, ForwardMode.Training), runningReference);
        Assert.Single(report.Failures);
    }
}
