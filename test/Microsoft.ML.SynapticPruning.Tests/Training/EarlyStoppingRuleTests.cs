using Microsoft.ML.SynapticPruning.Training;
using Xunit;
using static Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

[Collection("Torch")]
public class EarlyStoppingRuleTests
{
    [Theory]
    [InlineData(new[] { 1.0, 0.9, 0.95, 0.96, 0.97 }, true)]      // three rises after the minimum
    [InlineData(new[] { 1.0, 1.0, 1.0, 1.0 }, true)]              // a plateau counts as not lower
    [InlineData(new[] { 1.0, 0.9, 0.95, 0.96, 0.955 }, false)]    // the last epoch fell a little
    [InlineData(new[] { 0.5, 0.9, 0.8, 0.85, 0.86, 0.87 }, true)]  // above the best, but its own last three rose: stops
    [InlineData(new[] { 0.5, 0.9, 0.95, 0.94 }, false)]           // the Patience rule would stop (3 epochs without a new best)
    [InlineData(new[] { 1.0, 1.1, 1.2 }, false)]                  // fewer than P + 1 = 4 losses
    [InlineData(new double[0], false)]
    public void EndsNonDecreasing_Patience3_FollowsTheAuthorsRule(double[] losses, bool expected)
        => Assert.Equal(expected, EarlyStopping.EndsNonDecreasing(losses, 3));

    [Fact]
    public void EndsNonDecreasing_PatienceZeroNeverStops_AndNaNIsNeverLower()
    {
        Assert.False(EarlyStopping.EndsNonDecreasing([1.0], 0));
        Assert.False(EarlyStopping.EndsNonDecreasing([1.0, 1.0], 0));
        Assert.False(EarlyStopping.EndsNonDecreasing([1.0, 1.0, 2.0, 3.0], 0));
        Assert.True(EarlyStopping.EndsNonDecreasing([1.0, 1.0], 1));
        Assert.False(EarlyStopping.EndsNonDecreasing([1.0, 0.5], 1));
        Assert.True(EarlyStopping.EndsNonDecreasing([1.0, double.NaN], 1));
        Assert.False(EarlyStopping.EndsNonDecreasing([1.0, 1.0, 1.0], int.MaxValue)); // "never stop" patience does not overflow
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => EarlyStopping.EndsNonDecreasing([1.0], -1));
        Assert.Equal("patience", e.ParamName);
        Assert.Throws<ArgumentNullException>(() => EarlyStopping.EndsNonDecreasing(null!, 3));
    }

    [Fact]
    public void Validate_RejectsAnUndefinedRule_NamingTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { EarlyStopping = (EarlyStoppingRule)7 }.Validate());
        Assert.Equal(nameof(TrainingOptions.EarlyStopping), e.ParamName);
        Assert.Equal(EarlyStoppingRule.Patience, new TrainingOptions().EarlyStopping);
    }

    // A learning rate far below float32 resolution leaves every weight exactly as initialised, so the validation loss is
    // the same every epoch: the authors' rule then stops as soon as P + 1 losses exist.
    [Theory]
    [InlineData(3, 4)]
    [InlineData(1, 2)]
    [InlineData(5, 6)]
    public void Fit_OnAPlateau_StopsAfterPatiencePlusOneEpochs(int patience, int expectedEpochs)
    {
        using var model = FitNoisySine(EarlyStoppingRule.ConsecutiveNonDecreasing, patience, learningRate: 1e-30, maxEpochs: 10);
        Assert.Equal(expectedEpochs, model.EpochsRun);
        Assert.True(model.StoppedEarly);
        Assert.Equal(expectedEpochs - 1, model.BestEpoch); // RestoreFrom.Last: the last epoch is returned
    }

    // The Patience rule on the same plateau: epoch 0 is the best and every later epoch a bad one, so it stops after P + 1
    // epochs too; with RestoreFrom.AnyEpoch the fit returns epoch 0.
    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    public void Fit_OnAPlateau_PatienceRuleStopsAfterPatiencePlusOneEpochsAndReturnsTheFirst(int patience, int expectedEpochs)
    {
        using var model = FitNoisySine(EarlyStoppingRule.Patience, patience, learningRate: 1e-30, maxEpochs: 10, restoreFrom: RestoreFrom.AnyEpoch);
        Assert.Equal(expectedEpochs, model.EpochsRun);
        Assert.True(model.StoppedEarly);
        Assert.Equal(0, model.BestEpoch);
    }

    [Fact]
    public void Fit_StopsAtTheFirstEpochWhoseLossHistoryEndsNonDecreasing_AndNotBefore()
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            using var model = FitNoisySine(EarlyStoppingRule.ConsecutiveNonDecreasing, 3, learningRate: 3e-2, maxEpochs: 15, seed: seed);
            var losses = model.History.Select(r => r.ValidationLoss!.Value).ToArray();
            Assert.Equal(model.EpochsRun, losses.Length);
            for (int n = 1; n < losses.Length; n++)
                Assert.False(EarlyStopping.EndsNonDecreasing(losses[..n], 3), $"seed {seed}: the rule held after {n} epochs but the fit went on");
            if (model.EpochsRun < 15) Assert.True(model.StoppedEarly && EarlyStopping.EndsNonDecreasing(losses, 3), $"seed {seed}: stopped after {model.EpochsRun} epochs without the rule holding");
        }
    }

    private static TrainedForecaster FitNoisySine(EarlyStoppingRule rule, int patience, double learningRate, int maxEpochs, int seed = 5,
        RestoreFrom restoreFrom = RestoreFrom.Last)
    {
        var series = NoisySine(260, noise: 0.2, seed: 9);
        var options = new TrainingOptions
        {
            MaxEpochs = maxEpochs,
            BatchSize = 32,
            LearningRate = learningRate,
            Seed = seed,
            Patience = patience,
            EarlyStopping = rule,
            RestoreFrom = restoreFrom,
            Regularization = Regularization.None,
            ValidationFraction = 0.2,
        };
        return new ForecastTrainer().Fit(() => new TestLstmForecaster(Spec(12, 1, hidden: 8)), TimeSeriesData.Univariate(series), null, options);
    }
}
