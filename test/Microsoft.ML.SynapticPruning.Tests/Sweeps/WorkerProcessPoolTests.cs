using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class WorkerProcessPoolTests
{
    private static bool HasShell => !OperatingSystem.IsWindows() && File.Exists("/bin/sh");

    // Echoes each request after 0.3 s.
    private static WorkerProcessPool SlowEchoPool(int cores) =>
        new("/bin/sh", new[] { "-c", "echo '@ready sh'; while read -r line; do sleep 0.3; echo \"@reply $line\"; done" }, cores);

    [Fact]
    public async Task ATwoThreadRequest_WaitsForBothCores_AndNeverRunsBesideAnother()
    {
        if (!HasShell) return;
        using var pool = SlowEchoPool(cores: 2);
        int[] threads = [1, 1, 2, 1, 1];
        var clock = Stopwatch.StartNew();
        var start = new double[threads.Length];
        var end = new double[threads.Length];
        var tasks = threads.Select(async (t, i) =>
        {
            var reply = await pool.RunAsync($"r{i}", t, () => start[i] = clock.Elapsed.TotalSeconds, CancellationToken.None);
            end[i] = clock.Elapsed.TotalSeconds;
            return reply;
        }).ToArray();
        var replies = await Task.WhenAll(tasks);
        for (int i = 0; i < threads.Length; i++) Assert.Equal($"r{i}", replies[i].Reply);

        // Intervals as seen from here: a request's cores are freed just before its caller resumes, so allow 0.1 s of slack
        // (requests take 0.3 s; two that really run at once overlap by about that much).
        bool Overlap(int a, int b) => start[a] < end[b] - 0.1 && start[b] < end[a] - 0.1;
        // The 2-thread request runs alone: it overlaps no other request.
        for (int i = 0; i < threads.Length; i++)
            if (i != 2) Assert.False(Overlap(2, i), $"request {i} [{start[i]:F2}, {end[i]:F2}] ran beside the 2-thread request [{start[2]:F2}, {end[2]:F2}]");
        // 1-thread requests share the cores (the pool is parallel), and requests are admitted in call order.
        Assert.True(Overlap(0, 1), "the first two 1-thread requests did not run at once");
        Assert.True(Overlap(3, 4), "the last two 1-thread requests did not run at once");
        Assert.True(start[2] >= Math.Max(end[0], end[1]) - 0.1 && start[3] >= end[2] - 0.1, "requests were not admitted in call order");
        Assert.InRange(pool.WorkersStarted, 1, 2);
    }

    [Fact]
    public async Task Dispose_StopsEveryWorker()
    {
        if (!HasShell) return;
        var pool = SlowEchoPool(cores: 2);
        var replies = await Task.WhenAll(pool.RunAsync("a", 1, null, CancellationToken.None), pool.RunAsync("b", 1, null, CancellationToken.None));
        var pids = replies.Select(r => int.Parse(r.Worker![(r.Worker!.LastIndexOf("pid", StringComparison.Ordinal) + 3)..])).Distinct().ToArray();
        Assert.NotEmpty(pids);
        pool.Dispose();
        foreach (int pid in pids)
        {
            bool exited;
            try { using var p = Process.GetProcessById(pid); exited = p.HasExited; }
            catch (ArgumentException) { exited = true; }
            Assert.True(exited, $"worker {pid} still runs after Dispose");
        }
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.RunAsync("c", 1, null, CancellationToken.None));
    }

    [Fact]
    public async Task RefusedReadyLine_IsAStartFailure()
    {
        if (!HasShell) return;
        using var pool = new WorkerProcessPool("/bin/sh", new[] { "-c", "echo '@ready plan-B'; read -r x" }, 1)
        {
            ValidateReady = info => info == "plan-A" ? null : $"it planned {info}",
        };
        var reply = await pool.RunAsync("x", 1, null, CancellationToken.None);
        Assert.False(reply.Succeeded);
        Assert.True(reply.StartFailed);
        Assert.Contains("it planned plan-B", reply.Error);
    }
}
