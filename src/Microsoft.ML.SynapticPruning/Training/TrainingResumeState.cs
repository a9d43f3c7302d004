using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// Advanced: everything a run truncated by <see cref="TrainingOptions.StopAfterEpochs"/> needs to continue exactly where it
/// stopped — the last epoch's parameters and buffers, the pruner's masks and history, Adam's moments and step counts, the
/// dropout and shuffle generators' states, the global step counter, the early-stopping state (best loss and epoch, bad
/// epochs, the best checkpoint) and the history so far. Obtained from <see cref="TrainedForecaster.ResumeState"/> when
/// <see cref="TrainingOptions.CaptureResumeState"/> is set, and passed back through <see cref="TrainingOptions.ResumeFrom"/>;
/// resuming to a later <see cref="TrainingOptions.StopAfterEpochs"/> gives bit-identical weights and history to one
/// uninterrupted run of the same seed (one fit at a time in a process, same thread count).
/// </summary>
/// <remarks>
/// Holds deep copies (native tensors outside any dispose scope); dispose it when no longer needed. A resume state can be
/// used any number of times (the trainer copies from it). It only matches the same architecture, seed, <see cref="TrainingOptions.MaxEpochs"/>,
/// optimizer and pruning settings and the same data (the trainer checks what it can and throws <see cref="ArgumentException"/>).
/// </remarks>
internal sealed class TrainingResumeState : IDisposable
{
    private readonly Dictionary<string, Tensor> _weights;
    private readonly AdamSlot[] _adam;
    private readonly Tensor _dropoutGenerator;
    private readonly Tensor _shuffleGenerator;
    private Checkpoint? _best;
    private bool _disposed;

    internal TrainingResumeState(ResumeIdentity identity, Dictionary<string, Tensor> weights, AdamSlot[] adam,
        PrunerState? pruner, IReadOnlyList<SparsityHistoryEntry> prunerHistory, Tensor dropoutGenerator, Tensor shuffleGenerator,
        int epoch, long step, double bestLoss, int bestEpoch, int badEpochs, Checkpoint? best, IReadOnlyList<EpochReport> history, TimeSpan elapsed)
    {
        Identity = identity;
        _weights = weights;
        _adam = adam;
        Pruner = pruner;
        PrunerHistory = prunerHistory;
        _dropoutGenerator = dropoutGenerator;
        _shuffleGenerator = shuffleGenerator;
        Epoch = epoch;
        Step = step;
        BestLoss = bestLoss;
        BestEpoch = bestEpoch;
        BadEpochs = badEpochs;
        _best = best;
        History = history;
        Elapsed = elapsed;
    }

    /// <summary>Epochs completed: a resumed run continues with this 0-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>Optimizer steps taken so far (the pruning schedule's global step counter).</summary>
    public long Step { get; }

    /// <summary>The seed of the run.</summary>
    public int Seed => Identity.Seed;

    /// <summary>The schedule length T of the run.</summary>
    public int MaxEpochs => Identity.MaxEpochs;

    /// <summary>The architecture of the run.</summary>
    public ForecasterSpec Spec => Identity.Spec;

    /// <summary>The epoch reports so far (one per completed epoch).</summary>
    public IReadOnlyList<EpochReport> History { get; }

    /// <summary>Lowest eligible validation loss so far (+∞ when none).</summary>
    public double BestLoss { get; }

    /// <summary>0-based epoch of <see cref="BestLoss"/> (−1 when none).</summary>
    public int BestEpoch { get; }

    /// <summary>Consecutive eligible epochs without improvement so far.</summary>
    public int BadEpochs { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => _disposed;

    internal ResumeIdentity Identity { get; }

    internal PrunerState? Pruner { get; }

    internal IReadOnlyList<SparsityHistoryEntry> PrunerHistory { get; }

    internal TimeSpan Elapsed { get; }

    /// <summary>Releases the native tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _weights.Values) t.Dispose();
        _weights.Clear();
        foreach (var slot in _adam) slot.Dispose();
        _dropoutGenerator.Dispose();
        _shuffleGenerator.Dispose();
        _best?.Dispose();
        _best = null;
    }

    /// <summary>Copies the last epoch's parameters and buffers into <paramref name="module"/>.</summary>
    internal void RestoreWeights(nn.Module module)
    {
        ThrowIfDisposed();
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in module.state_dict())
                tensor.copy_(_weights[name]);
        }
    }

    /// <summary>Copies Adam's moments and step counts into <paramref name="adam"/> (created over the same parameters).</summary>
    internal void RestoreOptimizer(Adam adam)
    {
        ThrowIfDisposed();
        var states = adam.state_dict().State;
        if (states.Count != _adam.Length)
            throw new ArgumentException($"The resume state holds optimizer state for {_adam.Length} parameters but the optimizer has {states.Count}.", "ResumeFrom");
        using (torch.no_grad())
        {
            for (int i = 0; i < _adam.Length; i++)
            {
                if (states[i] is not Adam.State s)
                    throw new InvalidOperationException($"Optimizer state {i} is not an Adam state.");
                _adam[i].CopyTo(s);
            }
        }
    }

    /// <summary>Restores the dropout and shuffle generators.</summary>
    internal void RestoreGenerators(Generator dropout, Generator shuffle)
    {
        ThrowIfDisposed();
        dropout.set_state(_dropoutGenerator);
        shuffle.set_state(_shuffleGenerator);
    }

    /// <summary>A copy of the best checkpoint (null when none), owned by the caller.</summary>
    internal Checkpoint? CloneBest()
    {
        ThrowIfDisposed();
        return _best?.Clone();
    }

    /// <summary>Captures the state of a running fit (deep copies).</summary>
    internal static TrainingResumeState Capture(ResumeIdentity identity, nn.Module module, Adam adam, SynapticPruner? pruner,
        Generator dropout, Generator shuffle, int epoch, long step, double bestLoss, int bestEpoch, int badEpochs, Checkpoint? best,
        IReadOnlyList<EpochReport> history, TimeSpan elapsed)
    {
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var slots = new List<AdamSlot>();
        Tensor? dropoutState = null, shuffleState = null;
        try
        {
            using (torch.no_grad())
            {
                foreach (var (name, tensor) in module.state_dict())
                    weights[name] = tensor.detach().clone().DetachFromDisposeScope();
                foreach (var s in adam.state_dict().State)
                {
                    if (s is not Adam.State state)
                        throw new InvalidOperationException("The optimizer state is not an Adam state.");
                    slots.Add(AdamSlot.Capture(state));
                }
            }
            dropoutState = dropout.get_state().DetachFromDisposeScope();
            shuffleState = shuffle.get_state().DetachFromDisposeScope();
            return new TrainingResumeState(identity, weights, slots.ToArray(), pruner?.CaptureState(), pruner?.History.ToArray() ?? Array.Empty<SparsityHistoryEntry>(),
                dropoutState, shuffleState, epoch, step, bestLoss, bestEpoch, badEpochs, best?.Clone(), history.ToArray(), elapsed);
        }
        catch
        {
            foreach (var t in weights.Values) t.Dispose();
            foreach (var s in slots) s.Dispose();
            dropoutState?.Dispose();
            shuffleState?.Dispose();
            throw;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Copies of one parameter's Adam state.</summary>
    internal sealed class AdamSlot : IDisposable
    {
        private readonly long _step;
        private readonly Tensor? _expAvg, _expAvgSq, _maxExpAvgSq;

        private AdamSlot(long step, Tensor? expAvg, Tensor? expAvgSq, Tensor? maxExpAvgSq)
        {
            _step = step;
            _expAvg = expAvg;
            _expAvgSq = expAvgSq;
            _maxExpAvgSq = maxExpAvgSq;
        }

        public static AdamSlot Capture(Adam.State s)
            => new(s.step, Copy(s.exp_avg), Copy(s.exp_avg_sq), Copy(s.max_exp_avg_sq));

        public void CopyTo(Adam.State s)
        {
            s.step = _step;
            Paste(_expAvg, s.exp_avg, nameof(s.exp_avg));
            Paste(_expAvgSq, s.exp_avg_sq, nameof(s.exp_avg_sq));
            Paste(_maxExpAvgSq, s.max_exp_avg_sq, nameof(s.max_exp_avg_sq));
        }

        public void Dispose()
        {
            _expAvg?.Dispose();
            _expAvgSq?.Dispose();
            _maxExpAvgSq?.Dispose();
        }

        private static Tensor? Copy(Tensor? t) => t is null || t.IsInvalid ? null : t.detach().clone().DetachFromDisposeScope();

        private static void Paste(Tensor? saved, Tensor? live, string name)
        {
            if (saved is null) return;
            if (live is null || live.IsInvalid)
                throw new InvalidOperationException($"The optimizer has no '{name}' tensor to restore into.");
            live.copy_(saved);
        }
    }
}
