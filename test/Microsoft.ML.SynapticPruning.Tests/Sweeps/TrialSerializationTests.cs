using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class TrialSerializationTests
{
    private static readonly string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly Configuration Config = Configuration.Empty.With("model", "lstm").With("lr", 0.001).With("layers", 2);

    private static TrialRequest Request(Configuration? c = null, int seed = 7, int rung = 1, int budget = 3, int max = 9,
        string sweep = "s1", string dataName = "btc", string? resume = "00aa11bb22cc33dd")
        => new(sweep, c ?? Config, seed, rung, budget, max, new DataReference(dataName, Sha), resume);

    [Fact]
    public void TrialId_IsSha256OfCanonicalJson()
    {
        // Independent derivation: the canonical JSON written by hand, keys in ordinal order.
        string canonical = "{\"configuration\":{\"layers\":\"2\",\"lr\":\"0.001\",\"model\":\"lstm\"},\"dataSha256\":\"" + Sha +
                           "\",\"epochBudget\":3,\"maxEpochs\":9,\"rung\":1,\"seed\":7}";
        string expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
        Assert.Equal(expected, Request().TrialId);
        Assert.Matches("^[0-9a-f]{16}$", Request().TrialId);
    }

    [Fact]
    public void TrialId_DependsOnTrialContentsOnly()
    {
        string id = Request().TrialId;
        var reordered = new Configuration(new Dictionary<string, string> { ["model"] = "lstm", ["layers"] = "2", ["lr"] = "0.001" });
        Assert.Equal(id, Request(c: reordered).TrialId);
        Assert.Equal(id, Request(sweep: "other", dataName: "renamed", resume: null).TrialId);
        Assert.NotEqual(id, Request(seed: 8).TrialId);
        Assert.NotEqual(id, Request(rung: 2).TrialId);
        Assert.NotEqual(id, Request(budget: 4).TrialId);
        Assert.NotEqual(id, Request(max: 10).TrialId);
        Assert.NotEqual(id, Request(c: Config.With("lr", 0.002)).TrialId);
        Assert.NotEqual(id, new TrialRequest("s1", Config, 7, 1, 3, 9, new DataReference("btc", new string('f', 64))).TrialId);
    }

    [Fact]
    public void Request_JsonRoundTrip_TextAndBytes()
    {
        var r = Request();
        string json = r.ToJson();
        Assert.DoesNotContain('\n', json);
        var back = TrialRequest.FromJson(json);
        Assert.Equal(r, back);
        Assert.Equal(r.TrialId, back.TrialId);
        Assert.Equal("00aa11bb22cc33dd", back.ResumeFromTrialId);
        Assert.Equal(9, back.MaxEpochs);
        Assert.Equal(r, TrialRequest.FromJsonBytes(r.ToJsonBytes()));
        var noResume = Request(resume: null);
        Assert.Null(TrialRequest.FromJson(noResume.ToJson()).ResumeFromTrialId);
    }

    [Fact]
    public void Result_JsonRoundTrip_IncludingNonFiniteValues()
    {
        var r = TrialResult.Succeeded("00aa11bb22cc33dd", 0.125, new Dictionary<string, double> { ["rmse"] = 0.5, ["mape"] = double.NaN }, 9, 1.5) with { Worker = "w1" };
        var back = TrialResult.FromJson(r.ToJson());
        Assert.Equal(TrialStatus.Succeeded, back.Status);
        Assert.Equal(0.125, back.Objective);
        Assert.Equal(0.5, back.Metrics["rmse"]);
        Assert.True(double.IsNaN(back.Metrics["mape"]));
        Assert.Equal(9, back.EpochsRun);
        Assert.Equal(1.5, back.Seconds);
        Assert.Equal("w1", back.Worker);

        var failed = TrialResult.FromJsonBytes(TrialResult.Failed("00aa11bb22cc33dd", "boom").ToJsonBytes());
        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.Equal(double.PositiveInfinity, failed.Objective);
        Assert.Equal("boom", failed.Error);

        var record = new TrialRecord(Request(), TrialResult.Succeeded(Request().TrialId, 1.0));
        var recordBack = TrialRecord.FromJson(record.ToJson());
        Assert.Equal(record.Request, recordBack.Request);
        Assert.Equal(1.0, recordBack.Result.Objective);
    }

    [Fact]
    public void FutureVersion_IsRejectedWithClearMessage()
    {
        string json = Request().ToJson();
        Assert.StartsWith("{\"version\":1,", json);
        var ex = Assert.Throws<InvalidDataException>(() => TrialRequest.FromJson(json.Replace("{\"version\":1,", "{\"version\":2,")));
        Assert.Contains("version 2", ex.Message);
        Assert.Contains("newer", ex.Message);

        string result = TrialResult.Succeeded("abc", 1).ToJson();
        var ex2 = Assert.Throws<InvalidDataException>(() => TrialResult.FromJson(result.Replace("{\"version\":1,", "{\"version\":3,")));
        Assert.Contains("version 3", ex2.Message);
    }

    [Fact]
    public void MalformedOrTamperedPayloads_ThrowInvalidData()
    {
        string json = Request().ToJson();
        Assert.Throws<InvalidDataException>(() => TrialRequest.FromJson(json[..(json.Length / 2)]));
        Assert.Throws<InvalidDataException>(() => TrialRequest.FromJson("[1,2]"));
        var tampered = Assert.Throws<InvalidDataException>(() => TrialRequest.FromJson(json.Replace("\"seed\":7", "\"seed\":8")));
        Assert.Contains("does not match", tampered.Message);
        Assert.Throws<InvalidDataException>(() => TrialRequest.FromJson(json.Replace("\"version\":1,", "")));
        Assert.Throws<InvalidDataException>(() => TrialResult.FromJson("{\"version\":1,\"trialId\":\"a\",\"status\":\"Exploded\"}"));
    }

    [Fact]
    public void Request_ValidatesArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Request(budget: 10, max: 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => Request(budget: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Request(rung: -1));
        Assert.Throws<ArgumentException>(() => new DataReference("x", "not-a-hash"));
        Assert.Throws<ArgumentException>(() => new TrialRecord(Request(), TrialResult.Succeeded("ffffffffffffffff", 1)));
    }
}
