using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class TrialWorkerTests
{
    private static readonly TrialRequest Request = new("w", Configuration.Empty.With("x", 0.3).With("lr", 0.003).With("kind", "a"), 4, 0, 9, 9, TestData.Data);
    private static readonly TrialRequest Other = new("w", Configuration.Empty.With("x", 0.7).With("lr", 0.01).With("kind", "b"), 5, 0, 9, 9, TestData.Data);

    private static string[] Lines(LockedWriter output) => output.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    [Fact]
    public async Task Worker_WritesItsReadyLine_ThenOneResultLinePerRequest_UntilInputEnds()
    {
        var input = new QueueReader();
        var output = new LockedWriter();
        var worker = Task.Run(() => TrialWorker.Run(new FakeRunner(), input, output, new StringWriter(), "data abc"));
        input.Send(Request.ToJson());
        input.Send(Other.ToJson());
        Assert.True(SpinWait.SpinUntil(() => Lines(output).Length == 3, TimeSpan.FromSeconds(10)), output.ToString());
        input.End();
        Assert.Equal(0, await worker.WaitAsync(TimeSpan.FromSeconds(10)));
        var lines = Lines(output);
        Assert.Equal("@ready data abc", lines[0]);
        var results = lines.Skip(1).Select(l => TrialResult.FromJson(l[WorkerProcessPool.ReplyPrefix.Length..])).ToArray();
        Assert.Equal([Request.TrialId, Other.TrialId], results.Select(r => r.TrialId));
        Assert.Equal(SyntheticObjective.Loss(Request.Configuration, 4, 9), results[0].Objective);
        Assert.Equal(SyntheticObjective.Loss(Other.Configuration, 5, 9), results[1].Objective);
    }

    [Fact]
    public async Task Worker_TurnsExceptionsIntoFailedResults_AndRejectsBadInput()
    {
        var input = new QueueReader();
        var output = new LockedWriter();
        var err = new LockedWriter();
        var throwing = new FakeRunner { Override = (_, _) => throw new InvalidDataException("hash mismatch") };
        var worker = Task.Run(() => TrialWorker.Run(throwing, input, output, err));
        input.Send(Request.ToJson());
        Assert.True(SpinWait.SpinUntil(() => Lines(output).Length == 2, TimeSpan.FromSeconds(10)), output.ToString());
        var result = TrialResult.FromJson(Lines(output)[1][WorkerProcessPool.ReplyPrefix.Length..]);
        Assert.Equal(TrialStatus.Failed, result.Status);
        Assert.Contains("hash mismatch", result.Error);

        // A request of a newer version: the worker stops with the bad-request exit code and says why.
        input.Send(Request.ToJson().Replace("{\"version\":1,", "{\"version\":2,"));
        Assert.Equal(TrialWorker.BadRequestExitCode, await worker.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("version 2", err.ToString());
    }

    [Fact]
    public async Task InputEndingDuringATrial_CancelsIt_AndTheWorkerExitsWithoutAReply()
    {
        var input = new QueueReader();
        var output = new LockedWriter();
        var running = new ManualResetEventSlim();
        bool sawCancellation = false;
        var runner = new FakeRunner
        {
            Override = (t, ct) =>
            {
                running.Set();
                sawCancellation = ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
                ct.ThrowIfCancellationRequested();
                return TrialResult.Succeeded(t.TrialId, 1);
            },
        };
        var worker = Task.Run(() => TrialWorker.Run(runner, input, output, new StringWriter()));
        input.Send(Request.ToJson());
        Assert.True(running.Wait(TimeSpan.FromSeconds(10)));
        input.End(); // the parent closed the pipe (or died)
        Assert.Equal(0, await worker.WaitAsync(TimeSpan.FromSeconds(10))); // a TimeoutException: the worker kept running after its input ended
        Assert.True(sawCancellation);
        Assert.DoesNotContain(Lines(output), l => l.StartsWith(WorkerProcessPool.ReplyPrefix.Trim(), StringComparison.Ordinal));
    }

    [Fact]
    public void DataReference_VerifyFile_DetectsOtherData()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("d.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        var reference = DataReference.FromFile("d", path);
        reference.VerifyFile(path);
        File.AppendAllText(path, "3,4\n");
        var ex = Assert.Throws<InvalidDataException>(() => reference.VerifyFile(path));
        Assert.Contains(reference.Sha256, ex.Message);
    }
}
