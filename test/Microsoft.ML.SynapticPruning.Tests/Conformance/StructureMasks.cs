using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>Element masks (by parameter name, true = kept, row-major) with chosen whole structures pruned.</summary>
internal static class StructureMasks
{
    /// <summary>
    /// A copy of <paramref name="masks"/> in which every weight of every structure of <paramref name="module"/> that
    /// <paramref name="prune"/> selects is cleared (each slice: a range of rows or columns of its parameter).
    /// </summary>
    public static Dictionary<string, bool[]> Without(ForecastingNetwork module, IReadOnlyDictionary<string, bool[]> masks, Func<PrunableStructure, bool> prune)
    {
        var shapes = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        var result = masks.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        foreach (var structure in ((IStructuredPrunable)module).GetStructures().Where(prune))
        {
            foreach (var slice in structure.Slices)
            {
                using var scope = torch.NewDisposeScope();
                var mask = torch.tensor(result[slice.Parameter], shapes[slice.Parameter]);
                mask.narrow(slice.Dimension, slice.Start, slice.Length).fill_(false);
                result[slice.Parameter] = mask.data<bool>().ToArray();
            }
        }
        return result;
    }
}
