using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class TunerTests
{
    private readonly ITestOutputHelper _output;

    public TunerTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(27, 1, 3, new[] { 1, 3, 9, 27 })]
    [InlineData(20, 1, 3, new[] { 1, 3, 9, 20 })]
    [InlineData(10, 2, 2, new[] { 2, 4, 8, 10 })]
    [InlineData(5, 5, 3, new[] { 5 })]
    public void SuccessiveHalving_RungBudgets(int max, int min, int eta, int[] expected)
        => Assert.Equal(expected, new SuccessiveHalvingTuner(SyntheticObjective.Space(), max, min, eta).RungBudgets);

    [Fact]
    public void SuccessiveHalving_PromotesTopThirdOnceAndResumes()
    {
        var tuner = new SuccessiveHalvingTuner(SyntheticObjective.Space(), maxEpochs: 9, minEpochs: 1, reductionFactor: 3, seed: 1);
        var objectives = new[] { 3.0, 1.0, 2.0 };
        var requests = new List<TrialRequest>();
        foreach (var objective in objectives)
        {
            var p = tuner.Propose()!;
            Assert.Equal(0, p.Rung);
            Assert.Equal(1, p.EpochBudget);
            Assert.Equal(9, p.MaxEpochs);
            Assert.Null(p.ResumeFromTrialId);
            var r = p.ToRequest("s", TestData.Data);
            requests.Add(r);
            tuner.Observe(r, TrialResult.Succeeded(r.TrialId, objective));
        }
        // 3 results, η = 3 → the best one (objective 1.0) is promoted to rung 1 (3 epochs), resuming from its checkpoint.
        var promo = tuner.Propose()!;
        Assert.Equal(1, promo.Rung);
        Assert.Equal(3, promo.EpochBudget);
        Assert.Equal(requests[1].TrialId, promo.ResumeFromTrialId);
        Assert.Equal(requests[1].Configuration, promo.Configuration);
        Assert.Equal(requests[1].Seed, promo.Seed);
        // Nothing else is promotable: a new rung-0 configuration follows.
        var next = tuner.Propose()!;
        Assert.Equal(0, next.Rung);
        var nr = next.ToRequest("s", TestData.Data);
        tuner.Observe(nr, TrialResult.Succeeded(nr.TrialId, 0.5));
        // 4 results → quota still 1 and the best (0.5) is not promoted yet → it is promoted now.
        var promo2 = tuner.Propose()!;
        Assert.Equal(nr.TrialId, promo2.ResumeFromTrialId);
    }

    [Fact]
    public void SuccessiveHalving_ReplayedPromotionsAreNotRepeated()
    {
        // A resumed sweep replays results the new tuner instance never proposed.
        var first = new SuccessiveHalvingTuner(SyntheticObjective.Space(), 9, seed: 2);
        var replay = new SuccessiveHalvingTuner(SyntheticObjective.Space(), 9, seed: 2);
        var log = new List<(TrialRequest, TrialResult)>();
        for (int i = 0; i < 4; i++)
        {
            var r = first.Propose()!.ToRequest("s", TestData.Data);
            var res = TrialResult.Succeeded(r.TrialId, SyntheticObjective.Loss(r.Configuration, r.Seed, r.EpochBudget));
            first.Observe(r, res);
            log.Add((r, res));
        }
        Assert.Contains(log, e => e.Item1.Rung == 1);
        foreach (var (r, res) in log)
            replay.Observe(r, res);
        var promotedAlready = log.Where(e => e.Item1.ResumeFromTrialId is not null).Select(e => e.Item1.ResumeFromTrialId).ToHashSet();
        var p = replay.Propose()!;
        Assert.True(p.ResumeFromTrialId is null || !promotedAlready.Contains(p.ResumeFromTrialId));
    }

    [Fact]
    public void RandomSearch_FullBudgetDeterministicBySeed()
    {
        var a = new RandomSearchTuner(SyntheticObjective.Space(), 12, seed: 3);
        var b = new RandomSearchTuner(SyntheticObjective.Space(), 12, seed: 3);
        for (int i = 0; i < 20; i++)
        {
            var pa = a.Propose()!;
            Assert.Equal(pa, b.Propose());
            Assert.Equal(12, pa.EpochBudget);
            Assert.Equal(0, pa.Rung);
        }
    }

    /// <summary>Runs a tuner sequentially until the epoch budget is spent and returns the regret of its recommendation.</summary>
    private static (double Regret, int Trials) Regret(ITuner tuner, int epochBudget)
    {
        var records = new List<TrialRecord>();
        var budgets = new Dictionary<string, int>();
        int spent = 0;
        while (true)
        {
            var p = tuner.Propose()!;
            int cost = p.EpochBudget - (p.ResumeFromTrialId is { } from ? budgets[from] : 0);
            if (spent + cost > epochBudget)
                break;
            spent += cost;
            var r = p.ToRequest("regret", TestData.Data);
            budgets[r.TrialId] = r.EpochBudget;
            var result = TrialResult.Succeeded(r.TrialId, SyntheticObjective.Loss(r.Configuration, r.Seed, r.EpochBudget), epochsRun: r.EpochBudget);
            tuner.Observe(r, result);
            records.Add(new TrialRecord(r, result));
        }
        var best = new Leaderboard(records).Best!;
        return (SyntheticObjective.F(best.Configuration), records.Count); // f* = 0
    }

    [Fact]
    public void SuccessiveHalving_BeatsRandomSearch_MedianRegretOver30Repetitions()
    {
        const int maxEpochs = 27, budget = 10 * maxEpochs;
        var asha = new List<double>();
        var random = new List<double>();
        int ashaTrials = 0;
        for (int rep = 0; rep < 30; rep++)
        {
            var (ra, n) = Regret(new SuccessiveHalvingTuner(SyntheticObjective.Space(), maxEpochs, 1, 3, seed: 1000 + rep), budget);
            asha.Add(ra);
            ashaTrials += n;
            random.Add(Regret(new RandomSearchTuner(SyntheticObjective.Space(), maxEpochs, seed: 1000 + rep), budget).Regret);
        }
        double Median(List<double> v) { var s = v.OrderBy(x => x).ToArray(); return (s[14] + s[15]) / 2; }
        double mAsha = Median(asha), mRandom = Median(random);
        _output.WriteLine($"median regret: successive halving {mAsha:F4} (avg {ashaTrials / 30.0:F1} trials), random search {mRandom:F4} (10 trials); same budget of {budget} epochs.");
        Console.WriteLine($"median regret: successive halving {mAsha:F4}, random search {mRandom:F4}");
        Assert.True(mAsha < mRandom, $"ASHA median regret {mAsha} is not below random search's {mRandom}.");
    }

    [Fact]
    public void Tpe_BeatsRandomSearch_MedianRegretOver30Repetitions()
    {
        const int maxEpochs = 27, budget = 30 * maxEpochs; // 30 full-budget trials each
        var tpe = new List<double>();
        var random = new List<double>();
        for (int rep = 0; rep < 30; rep++)
        {
            tpe.Add(Regret(new TpeTuner(SyntheticObjective.Space(), maxEpochs, seed: 2000 + rep), budget).Regret);
            random.Add(Regret(new RandomSearchTuner(SyntheticObjective.Space(), maxEpochs, seed: 2000 + rep), budget).Regret);
        }
        double Median(List<double> v) { var s = v.OrderBy(x => x).ToArray(); return (s[14] + s[15]) / 2; }
        double mTpe = Median(tpe), mRandom = Median(random);
        _output.WriteLine($"median regret over 30 trials: TPE {mTpe:F4}, random search {mRandom:F4}");
        Console.WriteLine($"median regret over 30 trials: TPE {mTpe:F4}, random search {mRandom:F4}");
        Assert.True(mTpe < mRandom, $"TPE median regret {mTpe} is not below random search's {mRandom}.");
    }

    [Fact]
    public void Tpe_HandlesConditionalSpaceAndIgnoresFailedTrials()
    {
        var space = ForecastingSearchSpace.Networks;
        var tuner = new TpeTuner(space, 5, seed: 3, startupTrials: 5);
        for (int i = 0; i < 40; i++)
        {
            var r = tuner.Propose()!.ToRequest("tpe", TestData.Data);
            space.Validate(r.Configuration); // conditional parameters present exactly when active, constraint holds
            Assert.Equal(5, r.EpochBudget);
            // Prefer small learning rates; fail every dlinear trial.
            var result = r.Configuration.GetString(ForecastingSearchSpace.Model) == "dlinear"
                ? TrialResult.Failed(r.TrialId, "boom")
                : TrialResult.Succeeded(r.TrialId, Math.Log10(r.Configuration.GetDouble(ForecastingSearchSpace.LearningRate)));
            tuner.Observe(r, result);
        }
        var late = Enumerable.Range(0, 30).Select(_ => tuner.Propose()!.Configuration.GetDouble(ForecastingSearchSpace.LearningRate)).ToArray();
        // The model concentrates on the low end: the median proposed rate is well below the prior's 1e-3.
        Assert.True(late.OrderBy(v => v).ElementAt(15) < 1e-3);
    }
}
