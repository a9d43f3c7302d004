using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// The process-wide side of one <see cref="ForecastTrainer.Fit"/>: holds <see cref="TorchProcessLocks.Fit"/> for the whole
/// fit (a second fit in the process waits, so concurrent fits give the same bits as serial ones), lets the fit set
/// libtorch's intra-op thread count, and on <see cref="Dispose"/> restores the thread count found on entry, trims the
/// native heap and releases the lock.
/// </summary>
internal sealed class ProcessFitScope : IDisposable
{
    private readonly int _previousThreads;
    private bool _disposed;

    private ProcessFitScope(int previousThreads) => _previousThreads = previousThreads;

    /// <summary>Waits (cancellably) for <see cref="TorchProcessLocks.Fit"/> and records the current thread count.</summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; the lock is not held.</exception>
    public static ProcessFitScope Enter(CancellationToken cancellationToken)
    {
        TorchProcessLocks.EnterFit(cancellationToken);
        return new ProcessFitScope(torch.get_num_threads());
    }

    /// <summary>Sets libtorch's intra-op thread count for the rest of the fit.</summary>
    public void UseThreads(int threads) => torch.set_num_threads(threads);

    /// <summary>Restores the thread count, trims the native heap and releases the fit lock.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        torch.set_num_threads(_previousThreads);
        NativeRuntime.TrimNativeHeap();
        Monitor.Exit(TorchProcessLocks.Fit);
    }
}
