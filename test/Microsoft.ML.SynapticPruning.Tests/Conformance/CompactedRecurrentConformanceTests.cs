using Microsoft.ML.SynapticPruning.Compaction;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// Structured compaction of recurrent models produces odd hidden sizes (5, 11, 23 …), exactly the shapes at risk in a
/// faulty fused kernel. Units chosen by a seeded draw are pruned with structure masks, the model is compacted, and on
/// batches 1, 33 and 256 the compacted model's inference forward must equal the textbook reference computed from its
/// own (compacted) parameters and the reference of the masked model; the masked model must equal its own reference too.
/// </summary>
[Collection("Torch")]
public sealed class CompactedRecurrentConformanceTests
{
    private static readonly int[] Batches = { 1, 33, 256 };
    private readonly ITestOutputHelper _output;

    public CompactedRecurrentConformanceTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<ForecasterKind, int[], int[]> Compactions() => new()
    {
        { ForecasterKind.Lstm, new[] { 12 }, new[] { 5 } },
        { ForecasterKind.Lstm, new[] { 24, 16 }, new[] { 23, 11 } },
        { ForecasterKind.Gru, new[] { 16 }, new[] { 11 } },
        { ForecasterKind.Gru, new[] { 24, 12 }, new[] { 11, 5 } },
        { ForecasterKind.Rnn, new[] { 12, 24 }, new[] { 5, 23 } },
    };

    [Theory]
    [MemberData(nameof(Compactions))]
    public void CompactedForecastEqualsTheReferenceOfItsOwnParametersAndOfTheMaskedModel(ForecasterKind kind, int[] hidden, int[] kept)
    {
        var spec = new RecurrentCase(kind, hidden, Targets: 3, Covariates: 1, Batch: 1, Lookback: 9, Horizon: 2, InstanceNormalization.Window).Spec;
        using var masked = ConformanceModels.Create(spec, seed: 7000 + hidden.Sum());
        string prefix = RecurrentForecasterReference.Prefix(kind);
        var random = new Random(7100 + hidden.Sum());
        var dropped = Enumerable.Range(0, hidden.Length)
            .Select(i => Enumerable.Range(0, hidden[i]).OrderBy(_ => random.Next()).Take(hidden[i] - kept[i]).ToHashSet())
            .ToArray();
        using var pruner = new SynapticPruner(masked, new CubicSparsitySchedule(0.5, 0.5, 0, 1), new PruningOptions { PruningGranularity = PruningGranularity.Structure });
        pruner.ImportMasks(StructureMasks.Without(masked, pruner.ExportMasks(),
            s => Enumerable.Range(0, hidden.Length).Any(i => s.Group == $"{prefix}.{i}" && dropped[i].Contains(s.Index))));
        Assert.Equal(hidden.Sum() - kept.Sum(), pruner.PrunedStructureCount);

        using var compacted = StructuredCompaction.Compact(masked, pruner.ExportMasks());
        Assert.Equal(kept, compacted.Spec.LayerHiddenSizes);

        var report = new ConformanceReport();
        foreach (int batch in Batches)
        {
            using var scope = torch.NewDisposeScope();
            var x = ConformanceInputs.Windows(batch, spec.Lookback, 4, seed: (ulong)(7200 + batch));
            string shape = $"{kind} hidden [{string.Join(", ", hidden)}] → [{string.Join(", ", kept)}] batch {batch}";
            var compactedReference = RecurrentForecasterReference.Forward(compacted, x);
            var maskedReference = RecurrentForecasterReference.Forward(masked, x);
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
