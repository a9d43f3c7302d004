using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class TrialWorkerTests
{
    private static readonly TrialRequest Request = new("w", Configuration.Empty.With("x", 0.3).With("lr", 0.003).With("kind", "a"), 4, 0, 9, 9, TestData.Data);

    [Fact]
    public void Worker_ReadsRequestLine_WritesResultAsLastLine()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrialWorker.Run(new FakeRunner(), new StringReader(Request.ToJson() + "\n"), output, error);
        Assert.Equal(0, code);
        string last = output.ToString().Split('\n').Select(l => l.Trim()).Last(l => l.Length > 0);
        var result = TrialResult.FromJson(last);
        Assert.Equal(Request.TrialId, result.TrialId);
        Assert.Equal(SyntheticObjective.Loss(Request.Configuration, 4, 9), result.Objective);
    }

    [Fact]
    public void Worker_TurnsExceptionsIntoFailedResults_AndRejectsBadInput()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var throwing = new FakeRunner { Override = (_, _) => throw new InvalidDataException("hash mismatch") };
        Assert.Equal(0, TrialWorker.Run(throwing, new StringReader(Request.ToJson()), output, error));
        var result = TrialResult.FromJson(output.ToString().Trim().Split('\n').Last());
        Assert.Equal(TrialStatus.Failed, result.Status);
        Assert.Contains("hash mismatch", result.Error);

        var err = new StringWriter();
        string future = Request.ToJson().Replace("{\"version\":1,", "{\"version\":2,");
        Assert.Equal(TrialWorker.BadRequestExitCode, TrialWorker.Run(new FakeRunner(), new StringReader(future), new StringWriter(), err));
        Assert.Contains("version 2", err.ToString());
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
