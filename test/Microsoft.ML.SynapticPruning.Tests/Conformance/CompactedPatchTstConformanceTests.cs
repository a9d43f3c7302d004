using Microsoft.ML.SynapticPruning.Compaction;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// Structured compaction of PatchTST (attention heads and feed-forward neurons, a different set per layer, so residual
/// score slots skip layers): on batches 1, 33 and 256 the compacted model's inference forward must equal
/// <see cref="PatchTstReference"/> computed from its own parameters (kept head slots, odd feed-forward widths) and the
/// reference of the masked model; the masked model must equal its own reference too.
/// </summary>
[Collection("Torch")]
public sealed class CompactedPatchTstConformanceTests
{
    private static readonly int[] Batches = { 1, 33, 256 };
    private readonly ITestOutputHelper _output;

    public CompactedPatchTstConformanceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void CompactedForecastEqualsTheReferenceOfItsOwnParametersAndOfTheMaskedModel()
    {
        var spec = new ForecasterSpec
        {
            Kind = ForecasterKind.PatchTst, Lookback = 24, Horizon = 4, TargetChannels = 3, ModelDimension = 16, NumberOfHeads = 4, FeedForwardSize = 12, NumberOfLayers = 3,
        };
        var droppedHeads = new[] { new[] { 1 }, new[] { 0, 2 }, new[] { 2, 3 } };
        var droppedNeurons = new[] { new[] { 0, 5, 11 }, new[] { 3 }, new[] { 1, 2, 3, 4, 5, 6 } };
        using var masked = (PatchTstForecaster)ConformanceModels.Create(spec, seed: 8000);
        ConformanceModels.SpreadPatchTstStatistics(masked, seed: 8001);
        using var pruner = new SynapticPruner(masked, new CubicSparsitySchedule(0.5, 0.5, 0, 1), new PruningOptions { PruningGranularity = PruningGranularity.Structure });
        pruner.ImportMasks(StructureMasks.Without(masked, pruner.ExportMasks(), s => Enumerable.Range(0, 3).Any(i =>
            (s.Group == $"encoder.{i}.heads" && droppedHeads[i].Contains(s.Index)) || (s.Group == $"encoder.{i}.ffn" && droppedNeurons[i].Contains(s.Index)))));

        using var compacted = (PatchTstForecaster)StructuredCompaction.Compact(masked, pruner.ExportMasks());
        Assert.Equal(new[] { new[] { 0, 2, 3 }, new[] { 1, 3 }, new[] { 0, 1 } }, compacted.Spec.LayerHeadSlots);
        Assert.Equal(new[] { 9, 11, 6 }, compacted.Spec.LayerFeedForward);

        var report = new ConformanceReport();
        foreach (int batch in Batches)
        {
            using var scope = torch.NewDisposeScope();
            var x = ConformanceInputs.Windows(batch, spec.Lookback, spec.TargetChannels, seed: (ulong)(8100 + batch));
            string shape = $"PatchTST heads 4 → [3, 2, 2], ff 12 → [9, 11, 6], batch {batch}";
            var compactedReference = PatchTstReference.Forward(compacted, x, batchStatistics: false);
            var maskedReference = PatchTstReference.Forward(masked, x, batchStatistics: false);
            var compactedForecast = ModelForward.Run(compacted, x, ForwardMode.Inference);
            report.Compare($"{shape}: compacted model vs reference of its own parameters", compactedForecast, compactedReference);
            report.Compare($"{shape}: compacted model vs reference of the masked model", compactedForecast, maskedReference);
            report.Compare($"{shape}: masked model vs its reference", ModelForward.Run(masked, x, ForwardMode.Inference), maskedReference);
        }
        _output.WriteLine(report.Summary);
        Assert.True(report.Cases > 0, "The grid compared no case: an empty grid proves nothing.");
        Assert.True(report.Failures.Count == 0, report.FailureMessage);
    }
}
