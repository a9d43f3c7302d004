using Microsoft.ML.SynapticPruning.Runtime;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

/// <summary><see cref="ProcessFitScope"/>: the fit lock for the scope's lifetime, the thread count restored on dispose.</summary>
[Collection("Torch")]
public sealed class ProcessFitScopeTests
{
    private static bool OtherThreadCanEnterTheFitLock()
    {
        bool entered = false;
        var other = new Thread(() =>
        {
            entered = Monitor.TryEnter(TorchProcessLocks.Fit);
            if (entered) Monitor.Exit(TorchProcessLocks.Fit);
        });
        other.Start();
        other.Join();
        return entered;
    }

    [Fact]
    public void HoldsTheFitLockUntilDisposedAndRestoresTheThreadCount()
    {
        int before = torch.get_num_threads();
        int requested = before == 1 ? 2 : 1;
        using (var scope = ProcessFitScope.Enter(CancellationToken.None))
        {
            scope.UseThreads(requested);
            Assert.Equal(requested, torch.get_num_threads());
            Assert.False(OtherThreadCanEnterTheFitLock());
        }
        Assert.Equal(before, torch.get_num_threads());
        Assert.True(OtherThreadCanEnterTheFitLock());
    }

    [Fact]
    public void CancelledWhileAnotherFitHoldsTheLock_ThrowsAndHoldsNothing()
    {
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            lock (TorchProcessLocks.Fit)
            {
                held.Set();
                release.Wait();
            }
        });
        holder.Start();
        held.Wait();
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => ProcessFitScope.Enter(cts.Token));
        release.Set();
        holder.Join();
        Assert.False(Monitor.IsEntered(TorchProcessLocks.Fit));
        Assert.True(OtherThreadCanEnterTheFitLock());
    }
}
