using Microsoft.ML.SynapticPruning.Sweeps;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

/// <summary>
/// Successive halving with checkpoint resume: a promoted trial continues the lower rung's folds in the same runner and
/// gives exactly the objectives of training from scratch; a runner that never saw the lower rung falls back to scratch.
/// </summary>
[Collection("Torch")]
public sealed class ResumeSweepTests
{
    private const int MaxEpochs = 9, Folds = 2, Trials = 5;
    private readonly ITestOutputHelper _output;

    public ResumeSweepTests(ITestOutputHelper output) => _output = output;

    private static SweepSearchSpace Space() => new SweepSearchSpace()
        .Add(new Choice("model", "lstm"))
        .Add(new Choice("regularization", "pruning", "dropout"))
        .Add(new Choice("pruning_warmup_epochs", "0"))
        .Add(new Choice("pruning_interval", "1"))
        .Add(new Choice("lookback", "24"))
        .Add(new Choice("hidden_size", "8"))
        .Add(new FloatRange("learning_rate", 3e-3, 3e-2, logScale: true))
        .Add(new Choice("batch_size", "32"));

    private static ForecastingSweepOptions Sweep() => new()
    {
        LabelColumnName = nameof(SeriesRow.Value), Horizon = 3, MaxEpochs = MaxEpochs, Folds = Folds, SeasonalPeriod = 24,
        Tuner = SweepTuner.SuccessiveHalving, SearchSpace = Space(), Seed = 11,
    };

    private static (SweepOutcome Outcome, ForecastingTrialRunner Runner) RunSweep(MLContext ml, IDataView data, bool resume)
    {
        var runner = new ForecastingTrialRunner(ml, data, Sweep()) { ResumeEnabled = resume };
        var tuner = new SuccessiveHalvingTuner(Space(), MaxEpochs, minEpochs: 1, reductionFactor: 3, seed: 11);
        var sweep = new SweepRunner(tuner, new LocalTrialScheduler(runner, 1),
            new SweepRunnerOptions { SweepId = "resume-test", Data = runner.Data, MaxTrials = Trials });
        return (sweep.RunAsync().GetAwaiter().GetResult(), runner);
    }

    [Fact]
    public void PromotedTrialsResumeFromTheLowerRungAndGiveTheSameObjectivesAsTrainingFromScratch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(200, seed: 5));
        var (resumed, resumingRunner) = RunSweep(ml, data, resume: true);
        var (scratch, scratchRunner) = RunSweep(ml, data, resume: false);

        // ASHA with η = 3 and rungs 1, 3, 9: after three rung-0 trials the best one is promoted to 3 epochs.
        var promoted = resumed.Records.Where(r => r.Request.ResumeFromTrialId is not null).ToList();
        Assert.NotEmpty(promoted);
        Assert.All(resumed.Records, r => Assert.Equal(TrialStatus.Succeeded, r.Result.Status));
        Assert.Equal(resumed.Records.Select(r => r.TrialId).Order(), scratch.Records.Select(r => r.TrialId).Order());
        foreach (var r in resumed.Records)
        {
            var twin = scratch.Records.Single(s => s.TrialId == r.TrialId);
            Assert.Equal(twin.Result.Objective, r.Result.Objective);                 // bit-identical, not approximately
            Assert.Equal(twin.Result.Metrics["sparsity"], r.Result.Metrics["sparsity"]);
        }

        // Every fold of every promoted trial resumed, saving the lower rung's epochs (no rung-0 run of 1 epoch stops early).
        int lowerBudget(TrialRecord p) => resumed.Records.Single(r => r.TrialId == p.Request.ResumeFromTrialId).Request.EpochBudget;
        long expectedSaving = promoted.Sum(p => (long)Folds * lowerBudget(p));
        Assert.Equal(promoted.Count * Folds, resumingRunner.ResumedFolds);
        Assert.Equal(0, scratchRunner.ResumedFolds);
        Assert.Equal(scratchRunner.EpochsTrained - expectedSaving, resumingRunner.EpochsTrained);
        Assert.Equal(0, scratchRunner.HeldResumeStates);
        // Every truncated trial keeps its states until the runner is disposed, except the promoted ones (consumed by the promotion).
        Assert.Equal(resumed.Records.Count(r => r.Request.EpochBudget < MaxEpochs) - promoted.Count, resumingRunner.HeldResumeStates);
        resumingRunner.Dispose();
        Assert.Equal(0, resumingRunner.HeldResumeStates);
        _output.WriteLine($"{resumed.Records.Count} trials, {promoted.Count} promoted: {scratchRunner.EpochsTrained} epochs from scratch, {resumingRunner.EpochsTrained} with resume");

        // A runner that never ran the lower rung (e.g. another worker process) trains the promoted trial from scratch.
        var fresh = new ForecastingTrialRunner(ml, data, Sweep());
        var again = fresh.Run(promoted[0].Request, CancellationToken.None);
        Assert.Equal(promoted[0].Result.Objective, again.Objective);
        Assert.Equal(0, fresh.ResumedFolds);
        Assert.Equal((long)Folds * promoted[0].Request.EpochBudget, fresh.EpochsTrained);
    }

    [Fact]
    public void EvictedStatesAreReleasedAndThePromotionFallsBackToTrainingFromScratch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(200, seed: 5));
        using var runner = new ForecastingTrialRunner(ml, data, Sweep()) { ResumeCapacity = 2 };
        var configuration = new Configuration(new Dictionary<string, string>
        {
            ["model"] = "lstm", ["regularization"] = "pruning", ["pruning_warmup_epochs"] = "0", ["pruning_interval"] = "1",
            ["lookback"] = "24", ["hidden_size"] = "8", ["learning_rate"] = "0.01", ["batch_size"] = "32",
        });
        var rung0 = Enumerable.Range(0, 3).Select(seed => new TrialRequest("s", configuration, seed, 0, 1, MaxEpochs, runner.Data)).ToList();
        foreach (var r in rung0) Assert.Equal(TrialStatus.Succeeded, runner.Run(r, CancellationToken.None).Status);
        Assert.Equal(2, runner.HeldResumeStates);                            // the first trial's states were evicted
        Assert.Equal(3L * Folds, runner.EpochsTrained);

        TrialRequest Promote(TrialRequest lower) => new("s", configuration, lower.Seed, 1, 3, MaxEpochs, runner.Data, resumeFromTrialId: lower.TrialId);
        var evicted = runner.Run(Promote(rung0[0]), CancellationToken.None);    // trains 3 epochs per fold from scratch
        Assert.Equal(0, runner.ResumedFolds);
        Assert.Equal(3L * Folds + 3L * Folds, runner.EpochsTrained);
        var held = runner.Run(Promote(rung0[2]), CancellationToken.None);       // resumes: 2 more epochs per fold
        Assert.Equal(Folds, runner.ResumedFolds);
        Assert.Equal(6L * Folds + 2L * Folds, runner.EpochsTrained);
        Assert.Equal(2, runner.HeldResumeStates);                            // the two promoted (rung 1 = 3 epochs) trials

        // A request that names a held trial of another seed is not resumed from it, and the held state stays.
        var promotedFirst = Promote(rung0[0]);
        var impostor = new TrialRequest("s", configuration, seed: 99, 2, MaxEpochs, MaxEpochs, runner.Data, resumeFromTrialId: promotedFirst.TrialId);
        Assert.Equal(TrialStatus.Succeeded, runner.Run(impostor, CancellationToken.None).Status);
        Assert.Equal(Folds, runner.ResumedFolds);
        Assert.Equal(8L * Folds + (long)MaxEpochs * Folds, runner.EpochsTrained);
        Assert.Equal(2, runner.HeldResumeStates);

        using var scratch = new ForecastingTrialRunner(ml, data, Sweep()) { ResumeEnabled = false };
        Assert.Equal(scratch.Run(Promote(rung0[0]), CancellationToken.None).Objective, evicted.Objective);
        Assert.Equal(scratch.Run(Promote(rung0[2]), CancellationToken.None).Objective, held.Objective);
    }
}
