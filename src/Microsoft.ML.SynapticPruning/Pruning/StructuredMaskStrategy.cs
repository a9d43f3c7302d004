using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// The mask-update strategy of <see cref="PruningGranularity.Structure"/>: keeps one pruned flag per structure, ranks
/// the active structures globally by their score (<see cref="StructureImportance"/>) and turns structure decisions into
/// element masks.
/// </summary>
/// <remarks>
/// Importance of a structure = ‖w_active‖₂ / √n_active, the root mean square of its weights that are not yet pruned
/// (weights shared with an already pruned structure are zero and would otherwise drag the score down). The RMS makes
/// structures of different sizes comparable: a structure of n weights all of magnitude a scores a whatever n is, so
/// large structures (attention heads) are not favoured over small ones (feed-forward neurons) just for their size.
/// With <see cref="StructureImportance.GroupRelative"/> (default) the ranking score is the RMS divided by the mean RMS
/// of the active structures of the same group at the time of the update, so every group is centred at 1 and groups
/// whose weights have different scales compete on equal terms; with <see cref="StructureImportance.Absolute"/> it is
/// the RMS itself. One global ranking, ties broken by structure order. The last active structure of a group is never
/// pruned.
/// </remarks>
internal sealed class StructuredMaskStrategy
{
    private readonly PrunableStructure[] _structures;
    private readonly (int Tensor, int[] Elements)[][] _elements;
    private readonly bool[] _pruned;
    private readonly StructureImportance _rule;
    private readonly int[] _groupOf;
    private readonly int[] _activeInGroup;

    public StructuredMaskStrategy(IReadOnlyList<PrunableStructure> structures, IReadOnlyList<PrunableTensor> tensors, StructureImportance rule = StructureImportance.GroupRelative)
    {
        if (structures is null || structures.Count == 0)
            throw new ArgumentException("The module declares no prunable structure; use PruningGranularity.Weight.", nameof(structures));
        if (!Enum.IsDefined(rule))
            throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown StructureImportance.");
        _rule = rule;
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++) byName[tensors[i].Name] = i;
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);

        _structures = structures.ToArray();
        _elements = new (int, int[])[_structures.Length][];
        _pruned = new bool[_structures.Length];
        _groupOf = new int[_structures.Length];
        for (int s = 0; s < _structures.Length; s++)
        {
            var structure = _structures[s];
            var sets = new SortedDictionary<int, HashSet<int>>();
            foreach (var slice in structure.Slices)
            {
                if (!byName.TryGetValue(slice.Parameter, out int t))
                    throw new ArgumentException(
                        $"Structure {structure.Name} uses parameter '{slice.Parameter}', which is not prunable. Structured pruning needs every weight of a structure to be prunable: do not exclude it with PruningOptions.Selector.",
                        nameof(structures));
                var shape = tensors[t].Shape;
                if (slice.Dimension >= shape.Count || slice.Start + slice.Length > shape[slice.Dimension])
                    throw new ArgumentException(
                        $"Structure {structure.Name} slices '{slice.Parameter}' (shape [{string.Join(", ", shape)}]) along dimension {slice.Dimension} at [{slice.Start}, {slice.Start + slice.Length}), outside the tensor.",
                        nameof(structures));
                if (!sets.TryGetValue(t, out var set)) sets[t] = set = new HashSet<int>();
                AddSlice(set, shape, slice);
            }
            _elements[s] = sets.Select(kv => (kv.Key, kv.Value.OrderBy(i => i).ToArray())).ToArray();
            if (!groups.TryGetValue(structure.Group, out int g)) groups[structure.Group] = g = groups.Count;
            _groupOf[s] = g;
        }
        _activeInGroup = new int[groups.Count];
        foreach (int g in _groupOf) _activeInGroup[g]++;
    }

    public IReadOnlyList<PrunableStructure> Structures => _structures;

    public IReadOnlyList<bool> Pruned => _pruned;

    public int Count => _structures.Length;

    public int PrunedCount { get; private set; }

    /// <summary>The RMS importance of every structure over its active weights (0 for a structure with none).</summary>
    public double[] Importance(IReadOnlyList<PrunableTensor> tensors)
    {
        var (values, masks) = Read(tensors);
        var result = new double[_structures.Length];
        for (int s = 0; s < _structures.Length; s++)
        {
            double sum = 0;
            long n = 0;
            foreach (var (t, elements) in _elements[s])
            {
                var w = values[t]!;
                var m = masks[t]!;
                foreach (int e in elements)
                {
                    if (!m[e]) continue;
                    sum += (double)w[e] * w[e];
                    n++;
                }
            }
            result[s] = n == 0 ? 0 : Math.Sqrt(sum / n);
        }
        return result;
    }

    /// <summary>
    /// The score the ranking uses, per structure: with <see cref="StructureImportance.GroupRelative"/> the RMS divided
    /// by the mean RMS of the active structures of its group (0 when that mean is 0), with
    /// <see cref="StructureImportance.Absolute"/> the RMS. Pruned structures score 0 and take no part in the means.
    /// </summary>
    public double[] Scores(IReadOnlyList<PrunableTensor> tensors) => Scores(Importance(tensors));

    private double[] Scores(double[] importance)
    {
        var scores = new double[importance.Length];
        if (_rule == StructureImportance.Absolute)
        {
            for (int s = 0; s < scores.Length; s++) scores[s] = _pruned[s] ? 0 : importance[s];
            return scores;
        }
        var sum = new double[_activeInGroup.Length];
        var count = new int[_activeInGroup.Length];
        for (int s = 0; s < importance.Length; s++)
        {
            if (_pruned[s]) continue;
            sum[_groupOf[s]] += importance[s];
            count[_groupOf[s]]++;
        }
        for (int s = 0; s < scores.Length; s++)
        {
            if (_pruned[s]) continue;
            int g = _groupOf[s];
            double mean = sum[g] / count[g];
            scores[s] = mean > 0 ? importance[s] / mean : 0;
        }
        return scores;
    }

    /// <summary>
    /// Prunes the lowest-scoring active structures (<see cref="Scores(IReadOnlyList{PrunableTensor})"/>, one global
    /// ranking, ties by structure order) until round(target·Count) are pruned (never the last of a group) and clears
    /// their weights in the element masks of <paramref name="tensors"/>. Returns whether any structure was pruned.
    /// </summary>
    public bool PruneTo(double target, IReadOnlyList<PrunableTensor> tensors, Func<PrunableTensor, bool[]> readMask, Action<PrunableTensor, bool[]> writeMask)
    {
        int goal = (int)Math.Round(target * _structures.Length, MidpointRounding.AwayFromZero);
        int need = goal - PrunedCount;
        if (need <= 0) return false;
        // The scores (and the group means behind them) are computed once, before this update prunes anything.
        var scores = Scores(Importance(tensors));
        var order = Enumerable.Range(0, _structures.Length).Where(s => !_pruned[s])
            .OrderBy(s => scores[s]).ThenBy(s => s).ToArray();
        var chosen = new List<int>();
        foreach (int s in order)
        {
            if (chosen.Count == need) break;
            int group = _groupOf[s];
            if (_activeInGroup[group] <= 1) continue;
            _activeInGroup[group]--;
            _pruned[s] = true;
            chosen.Add(s);
        }
        if (chosen.Count == 0) return false;
        PrunedCount += chosen.Count;

        var masks = new bool[tensors.Count][];
        foreach (int s in chosen)
        {
            foreach (var (t, elements) in _elements[s])
            {
                var m = masks[t] ??= readMask(tensors[t]);
                foreach (int e in elements) m[e] = false;
            }
        }
        for (int t = 0; t < masks.Length; t++)
        {
            if (masks[t] is { } m) writeMask(tensors[t], m);
        }
        return true;
    }

    /// <summary>Re-derives the structure flags from element masks: a structure is pruned when none of its weights is kept.</summary>
    public void SyncFromMasks(IReadOnlyList<PrunableTensor> tensors, Func<PrunableTensor, bool[]> readMask)
    {
        var masks = tensors.Select(readMask).ToArray();
        Array.Clear(_activeInGroup);
        PrunedCount = 0;
        for (int s = 0; s < _structures.Length; s++)
        {
            _pruned[s] = _elements[s].All(pair => pair.Elements.All(e => !masks[pair.Tensor][e]));
            if (_pruned[s]) PrunedCount++;
            else _activeInGroup[_groupOf[s]]++;
        }
    }

    private (float[]?[] Values, bool[]?[] Masks) Read(IReadOnlyList<PrunableTensor> tensors)
    {
        var values = new float[]?[tensors.Count];
        var masks = new bool[]?[tensors.Count];
        var used = new HashSet<int>(_elements.SelectMany(e => e.Select(p => p.Tensor)));
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            foreach (int t in used)
            {
                var p = tensors[t].Parameter.detach().to(ScalarType.Float32).cpu().contiguous();
                values[t] = p.data<float>().ToArray();
                var m = tensors[t].Mask.cpu().contiguous();
                masks[t] = m.data<bool>().ToArray();
            }
        }
        return (values, masks);
    }

    internal static void AddSlice(HashSet<int> set, IReadOnlyList<long> shape, StructureSlice slice)
    {
        long outer = 1, inner = 1;
        for (int d = 0; d < slice.Dimension; d++) outer *= shape[d];
        for (int d = slice.Dimension + 1; d < shape.Count; d++) inner *= shape[d];
        long size = shape[slice.Dimension];
        for (long o = 0; o < outer; o++)
        {
            for (long k = slice.Start; k < slice.Start + slice.Length; k++)
            {
                long baseIndex = (o * size + k) * inner;
                for (long i = 0; i < inner; i++) set.Add(checked((int)(baseIndex + i)));
            }
        }
    }
}
