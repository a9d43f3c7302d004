using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// Synaptic pruning (Vos et al., arXiv 2508.09330) for any TorchSharp module: one binary mask per prunable weight tensor,
/// importance |w| ranked globally across all prunable tensors, target sparsity from a <see cref="SparsitySchedule"/>,
/// masks that only ever go from kept to pruned.
/// </summary>
/// <remarks>
/// <para>Step order in a training loop:</para>
/// <code>
/// optimizer.zero_grad(); loss = criterion(module.forward(x), y); loss.backward();
/// pruner.AfterBackward(epoch, globalStep);   // mask update every PruningInterval steps + gradient masking
/// optimizer.step();
/// pruner.AfterOptimizerStep();               // pruned weights back to exactly 0
/// </code>
/// <para>
/// A mask update to target s prunes exactly round(s·N) − (already pruned) of the currently active weights with the
/// smallest |w| (N = number of prunable weights), ties broken by position in parameter order, so global sparsity equals
/// the target after every update. The masks of all tensors live in one flat buffer (the per-tensor masks are views into it). A small update (at most 1/64 of the weights, the usual one every few steps) of float32 CPU weights is one pass on the host over the weights in place, keeping the smallest in a heap, that then writes only the selected entries of the masks, weights and Adam moments; a large one (or one on another device) is a <c>kthvalue</c> over a reused flat buffer of magnitudes. Both select the same weights and leave the same bits.
/// Not thread-safe: use one pruner per training loop.
/// </para>
/// <para>
/// With <see cref="PruningOptions.PruningGranularity"/> = <see cref="PruningGranularity.Structure"/> the module must implement
/// <see cref="IStructuredPrunable"/>; a mask update then prunes round(s·S) − (already pruned) whole structures (S =
/// number of structures) with the lowest score, ranked globally, never the last one of a group, and clears all their
/// weights in the element masks. The score starts from the RMS of a structure's active weights; with
/// <see cref="PruningOptions.StructureImportance"/> = <see cref="StructureImportance.GroupRelative"/> (default)
/// it is that RMS divided by the mean RMS of the active structures of the structure's group (one layer's units, heads
/// or neurons), with <see cref="StructureImportance.Absolute"/> the RMS itself. Everything after the mask update (gradient masking,
/// optimizer moments, re-applying masks, capture/restore) is the same element-mask machinery as in weight mode.
/// </para>
/// </remarks>
public sealed class SynapticPruner : IDisposable
{
    private readonly SparsitySchedule _schedule;
    private readonly PruningOptions _options;
    private readonly PrunableTensor[] _tensors;
    private readonly long[] _sizes;
    private readonly long[] _offsets;
    private readonly long _total;
    private readonly Tensor _keepFlat;
    private readonly Tensor _prunedFlat;
    private readonly Tensor _scores;
    private readonly Tensor _keepValues;
    private readonly Tensor[] _keepValueViews;
    private readonly Tensor[] _scoreViews;
    private readonly List<SparsityHistoryEntry> _history = new();
    private long _prunedTotal;
    private readonly StructuredMaskStrategy? _structured;
    private bool _gradientsMasked;
    private optim.Optimizer? _optimizer;
    private int[]? _optimizerIndex;
    private bool _disposed;
    private float[] _heapScores = Array.Empty<float>();
    private long[] _heapIndices = Array.Empty<long>();
    private readonly List<long> _fixups = new();
    private IntPtr[] _weightData = Array.Empty<IntPtr>();
    // Per prunable tensor: its Adam/AdamW state object (stable for the optimizer's life; its moment tensors may be
    // replaced), and per moment (3 per tensor) the tensor last checked and its data when it can be written on the host.
    private object?[]? _optimizerStates;
    private Tensor?[] _momentTensors = Array.Empty<Tensor?>();
    private IntPtr[] _momentData = Array.Empty<IntPtr>();

    /// <summary>Creates a pruner for <paramref name="module"/>; all masks start as "kept".</summary>
    /// <param name="module">Any TorchSharp module; its prunable parameters are chosen by <see cref="PrunableParameterSelection"/>.</param>
    /// <param name="schedule">Target sparsity over training.</param>
    /// <param name="options">Pruning settings (update interval, gradient/optimizer masking, parameter selection).</param>
    /// <exception cref="ArgumentException">
    /// Invalid options, the module has no prunable parameter, or structured granularity for a module that does not
    /// implement <see cref="IStructuredPrunable"/> (e.g. DLinear).
    /// </exception>
    public SynapticPruner(nn.Module module, SparsitySchedule schedule, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _schedule = schedule;
        _options = options.Clone();
        IStructuredPrunable? structuredModule = null;
        if (_options.PruningGranularity == PruningGranularity.Structure)
        {
            structuredModule = module as IStructuredPrunable ?? throw new ArgumentException(
                $"PruningGranularity.Structure needs a module that declares its structures (IStructuredPrunable: RNN, LSTM, GRU, PatchTST); {module.GetType().Name} does not. Use PruningGranularity.Weight for it.",
                nameof(module));
        }

        var selected = PrunableParameterSelection.Select(module, _options);
        if (selected.Count == 0)
            throw new ArgumentException(
                "The module has no prunable parameter (none has ≥ 2 dimensions and 'weight' in its name, or the Selector chose none). Check PruningOptions.Selector.",
                nameof(module));

        _tensors = new PrunableTensor[selected.Count];
        _sizes = new long[selected.Count];
        _offsets = new long[selected.Count];
        foreach (var (_, parameter) in selected) _total += parameter.numel();
        var device = selected[0].Item2.device;
        foreach (var (name, parameter) in selected)
        {
            if (parameter.device.type != device.type || parameter.device.index != device.index)
                throw new ArgumentException(
                    $"Prunable parameter '{name}' is on {parameter.device} but '{selected[0].Item1}' is on {device}; move the module to one device before creating the pruner.",
                    nameof(module));
        }
        using (torch.no_grad())
        {
            // The masks of all tensors live in two flat buffers (per-tensor masks are views into them), so a mask update
            // works on the whole model with a handful of tensor operations instead of several per tensor.
            _keepFlat = torch.ones(_total, dtype: ScalarType.Bool, device: device).DetachFromDisposeScope();
            _prunedFlat = torch.zeros(_total, dtype: ScalarType.Bool, device: device).DetachFromDisposeScope();
            _scores = torch.empty(_total, dtype: ScalarType.Float32, device: device).DetachFromDisposeScope();
            _keepValues = torch.ones(_total, dtype: ScalarType.Float32, device: device).DetachFromDisposeScope();
            _keepValueViews = new Tensor[selected.Count];
            _scoreViews = new Tensor[selected.Count];
            long offset = 0;
            for (int i = 0; i < selected.Count; i++)
            {
                var (name, parameter) = selected[i];
                long n = parameter.numel();
                var keep = _keepFlat.narrow(0, offset, n).view(parameter.shape).DetachFromDisposeScope();
                var pruned = _prunedFlat.narrow(0, offset, n).view(parameter.shape).DetachFromDisposeScope();
                _tensors[i] = new PrunableTensor(name, parameter, keep, pruned);
                _keepValueViews[i] = _keepValues.narrow(0, offset, n).view(parameter.shape).DetachFromDisposeScope();
                _scoreViews[i] = _scores.narrow(0, offset, n).view(parameter.shape).DetachFromDisposeScope();
                _sizes[i] = n;
                _offsets[i] = offset;
                offset += n;
            }
        }
        if (structuredModule is not null)
        {
            try
            {
                _structured = new StructuredMaskStrategy(structuredModule.GetStructures(), _tensors, _options.StructureImportance);
            }
            catch
            {
                Dispose();
                throw;
            }
        }
    }

    /// <summary>What a mask update prunes (from <see cref="PruningOptions.PruningGranularity"/>).</summary>
    public PruningGranularity Granularity => _options.PruningGranularity;

    /// <summary>The structures of the module in structured mode (empty in weight mode).</summary>
    public IReadOnlyList<PrunableStructure> Structures => _structured?.Structures ?? Array.Empty<PrunableStructure>();

    /// <summary>Per structure (same order as <see cref="Structures"/>): true when pruned. Empty in weight mode.</summary>
    public IReadOnlyList<bool> PrunedStructures => _structured?.Pruned ?? Array.Empty<bool>();

    /// <summary>Number of pruned structures (0 in weight mode).</summary>
    public int PrunedStructureCount => _structured?.PrunedCount ?? 0;

    /// <summary>Pruned / all structures in structured mode (the quantity the schedule targets there); 0 in weight mode.</summary>
    public double StructureSparsity => _structured is { Count: > 0 } s ? (double)s.PrunedCount / s.Count : 0;

    /// <summary>
    /// The RMS importance (‖w_active‖₂ / √n_active) of every structure, in <see cref="Structures"/> order, from the
    /// current weights; empty in weight mode.
    /// </summary>
    public IReadOnlyList<double> StructureImportance() => _structured?.Importance(_tensors) ?? Array.Empty<double>();

    /// <summary>
    /// The scores the next structured mask update ranks, in <see cref="Structures"/> order, from the current weights:
    /// with <see cref="PruningOptions.StructureImportance"/> = <see cref="StructureImportance.GroupRelative"/>
    /// each active structure's RMS divided by the mean RMS of the active structures of its group, with
    /// <see cref="StructureImportance.Absolute"/> the RMS (<see cref="StructureImportance()"/>). Pruned
    /// structures score 0. Empty in weight mode.
    /// </summary>
    public IReadOnlyList<double> StructureScores() => _structured?.Scores(_tensors) ?? Array.Empty<double>();

    /// <summary>The prunable tensors and their masks, in parameter order.</summary>
    public IReadOnlyList<PrunableTensor> Tensors => _tensors;

    /// <summary>The schedule in use.</summary>
    public SparsitySchedule Schedule => _schedule;

    /// <summary>Total number of prunable weights.</summary>
    public long TotalPrunable => _total;

    /// <summary>Number of pruned weights.</summary>
    public long PrunedCount => _prunedTotal;

    /// <summary>Pruned / prunable weights over all prunable tensors.</summary>
    public double GlobalSparsity => _total == 0 ? 0 : (double)_prunedTotal / _total;

    /// <summary>Every mask update so far (appended on each change).</summary>
    public IReadOnlyList<SparsityHistoryEntry> History => _history;

    /// <summary>
    /// Lets the pruner zero the Adam/AdamW moments (<c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>) of pruned
    /// weights in place whenever masks change (when <see cref="PruningOptions.ZeroPrunedGradientsAndOptimizerState"/> is
    /// on). Other optimizers are accepted; their state is left alone. Parameters are matched to optimizer slots by
    /// identity, so the optimizer may hold more parameters than the pruner.
    /// </summary>
    public void AttachOptimizer(optim.Optimizer optimizer)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(optimizer);
        var slots = new Dictionary<IntPtr, int>();
        int index = 0;
        foreach (var p in optimizer.parameters())
            slots.TryAdd(p.Handle, index++);
        var map = new int[_tensors.Length];
        for (int i = 0; i < _tensors.Length; i++)
            map[i] = slots.TryGetValue(_tensors[i].Parameter.Handle, out int slot) ? slot : -1;
        _optimizer = optimizer;
        _optimizerIndex = map;
        _optimizerStates = null;
        if (optimizer is (Adam or AdamW) and OptimizerHelper helper)
        {
            // State objects are created with the optimizer and live as long as it (state_dict() re-enumerates the
            // parameters, which costs more than the rest of a small mask update).
            var states = helper.state_dict().State;
            _optimizerStates = map.Select(slot => slot >= 0 && slot < states.Count ? (object?)states[slot] : null).ToArray();
            _momentTensors = new Tensor?[3 * _tensors.Length];
            _momentData = new IntPtr[3 * _tensors.Length];
        }
        if (_prunedTotal > 0) ZeroOptimizerState();
    }

    /// <summary>
    /// Call after <c>loss.backward()</c> and before <c>optimizer.step()</c>. When <paramref name="globalStep"/> is an update
    /// step of the schedule (by default every <see cref="PruningOptions.PruningInterval"/> steps) and the target for
    /// (<paramref name="epoch"/>, <paramref name="globalStep"/>) exceeds the current sparsity, prunes the smallest active
    /// weights globally up to the target, zeroes them and (option on) their optimizer moments. Then (option on) zeroes
    /// the gradients of all pruned weights.
    /// </summary>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="globalStep">1-based optimizer step counted from the start of training, never reset at epoch boundaries.</param>
    /// <returns>True when the masks changed.</returns>
    public bool AfterBackward(int epoch, long globalStep)
    {
        ThrowIfDisposed();
        bool changed = false;
        if (_schedule.IsUpdateStep(globalStep, _options.PruningInterval))
        {
            double target = _schedule.TargetSparsity(epoch, globalStep);
            if (target > 0) changed = UpdateMasks(target, epoch, globalStep);
        }
        if (_options.ZeroPrunedGradientsAndOptimizerState) MaskGradients();
        _gradientsMasked = _options.ZeroPrunedGradientsAndOptimizerState;
        return changed;
    }

    /// <summary>
    /// Call after <c>optimizer.step()</c>: makes sure every pruned weight is exactly +0. When the attached optimizer is
    /// Adam or AdamW, covers every prunable tensor and <see cref="PruningOptions.ZeroPrunedGradientsAndOptimizerState"/>
    /// is on, a pruned weight enters the step after <see cref="AfterBackward"/> at +0 with zero gradient and zero
    /// moments, so the step leaves it at +0 and the re-masking pass is skipped (it cost 3–6 % of a small LSTM step). Weights edited outside the training step
    /// are re-masked by <see cref="RestoreState"/>, <see cref="ImportMasks"/> and every mask update.
    /// </summary>
    public void AfterOptimizerStep()
    {
        ThrowIfDisposed();
        bool preserved = _gradientsMasked && OptimizerStepPreservesZeros();
        _gradientsMasked = false;
        if (_prunedTotal == 0 || preserved) return;
        ApplyMasks();
    }

    private bool OptimizerStepPreservesZeros()
        => _options.ZeroPrunedGradientsAndOptimizerState
           && _optimizer is Adam or AdamW
           && _optimizerIndex is not null
           && Array.TrueForAll(_optimizerIndex, slot => slot >= 0);

    /// <summary>The target sparsity the schedule gives for (<paramref name="epoch"/>, <paramref name="globalStep"/>).</summary>
    public double TargetSparsity(int epoch, long globalStep) => _schedule.TargetSparsity(epoch, globalStep);

    /// <summary>
    /// One-shot global magnitude pruning up to <paramref name="sparsity"/> (never un-prunes). Recorded in the history with
    /// epoch and step −1.
    /// </summary>
    /// <returns>True when the masks changed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sparsity"/> outside [0, 1).</exception>
    public bool PruneTo(double sparsity)
    {
        ThrowIfDisposed();
        if (!(sparsity >= 0 && sparsity < 1))
            throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, $"Sparsity must be in [0, 1) (got {sparsity}).");
        return UpdateMasks(sparsity, -1, -1);
    }

    /// <summary>Sparsity of every prunable tensor.</summary>
    public IReadOnlyList<TensorSparsity> PerTensorSparsity()
    {
        var list = new TensorSparsity[_tensors.Length];
        for (int i = 0; i < _tensors.Length; i++)
            list[i] = new TensorSparsity(_tensors[i].Name, _tensors[i].NumberOfElements, _tensors[i].PrunedCount);
        return list;
    }

    /// <summary>Copies the masks (and the history length) so they can be restored with <see cref="RestoreState"/>.</summary>
    public PrunerState CaptureState()
    {
        ThrowIfDisposed();
        var names = new string[_tensors.Length];
        var masks = new bool[_tensors.Length][];
        for (int i = 0; i < _tensors.Length; i++)
        {
            names[i] = _tensors[i].Name;
            masks[i] = ReadMask(_tensors[i]);
        }
        return new PrunerState(names, masks, _history.Count);
    }

    /// <summary>
    /// Restores masks captured by <see cref="CaptureState"/> from this pruner (or one over the same parameters), zeroes the
    /// pruned weights and their optimizer moments, and truncates the history to the captured length. Restore the weights
    /// themselves separately (e.g. from a state-dict copy).
    /// </summary>
    /// <exception cref="ArgumentException">The state does not match this pruner's tensors.</exception>
    public void RestoreState(PrunerState state)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(state);
        if (state.Names.Count != _tensors.Length)
            throw new ArgumentException($"The state holds {state.Names.Count} masks but the pruner has {_tensors.Length} prunable tensors.", nameof(state));
        for (int i = 0; i < _tensors.Length; i++)
        {
            if (state.Names[i] != _tensors[i].Name)
                throw new ArgumentException($"Mask {i} of the state is for '{state.Names[i]}' but the pruner's tensor {i} is '{_tensors[i].Name}'.", nameof(state));
            if (state.MaskView(i).LongLength != _tensors[i].NumberOfElements)
                throw new ArgumentException($"Mask '{state.Names[i]}' has {state.MaskView(i).LongLength} entries; the parameter has {_tensors[i].NumberOfElements}.", nameof(state));
        }
        for (int i = 0; i < _tensors.Length; i++) WriteMask(_tensors[i], state.MaskView(i));
        RecountAndApply();
        _structured?.SyncFromMasks(_tensors, ReadMask);
        if (state.HistoryCount < _history.Count) _history.RemoveRange(state.HistoryCount, _history.Count - state.HistoryCount);
    }

    /// <summary>Replaces the history with <paramref name="entries"/> (resuming a run; restore the masks with <see cref="RestoreState"/> afterwards).</summary>
    internal void RestoreHistory(IReadOnlyList<SparsityHistoryEntry> entries)
    {
        ThrowIfDisposed();
        _history.Clear();
        _history.AddRange(entries);
    }

    /// <summary>The masks by parameter name (true = kept), flattened row-major; copies.</summary>
    public IReadOnlyDictionary<string, bool[]> ExportMasks()
    {
        ThrowIfDisposed();
        var result = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        foreach (var t in _tensors) result[t.Name] = ReadMask(t);
        return result;
    }

    /// <summary>
    /// Replaces the masks with <paramref name="masks"/> (by parameter name, true = kept, flattened row-major; every prunable
    /// tensor must be present) and zeroes the pruned weights. The history is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">A name is missing or unknown, or a mask has the wrong length.</exception>
    public void ImportMasks(IReadOnlyDictionary<string, bool[]> masks)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(masks);
        var known = new HashSet<string>(_tensors.Select(t => t.Name), StringComparer.Ordinal);
        foreach (var name in masks.Keys)
        {
            if (!known.Contains(name))
                throw new ArgumentException($"Mask '{name}' does not match any prunable parameter. Prunable parameters: {string.Join(", ", known)}.", nameof(masks));
        }
        foreach (var t in _tensors)
        {
            if (!masks.TryGetValue(t.Name, out var mask) || mask is null)
                throw new ArgumentException($"No mask for prunable parameter '{t.Name}'.", nameof(masks));
            if (mask.LongLength != t.NumberOfElements)
                throw new ArgumentException(
                    $"Mask '{t.Name}' has {mask.LongLength} entries but the parameter has shape [{string.Join(", ", t.Shape)}] ({t.NumberOfElements} entries).", nameof(masks));
        }
        foreach (var t in _tensors) WriteMask(t, masks[t.Name]);
        RecountAndApply();
        _structured?.SyncFromMasks(_tensors, ReadMask);
    }

    /// <summary>A plain-data summary of the current sparsity, history and masks.</summary>
    public PruningSummary Summarize()
        => new(GlobalSparsity, _total, _prunedTotal, PerTensorSparsity(), _history.ToArray(), ExportMasks(), _schedule.ToString() ?? string.Empty);

    /// <summary>Releases the mask tensors (not the module or the optimizer).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors)
        {
            t.Mask.Dispose();
            t.PrunedMask.Dispose();
        }
        foreach (var v in _keepValueViews) v.Dispose();
        foreach (var v in _scoreViews) v.Dispose();
        _keepFlat.Dispose();
        _prunedFlat.Dispose();
        _keepValues.Dispose();
        _scores.Dispose();
        _optimizer = null;
        _optimizerStates = null;
    }

    private bool UpdateMasks(double target, int epoch, long step)
    {
        if (_structured is not null) return UpdateStructureMasks(target, epoch, step);
        long goal = (long)Math.Round(target * _total, MidpointRounding.AwayFromZero);
        long need = Math.Min(goal - _prunedTotal, _total - _prunedTotal);
        if (need <= 0) return false;

        // A small update (the usual case every few steps) is selected and applied on the host in one pass over the
        // weights; a large one-shot update, or one the host path cannot take (see TryPruneOnHost), uses tensor operations.
        // Both prune exactly the same weights and leave bit-identical weights, masks and moments.
        if (!(HostUpdates && need <= _total / 64 && TryPruneOnHost(need))) PruneWithTensorOps(need);
        _history.Add(new SparsityHistoryEntry(epoch, step, target, GlobalSparsity, PerTensorSparsity()));
        return true;
    }

    /// <summary>
    /// Whether small mask updates may run on the host (default true). Tests turn it off to compare both paths.
    /// </summary>
    internal bool HostUpdates { get; set; } = true;

    private void PruneWithTensorOps(long need)
    {
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            // Importance |w| of every prunable weight in one reused flat buffer; pruned weights rank last (+∞).
            for (int i = 0; i < _tensors.Length; i++) _scoreViews[i].copy_(_tensors[i].Parameter);
            _scores.abs_().masked_fill_(_prunedFlat, float.PositiveInfinity);
            // The need-th smallest score: a partial top-k is several times faster than a full selection when an update
            // prunes a small fraction; kthvalue is faster for large one-shot targets.
            float threshold;
            if (need <= _total / 64)
            {
                var (smallest, _) = _scores.topk(checked((int)need), largest: false, sorted: false);
                threshold = smallest.max().item<float>();
            }
            else
            {
                var (kth, _) = _scores.kthvalue(need, 0, false);
                threshold = kth.item<float>();
            }
            // Usually exactly `need` scores are ≤ the threshold; with ties at the threshold take all scores below it and
            // the first tied ones in parameter order.
            var select = _scores.le(threshold);
            if (CountTrue(select) != need)
            {
                select = _scores.lt(threshold);
                long ties = need - CountTrue(select);
                if (ties > 0)
                {
                    var tieIndices = _scores.eq(threshold).nonzero().flatten().narrow(0, 0, ties);
                    select.index_fill_(0, tieIndices, true);
                }
            }
            _keepFlat.masked_fill_(select, false);
            _prunedFlat.logical_or_(select);
            _keepValues.masked_fill_(select, 0);
            var counts = CountTruePerTensor(select);
            for (int i = 0; i < _tensors.Length; i++)
            {
                var t = _tensors[i];
                long count = counts[i];
                if (count == 0) continue;
                t.PrunedCount += count;
                _prunedTotal += count;
                // w × {0, 1} + 0: pruned weights become exactly +0 (−0 + 0 = +0), kept ones are unchanged; two
                // vectorised passes are several times cheaper than masked_fill_ with a bool mask.
                t.Parameter.mul_(_keepValueViews[i]).add_(0f);
            }
        }
        ZeroOptimizerState();
    }

    /// <summary>
    /// The update of <see cref="PruneWithTensorOps"/> for a small <paramref name="need"/>, on the host: one pass over the
    /// weights and masks (contiguous float32 CPU tensors, read in place) keeps the <paramref name="need"/> active weights
    /// with the smallest (|w|, flat position) in a max-heap (exactly the weights the threshold-and-ties rule selects),
    /// then only the selected entries of the masks, weights and Adam moments are written. In a training loop the tensor
    /// path's dozen passes over cold buffers cost several times more (issue #13). Returns false, having changed
    /// nothing, when a tensor is not a contiguous float32 CPU tensor or an active weight is not finite (the tensor path
    /// then reproduces the old behaviour exactly).
    /// </summary>
    /// <remarks>
    /// Bit-identical to the tensor path given the pruner's invariant that the optimizer moments of pruned weights are
    /// ±0 between updates (they are zeroed when a weight is pruned and its gradient is masked afterwards): the tensor
    /// path multiplies every moment of a tensor with pruned weights by its 0/1 mask, which leaves kept and ±0 entries
    /// unchanged; here only the newly pruned entries are multiplied by 0. Weights are reproduced exactly, including the
    /// tensor path's w × mask + 0 on the other entries of a tensor that loses weights (a kept −0 becomes +0, a pruned
    /// weight edited to non-zero goes back to +0).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop in a method called every few steps: skip tier 0
    private bool TryPruneOnHost(long need)
    {
        if (_total > int.MaxValue || _keepFlat.device_type != DeviceType.CPU) return false;
        foreach (var t in _tensors)
        {
            var p = t.Parameter;
            if (p.device_type != DeviceType.CPU || p.dtype != ScalarType.Float32 || !p.is_contiguous()) return false;
        }
        int k = (int)need;
        if (_heapScores.Length < k)
        {
            _heapScores = new float[k];
            _heapIndices = new long[k];
        }
        var heapScores = _heapScores;
        var heapIndices = _heapIndices;
        int size = 0;
        _fixups.Clear();
        var keepValues = MemoryMarshal.Cast<byte, float>(_keepValues.bytes);
        int width = Vector<float>.Count;
        var infinity = new Vector<float>(float.PositiveInfinity);
        var negativeZero = new Vector<int>(int.MinValue);
        if (_weightData.Length != _tensors.Length) _weightData = new IntPtr[_tensors.Length];
        for (int i = 0; i < _tensors.Length; i++)
        {
            var weights = MemoryMarshal.Cast<byte, float>(_tensors[i].Parameter.bytes);
            _weightData[i] = AddressOf(weights);
            var keep = keepValues.Slice(checked((int)_offsets[i]), weights.Length);
            long first = _offsets[i];
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                // Blocks with nothing to do (no candidate for the heap, no −0 or non-finite kept weight, no non-zero pruned
                // weight) are skipped with a few vector compares; the others go through the scalar rule below.
                for (; j + width <= weights.Length; j += width)
                {
                    var w = new Vector<float>(weights.Slice(j, width));
                    var kept = Vector.Equals(new Vector<float>(keep.Slice(j, width)), Vector<float>.One);
                    var bits = Vector.AsVectorInt32(w);
                    var score = Vector.Abs(w);
                    var finite = Vector.LessThan(score, infinity);
                    var candidate = Vector.LessThan(score, new Vector<float>(size < k ? float.PositiveInfinity : heapScores[0]));
                    var interesting = (kept & (candidate | ~finite | Vector.Equals(bits, negativeZero)))
                                      | (~kept & ~Vector.Equals(bits, Vector<int>.Zero));
                    if (interesting == Vector<int>.Zero) continue;
                    for (int lane = j; lane < j + width; lane++)
                    {
                        if (!Visit(weights[lane], keep[lane] != 0f, first + lane, k, ref size)) return false;
                    }
                }
            }
            for (; j < weights.Length; j++)
            {
                if (!Visit(weights[j], keep[j] != 0f, first + j, k, ref size)) return false;
            }
        }
        if (size != k) return false;

        Array.Sort(heapIndices, 0, k);
        var keepAll = _keepFlat.bytes;
        var pruneAll = _prunedFlat.bytes;
        var keepValuesAll = MemoryMarshal.Cast<byte, float>(_keepValues.bytes);
        var counts = new long[_tensors.Length];
        int s = 0;
        for (int i = 0; i < _tensors.Length && s < k; i++)
        {
            long end = _offsets[i] + _sizes[i];
            if (heapIndices[s] >= end) continue;
            var weights = Floats(_weightData[i], _sizes[i]);
            for (; s < k && heapIndices[s] < end; s++)
            {
                int index = (int)heapIndices[s];
                keepAll[index] = 0;
                pruneAll[index] = 1;
                keepValuesAll[index] = 0f;
                weights[(int)(index - _offsets[i])] = 0f; // a finite w × 0 + 0
                counts[i]++;
            }
        }
        foreach (long index in _fixups)
        {
            int i = TensorOf(index);
            if (counts[i] == 0) continue; // the tensor path leaves tensors without new prunes alone
            var weights = Floats(_weightData[i], _sizes[i]);
            int j = (int)(index - _offsets[i]);
            weights[j] = weights[j] * keepValuesAll[(int)index] + 0f;
        }
        for (int i = 0; i < _tensors.Length; i++)
        {
            _tensors[i].PrunedCount += counts[i];
            _prunedTotal += counts[i];
        }
        ZeroNewlyPrunedMoments(heapIndices.AsSpan(0, k), counts);
        return true;
    }

    // The Adam/AdamW moments of the newly pruned weights (sorted flat indices) × 0, as ZeroOptimizerState's moment × mask
    // does for them (its other entries are kept or already ±0, which × mask leaves unchanged); a moment that is not a
    // contiguous float32 CPU tensor of the parameter's shape gets ZeroOptimizerState's vectorised treatment.
    private void ZeroNewlyPrunedMoments(ReadOnlySpan<long> indices, long[] counts)
    {
        if (!_options.ZeroPrunedGradientsAndOptimizerState || _optimizerStates is null) return;
        int start = 0;
        for (int i = 0; i < _tensors.Length; i++)
        {
            int n = (int)counts[i];
            var mine = indices.Slice(start, n);
            start += n;
            if (n == 0) continue;
            switch (_optimizerStates[i])
            {
                case Adam.State s:
                    ZeroMomentEntries(s.exp_avg, i, 0, mine);
                    ZeroMomentEntries(s.exp_avg_sq, i, 1, mine);
                    ZeroMomentEntries(s.max_exp_avg_sq, i, 2, mine);
                    break;
                case AdamW.State s:
                    ZeroMomentEntries(s.exp_avg, i, 0, mine);
                    ZeroMomentEntries(s.exp_avg_sq, i, 1, mine);
                    ZeroMomentEntries(s.max_exp_avg_sq, i, 2, mine);
                    break;
            }
        }
    }

    private void ZeroMomentEntries(Tensor? moment, int tensor, int which, ReadOnlySpan<long> indices)
    {
        if (moment is null || moment.IsInvalid) return;
        int slot = 3 * tensor + which;
        if (!ReferenceEquals(_momentTensors[slot], moment))
        {
            // A moment tensor is updated in place by the optimizer; a new one (amsgrad's maximum, load_state_dict,
            // to(device)) is checked again.
            _momentTensors[slot] = moment;
            _momentData[slot] = moment.device_type == DeviceType.CPU && moment.dtype == ScalarType.Float32 && moment.is_contiguous()
                && moment.shape.SequenceEqual(_tensors[tensor].Shape)
                ? AddressOf(MemoryMarshal.Cast<byte, float>(moment.bytes))
                : IntPtr.Zero;
        }
        if (_momentData[slot] == IntPtr.Zero)
        {
            using (torch.no_grad()) ZeroMoment(moment, _keepValueViews[tensor]);
            return;
        }
        var values = Floats(_momentData[slot], _sizes[tensor]);
        long first = _offsets[tensor];
        foreach (long index in indices) values[(int)(index - first)] *= 0f;
    }

    private static unsafe IntPtr AddressOf(Span<float> values)
    {
        fixed (float* p = values) return (IntPtr)p;
    }

    private static unsafe Span<float> Floats(IntPtr data, long length) => new((void*)data, checked((int)length));

    // One weight of the host scan: false when an active weight is not finite (the tensor path then takes the update).
    private bool Visit(float w, bool kept, long index, int k, ref int size)
    {
        int bits = BitConverter.SingleToInt32Bits(w);
        if (!kept)
        {
            if (bits != 0) _fixups.Add(index); // a pruned weight that is not +0 (edited outside the training step)
            return true;
        }
        float score = MathF.Abs(w);
        if (!(score < float.PositiveInfinity)) return false; // NaN or ±∞
        if (bits == int.MinValue) _fixups.Add(index);       // a kept −0
        if (size < k)
        {
            HeapPush(_heapScores, _heapIndices, size++, score, index);
        }
        else if (score < _heapScores[0])
        {
            // Later positions never win a tie, so only a strictly smaller score enters.
            _heapScores[0] = score;
            _heapIndices[0] = index;
            HeapSiftDown(_heapScores, _heapIndices, size);
        }
        return true;
    }

    private int TensorOf(long flatIndex)
    {
        int found = Array.BinarySearch(_offsets, flatIndex);
        int i = found >= 0 ? found : ~found - 1;
        while (i + 1 < _offsets.Length && _offsets[i + 1] <= flatIndex) i++; // past empty tensors sharing the offset
        return i;
    }

    // Max-heap on (score, flat index): the root is the largest score, the later position among equal scores.
    private static bool Above(float scoreA, long indexA, float scoreB, long indexB)
        => scoreA > scoreB || (scoreA == scoreB && indexA > indexB);

    private static void HeapPush(float[] scores, long[] indices, int count, float score, long index)
    {
        int at = count;
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (!Above(score, index, scores[parent], indices[parent])) break;
            scores[at] = scores[parent];
            indices[at] = indices[parent];
            at = parent;
        }
        scores[at] = score;
        indices[at] = index;
    }

    private static void HeapSiftDown(float[] scores, long[] indices, int count)
    {
        float score = scores[0];
        long index = indices[0];
        int at = 0;
        while (true)
        {
            int child = 2 * at + 1;
            if (child >= count) break;
            if (child + 1 < count && Above(scores[child + 1], indices[child + 1], scores[child], indices[child])) child++;
            if (!Above(scores[child], indices[child], score, index)) break;
            scores[at] = scores[child];
            indices[at] = indices[child];
            at = child;
        }
        scores[at] = score;
        indices[at] = index;
    }

    private bool UpdateStructureMasks(double target, int epoch, long step)
    {
        if (!_structured!.PruneTo(target, _tensors, ReadMask, WriteMask)) return false;
        RecountAndApply();
        _history.Add(new SparsityHistoryEntry(epoch, step, target, GlobalSparsity, PerTensorSparsity()));
        return true;
    }

    private void ApplyMasks()
    {
        using (torch.no_grad())
        {
            foreach (var t in _tensors)
            {
                if (t.PrunedCount > 0) t.Parameter.masked_fill_(t.PrunedMask, 0);
            }
        }
    }

    private void MaskGradients()
    {
        // grad × {0, 1}: several times faster than masked_fill_ with a bool mask. A pruned entry becomes ±0 (a non-finite
        // gradient would stay non-finite there, but then training has diverged anyway).
        using (torch.no_grad())
        {
            for (int i = 0; i < _tensors.Length; i++)
            {
                if (_tensors[i].PrunedCount == 0) continue;
                using var grad = _tensors[i].Parameter.grad;
                grad?.mul_(_keepValueViews[i]);
            }
        }
    }

    private void ZeroOptimizerState()
    {
        if (!_options.ZeroPrunedGradientsAndOptimizerState || _optimizer is not OptimizerHelper helper || _optimizerIndex is null) return;
        if (_optimizer is not (Adam or AdamW)) return;
        var states = helper.state_dict().State;
        using (torch.no_grad())
        {
            for (int i = 0; i < _tensors.Length; i++)
            {
                int slot = _optimizerIndex[i];
                if (slot < 0 || slot >= states.Count || _tensors[i].PrunedCount == 0) continue;
                var keep = _keepValueViews[i];
                switch (states[slot])
                {
                    case Adam.State s:
                        ZeroMoment(s.exp_avg, keep);
                        ZeroMoment(s.exp_avg_sq, keep);
                        ZeroMoment(s.max_exp_avg_sq, keep);
                        break;
                    case AdamW.State s:
                        ZeroMoment(s.exp_avg, keep);
                        ZeroMoment(s.exp_avg_sq, keep);
                        ZeroMoment(s.max_exp_avg_sq, keep);
                        break;
                }
            }
        }
    }

    // moment × {0, 1} (moments are finite): several times faster than masked_fill_ with a bool mask.
    private static void ZeroMoment(Tensor? moment, Tensor keep)
    {
        if (moment is null || moment.IsInvalid) return;
        if (!moment.shape.SequenceEqual(keep.shape)) return;
        moment.mul_(keep);
    }

    private void RecountAndApply()
    {
        _prunedTotal = 0;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            _keepValues.copy_(_keepFlat);
            foreach (var t in _tensors)
            {
                t.PrunedMask.copy_(t.Mask.logical_not());
                t.PrunedCount = t.PrunedMask.sum().item<long>();
                _prunedTotal += t.PrunedCount;
                t.Parameter.masked_fill_(t.PrunedMask, 0);
            }
        }
        MaskGradients();
        ZeroOptimizerState();
    }

    // Flags are counted on the host (bool is one byte 0/1 in libtorch): one vectorised pass, no reduction kernel; on the CPU
    // without a copy, on another device through one host copy (HostBytes).
    private static long CountTrue(Tensor flags)
    {
        using var host = HostBytes.Read(flags);
        return host.Bytes.Length - host.Bytes.Count((byte)0);
    }

    // True entries of the flat flags per prunable tensor (its slice [offset, offset + size)).
    private long[] CountTruePerTensor(Tensor flags)
    {
        using var host = HostBytes.Read(flags);
        var bytes = host.Bytes;
        var counts = new long[_tensors.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            var slice = bytes.Slice(checked((int)_offsets[i]), checked((int)_sizes[i]));
            counts[i] = slice.Length - slice.Count((byte)0);
        }
        return counts;
    }

    private static bool[] ReadMask(PrunableTensor t)
    {
        var result = new bool[t.NumberOfElements];
        using var host = HostBytes.Read(t.Mask);
        host.Bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    private static void WriteMask(PrunableTensor t, bool[] mask)
    {
        // bool is one byte in .NET and in libtorch; normalise to 0/1 before handing the bytes to libtorch.
        var bytes = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++) bytes[i] = mask[i] ? (byte)1 : (byte)0;
        HostBytes.Write(t.Mask, bytes);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
