using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Persistence;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 5: payload size of one trained LSTM h64 at 0–90 % sparsity, every parameter written with
/// <see cref="ModelPayload.AddTensor"/> (the codec the model serializer uses: bitmap or delta-coded uint16 indices,
/// whichever is smaller, plus the surviving values; masks at 0 % too, so "dense" is the same format).
/// </summary>
internal static class FileSizeFigure
{
    public static void Sizes(Report report, bool quick)
    {
        var data = BenchData.Univariate(BenchData.Synthetic(6_000));
        var options = new TrainingOptions { MaxEpochs = quick ? 1 : 3, NumberOfThreads = 1, Regularization = Regularization.None, Seed = 1 };
        using var fitted = new ForecastTrainer().Fit(() => ForecasterFactory.Create(PruningFigures.Lstm), data, null, options);
        using var pruner = new SynapticPruner(fitted.Module, new StepRampSchedule(0.3, 0.7, 1000), new PruningOptions());
        long dense = 0;
        foreach (double sparsity in new[] { 0.0, 0.3, 0.5, 0.7, 0.9 })
        {
            if (sparsity > 0) pruner.PruneTo(sparsity);
            var masks = pruner.ExportMasks();
            var payload = new ModelPayload();
            foreach (var (name, p) in fitted.Module.named_parameters())
            {
                var values = p.detach().contiguous().data<float>().ToArray();
                var shape = p.shape.Select(d => (int)d).ToArray();
                payload.AddTensor("param/" + name, values, shape, masks.TryGetValue(name, out var m) ? m : null);
            }
            long size = payload.ToArray().LongLength;
            if (sparsity == 0) dense = size;
            double ratio = (double)size / dense;
            report.Add(new Row("5", $"Model payload at {sparsity:P0} sparsity (LSTM h64, trained)", $"{size:N0} B = {ratio:0.000}× dense",
                "exact", sparsity == 0.7 ? "≤ 0.4× at 70 %" : "—", "—",
                $"global sparsity {pruner.GlobalSparsity:P1} of {pruner.TotalPrunable:N0} prunable; {fitted.Module.parameters().Sum(q => q.numel()):N0} parameters in total"));
        }
    }
}
