using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class LeaderboardTests
{
    private static TrialRecord Record(string kind, int budget, int rung, TrialResult? template = null, double objective = 0)
    {
        var request = new TrialRequest("s", Configuration.Empty.With("kind", kind), 1, rung, budget, 9, TestData.Data);
        var result = template is null ? TrialResult.Succeeded(request.TrialId, objective, new Dictionary<string, double> { ["rmse"] = objective * 2 }, budget, 1.25)
                                      : template with { TrialId = request.TrialId };
        return new TrialRecord(request, result);
    }

    [Fact]
    public void Rows_SortedByObjective_FailedLast_CancelledDropped_BestFromFullestBudget()
    {
        var board = new Leaderboard(new[]
        {
            Record("a", 9, 2, objective: 0.40),
            Record("b", 1, 0, objective: 0.30),  // lowest objective, but only 1 epoch
            Record("c", 9, 2, objective: 0.35),
            Record("d", 3, 1, TrialResult.Failed("x", "nan loss")),
            Record("e", 3, 1, TrialResult.Cancelled("x")),
        });
        Assert.Equal(new[] { "b", "c", "a", "d" }, board.Rows.Select(r => r.Configuration.GetString("kind")));
        Assert.Equal(new[] { 1, 2, 3, 4 }, board.Rows.Select(r => r.Rank));
        Assert.Equal("c", board.Best!.Configuration.GetString("kind"));
        Assert.Equal("kind=b", board.Rows[0].ConfigurationSummary);
        Assert.Equal(0.6, board.Rows[0].Metrics["rmse"]);
    }

    [Fact]
    public void Format_IsAnAlignedTable()
    {
        var board = new Leaderboard(new[] { Record("a", 9, 2, objective: 0.4), Record("bbbbbbbb", 1, 0, objective: 12.5), Record("c", 3, 1, TrialResult.Failed("x", "boom")) });
        var lines = board.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("Rank", lines[0]);
        int statusColumn = lines[0].IndexOf("Status", StringComparison.Ordinal);
        int configColumn = lines[0].IndexOf("Configuration", StringComparison.Ordinal);
        Assert.True(statusColumn > 0 && configColumn > statusColumn);
        Assert.All(lines.Skip(1), l => Assert.Equal("kind=", l.Substring(configColumn, 5)));
        Assert.Equal("failed", lines[3].Substring(statusColumn, 6));
        Assert.Contains("12.5", lines[2]);
        Assert.Equal(2, board.Format(maxRows: 1).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Null(new Leaderboard(Array.Empty<TrialRecord>()).Best);
    }
}
