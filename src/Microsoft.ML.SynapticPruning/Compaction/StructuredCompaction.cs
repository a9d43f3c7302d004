using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Compaction;

/// <summary>
/// Physically removes pruned structures (<see cref="PruningGranularity.Structure"/>) from a network: a recurrent layer
/// with 64 units of which 32 are pruned becomes a dense layer of 32 units (with a correspondingly narrower consumer), a
/// PatchTST layer loses its pruned heads and feed-forward neurons. The result is an ordinary, dense, smaller
/// <see cref="ForecastingNetwork"/> built by <see cref="ForecasterFactory.Create"/> from a spec with per-layer sizes
/// (<see cref="ForecasterSpec.LayerHiddenSizes"/>, <see cref="ForecasterSpec.LayerHeadSlots"/>,
/// <see cref="ForecasterSpec.LayerFeedForward"/>), so it saves and loads like any other model.
/// </summary>
/// <remarks>
/// <para>A structure is removed when none of its weights is kept in the masks. The compacted network computes the same
/// function as the masked one (up to float rounding): a pruned recurrent unit still evolves from its biases but its
/// outgoing columns are zero, a pruned feed-forward neuron's output column is zero, and a pruned head's output columns
/// are zero while its score (bias·bias, the same for every query/key pair) only shifts softmax rows, which softmax
/// ignores; its residual-score slot is passed through unchanged to later layers (see
/// <see cref="Models.Layers.ResidualMultiHeadAttention"/>). Bias entries of removed units/heads/neurons are dropped.</para>
/// <para>Every layer keeps at least one structure (the pruner never prunes the last of a group); a hand-made mask that
/// prunes all of a group is rejected.</para>
/// </remarks>
public static class StructuredCompaction
{
    /// <summary>
    /// Which structures of <paramref name="module"/> the element <paramref name="masks"/> (by parameter name, true = kept,
    /// flattened row-major, as <see cref="SynapticPruner.ExportMasks"/>) prune entirely, in <see cref="IStructuredPrunable.GetStructures"/> order.
    /// </summary>
    /// <exception cref="ArgumentException">A mask a structure needs is missing or has the wrong length.</exception>
    public static bool[] PrunedStructures(ForecastingNetwork module, IReadOnlyDictionary<string, bool[]> masks)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(masks);
        var structured = AsStructured(module);
        var shapes = module.named_parameters().ToDictionary(p => p.name, p => (IReadOnlyList<long>)p.parameter.shape.ToArray(), StringComparer.Ordinal);
        var structures = structured.GetStructures();
        var result = new bool[structures.Count];
        for (int s = 0; s < structures.Count; s++)
        {
            bool allPruned = true;
            foreach (var slice in structures[s].Slices)
            {
                if (!masks.TryGetValue(slice.Parameter, out var mask) || mask is null)
                    throw new ArgumentException($"No mask for parameter '{slice.Parameter}', which structure {structures[s].Name} uses.", nameof(masks));
                var shape = shapes[slice.Parameter];
                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (mask.LongLength != count)
                    throw new ArgumentException($"Mask '{slice.Parameter}' has {mask.LongLength} entries but the parameter has {count}.", nameof(masks));
                var set = new HashSet<int>();
                StructuredMaskStrategy.AddSlice(set, shape, slice);
                if (set.Any(e => mask[e])) { allPruned = false; break; }
            }
            result[s] = allPruned;
        }
        return result;
    }

    /// <summary>
    /// Builds the compacted copy of <paramref name="module"/> (same training/eval mode): pruned structures removed,
    /// everything else copied. <paramref name="module"/> is left untouched. When nothing is pruned the copy has the same
    /// shape.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The module does not implement <see cref="IStructuredPrunable"/> (e.g. DLinear), a mask is missing or has the wrong
    /// length, or a layer would lose all its units, heads or neurons.
    /// </exception>
    public static ForecastingNetwork Compact(ForecastingNetwork module, IReadOnlyDictionary<string, bool[]> masks)
        => Compact(module, masks, out _);

    /// <summary>
    /// Compacts a trained forecaster using its <see cref="TrainedForecaster.PruningSummary"/> masks. Returns a new
    /// forecaster (same scaler, options and training record; the pruning summary keeps the training-time sparsity and
    /// history, with masks cut to the compacted shapes); <paramref name="forecaster"/> stays valid and is still owned by
    /// the caller.
    /// </summary>
    /// <exception cref="InvalidOperationException">The forecaster was not pruned (no pruning summary).</exception>
    public static TrainedForecaster Compact(TrainedForecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        var summary = forecaster.PruningSummary
            ?? throw new InvalidOperationException("The forecaster was not pruned (no PruningSummary), so there is nothing to compact. Train with a pruning regularization and PruningGranularity.Structure.");
        var compacted = Compact(forecaster.Module, summary.Masks, out var plan);
        try
        {
            var masks = new Dictionary<string, bool[]>(StringComparer.Ordinal);
            var shapes = forecaster.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape.ToArray(), StringComparer.Ordinal);
            foreach (var (name, mask) in summary.Masks)
            {
                if (!shapes.TryGetValue(name, out var shape)) continue;
                masks[name] = plan.TryGetValue(name, out var cut) ? CutMask(mask, shape, cut) : mask.ToArray();
            }
            var newSummary = new PruningSummary(summary.GlobalSparsity, summary.TotalPrunable, summary.Pruned, summary.PerTensor, summary.History, masks, summary.Schedule);
            compacted.eval();
            return new TrainedForecaster(compacted, forecaster.Scaler, forecaster.Options, forecaster.History, newSummary, forecaster.BestEpoch,
                forecaster.StoppedEarly, forecaster.SplitPlan, forecaster.TrainSeconds, forecaster.EpochsRun);
        }
        catch
        {
            compacted.Dispose();
            throw;
        }
    }

    private static IStructuredPrunable AsStructured(ForecastingNetwork module)
        => module as IStructuredPrunable ?? throw new ArgumentException(
            $"{module.Spec.Kind} ({module.GetType().Name}) declares no prunable structures, so it cannot be compacted. Structured pruning and compaction support RNN, LSTM, GRU and PatchTST.",
            nameof(module));

    private static ForecastingNetwork Compact(ForecastingNetwork module, IReadOnlyDictionary<string, bool[]> masks, out Dictionary<string, Cut> plan)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(masks);
        var structures = AsStructured(module).GetStructures();
        var pruned = PrunedStructures(module, masks);
        var kept = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var all = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int s = 0; s < structures.Count; s++)
        {
            var g = structures[s].Group;
            all[g] = all.GetValueOrDefault(g) + 1;
            if (!kept.TryGetValue(g, out var list)) kept[g] = list = new List<int>();
            if (!pruned[s]) list.Add(structures[s].Index);
        }
        foreach (var (group, list) in kept)
        {
            if (list.Count == 0)
                throw new ArgumentException($"The masks prune every structure of {group}; a layer needs at least one unit, head or neuron to be compacted.", nameof(masks));
        }

        plan = new Dictionary<string, Cut>(StringComparer.Ordinal);
        var spec = module.Spec;
        ForecasterSpec newSpec;
        if (module is RecurrentForecaster recurrent)
        {
            string p = recurrent.LayerPrefix;
            int gates = recurrent.Gates;
            var sizes = new int[spec.NumberOfLayers];
            long[]? previous = null;
            for (int i = 0; i < spec.NumberOfLayers; i++)
            {
                var units = kept[$"{p}.{i}"].Select(j => (long)j).ToArray();
                sizes[i] = units.Length;
                int hidden = spec.HiddenSizeOf(i);
                var rows = Enumerable.Range(0, gates).SelectMany(g => units.Select(j => (long)g * hidden + j)).ToArray();
                plan[$"{p}.{i}.weight_ih_l0"] = new Cut(rows, previous);
                plan[$"{p}.{i}.weight_hh_l0"] = new Cut(rows, units);
                plan[$"{p}.{i}.bias_ih_l0"] = new Cut(rows, null);
                plan[$"{p}.{i}.bias_hh_l0"] = new Cut(rows, null);
                previous = units;
            }
            plan["head.weight"] = new Cut(null, previous);
            newSpec = spec with { LayerHiddenSizes = sizes };
        }
        else if (module is PatchTstForecaster)
        {
            int headDim = spec.ModelDimension / spec.NumberOfHeads;
            var slots = new int[spec.NumberOfLayers][];
            var widths = new int[spec.NumberOfLayers];
            for (int i = 0; i < spec.NumberOfLayers; i++)
            {
                string layer = $"encoder.{i}";
                var heads = kept[layer + ".heads"];
                var currentSlots = spec.HeadSlotsOf(i);
                slots[i] = heads.Select(h => currentSlots[h]).ToArray();
                var headRows = heads.SelectMany(h => Enumerable.Range(h * headDim, headDim).Select(r => (long)r)).ToArray();
                foreach (var projection in new[] { "query", "key", "value" })
                {
                    plan[$"{layer}.self_attention.{projection}.weight"] = new Cut(headRows, null);
                    plan[$"{layer}.self_attention.{projection}.bias"] = new Cut(headRows, null);
                }
                plan[$"{layer}.self_attention.output.weight"] = new Cut(null, headRows);
                var neurons = kept[layer + ".ffn"].Select(n => (long)n).ToArray();
                widths[i] = neurons.Length;
                plan[$"{layer}.feed_forward_in.weight"] = new Cut(neurons, null);
                plan[$"{layer}.feed_forward_in.bias"] = new Cut(neurons, null);
                plan[$"{layer}.feed_forward_out.weight"] = new Cut(null, neurons);
            }
            bool allHeads = slots.All(s => s.Length == spec.NumberOfHeads);
            newSpec = spec with { LayerHeadSlots = allHeads && spec.LayerHeadSlots is null ? null : slots, LayerFeedForward = widths };
        }
        else
        {
            throw new ArgumentException($"Compaction does not know the layout of {module.GetType().Name}.", nameof(module));
        }

        var result = ForecasterFactory.Create(newSpec);
        try
        {
            using (torch.no_grad())
            {
                var sources = module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
                foreach (var (name, target) in result.named_parameters()) CopyInto(name, target, sources, plan);
                var buffers = module.named_buffers().ToDictionary(b => b.name, b => b.buffer, StringComparer.Ordinal);
                foreach (var (name, target) in result.named_buffers()) CopyInto(name, target, buffers, plan);
            }
            if (module.training) result.train(); else result.eval();
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static void CopyInto(string name, Tensor target, Dictionary<string, Tensor> sources, Dictionary<string, Cut> plan)
    {
        if (!sources.TryGetValue(name, out var source))
            throw new InvalidOperationException($"The compacted network has a tensor '{name}' the original does not have.");
        using var scope = torch.NewDisposeScope();
        var value = plan.TryGetValue(name, out var cut) ? cut.Apply(source) : source;
        if (!value.shape.SequenceEqual(target.shape))
            throw new InvalidOperationException($"Compacting '{name}' gave shape [{string.Join(", ", value.shape)}] but the compacted network expects [{string.Join(", ", target.shape)}].");
        target.copy_(value);
    }

    private static bool[] CutMask(bool[] mask, long[] shape, Cut cut)
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(mask, shape);
        var c = cut.Apply(t).contiguous();
        return c.data<bool>().ToArray();
    }

    /// <summary>Rows (dimension 0) and columns (dimension 1) to keep; null = all.</summary>
    private sealed record Cut(long[]? Rows, long[]? Columns)
    {
        public Tensor Apply(Tensor source)
        {
            var result = source.detach();
            if (Rows is not null)
            {
                using var index = torch.tensor(Rows, dtype: ScalarType.Int64, device: source.device);
                result = result.index_select(0, index);
            }
            if (Columns is not null)
            {
                using var index = torch.tensor(Columns, dtype: ScalarType.Int64, device: source.device);
                result = result.index_select(1, index);
            }
            return result;
        }
    }
}
