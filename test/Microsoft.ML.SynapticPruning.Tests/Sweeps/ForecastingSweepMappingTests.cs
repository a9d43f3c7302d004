using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

/// <summary>Configuration → options mapping of the forecasting trial runner (no training).</summary>
public sealed class ForecastingSweepMappingTests
{
    private static readonly ForecastingSweepOptions Sweep = new()
    {
        LabelColumnName = "Close", FeatureColumnNames = new[] { "Volume" }, Horizon = 7, SeasonalPeriod = 7,
        Normalization = InstanceNormalization.WindowLast,
    };

    private static Configuration Config(params (string Name, string Value)[] values)
        => new(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));

    [Theory]
    [InlineData("rnn", typeof(PrunedRnnOptions))]
    [InlineData("lstm", typeof(PrunedLstmOptions))]
    [InlineData("gru", typeof(PrunedGruOptions))]
    public void RecurrentModelsGetHiddenSizeLayersAndCovariates(string model, Type expected)
    {
        var c = Config(("model", model), ("regularization", "none"), ("hidden_size", "32"), ("layers", "3"), ("lookback", "21"),
            ("learning_rate", "0.005"), ("batch_size", "128"));
        var o = ForecastingTrialRunner.CreateOptions(c, Sweep, maxEpochs: 12, seed: 5);
        Assert.IsType(expected, o);
        var r = (PrunedRecurrentOptions)o;
        Assert.Equal(32, r.HiddenSize);
        Assert.Equal(3, r.NumberOfLayers);
        Assert.Equal(21, o.Lookback);
        Assert.Equal(0.005, o.LearningRate);
        Assert.Equal(128, o.BatchSize);
        Assert.Equal(Regularization.None, o.Regularization);
        Assert.Equal(new[] { "Volume" }, o.FeatureColumnNames);
        Assert.Equal("Close", o.LabelColumnName);
        Assert.Equal(7, o.Horizon);
        Assert.Equal(7, o.SeasonalPeriod);
        Assert.Equal(12, o.MaxEpochs);
        Assert.Equal(5, o.Seed);
        Assert.Equal(InstanceNormalization.WindowLast, o.Normalization);
    }

    [Fact]
    public void PatchTstGetsEncoderLayersWidthAndHeadsButNoCovariates()
    {
        var c = Config(("model", "patchtst"), ("regularization", "pruning"), ("layers", "1"), ("d_model", "32"), ("heads", "2"));
        var o = Assert.IsType<PrunedPatchTstOptions>(ForecastingTrialRunner.CreateOptions(c, Sweep, 20, 0));
        Assert.Equal(1, o.NumberOfLayers);
        Assert.Equal(32, o.ModelDimension);
        Assert.Equal(2, o.NumberOfHeads);
        Assert.Empty(o.FeatureColumnNames);
        var spec = PrunedForecastingEstimator.BuildSpec(o);
        Assert.Equal(1, spec.NumberOfLayers);
        Assert.Equal(32, spec.ModelDimension);
        Assert.Equal(2, spec.NumberOfHeads);
    }

    [Fact]
    public void DLinearIgnoresCovariatesAndKeepsItsDefaultsForAbsentParameters()
    {
        var o = Assert.IsType<PrunedDLinearOptions>(ForecastingTrialRunner.CreateOptions(Config(("model", "dlinear")), Sweep, 20, 0));
        Assert.Empty(o.FeatureColumnNames);
        Assert.Equal(Regularization.None, o.Regularization); // DLinear's own default when the space has no regularization
        Assert.Equal(new PrunedDLinearOptions().Lookback, o.Lookback);
    }

    [Theory]
    [InlineData("none", Regularization.None)]
    [InlineData("dropout", Regularization.Dropout)]
    [InlineData("mc-dropout", Regularization.MonteCarloDropout)]
    [InlineData("pruning", Regularization.SynapticPruning)]
    public void RegularizationValuesMapToTheEnum(string value, Regularization expected)
    {
        var o = ForecastingTrialRunner.CreateOptions(Config(("model", "gru"), ("regularization", value)), Sweep, 20, 0);
        Assert.Equal(expected, o.Regularization);
    }

    [Fact]
    public void DropoutAndPruningParametersMapToTheirOptions()
    {
        var d = ForecastingTrialRunner.CreateOptions(Config(("model", "lstm"), ("regularization", "mc-dropout"), ("dropout", "0.125")), Sweep, 20, 0);
        Assert.Equal(0.125, d.DropoutRate);
        Assert.True(PrunedForecastingEstimator.BuildSpec(d).DropoutRate > 0.124, "a dropout regularization builds the module with dropout");

        var p = ForecastingTrialRunner.CreateOptions(Config(("model", "lstm"), ("regularization", "pruning"), ("pruning_initial_sparsity", "0.25"),
            ("pruning_final_sparsity", "0.875"), ("pruning_warmup_epochs", "3"), ("pruning_interval", "11")), Sweep, 20, 0);
        Assert.Equal(0.25, p.InitialSparsity);
        Assert.Equal(0.875, p.FinalSparsity);
        Assert.Equal(3, p.WarmupEpochs);
        Assert.Equal(11, p.PruningInterval);
        var t = PrunedForecastingEstimator.BuildTrainingOptions(p, 0);
        Assert.Equal(0.25, t.Pruning.InitialSparsity, 6);
        Assert.Equal(11, t.Pruning.PruningInterval);
    }

    [Fact]
    public void WarmupIsCappedSoThatPruningStartsWithinTheSchedule()
    {
        var p = ForecastingTrialRunner.CreateOptions(Config(("model", "lstm"), ("regularization", "pruning"), ("pruning_warmup_epochs", "5")), Sweep, maxEpochs: 3, seed: 0);
        Assert.Equal(2, p.WarmupEpochs);
        PrunedForecastingEstimator.ValidateOptions(p); // would throw for warm-up ≥ MaxEpochs
    }

    [Fact]
    public void UnknownModelOrRegularizationIsRejectedWithTheKnownValues()
    {
        var e = Assert.Throws<ArgumentException>(() => ForecastingTrialRunner.CreateOptions(Config(("model", "tcn")), Sweep, 20, 0));
        Assert.Contains("patchtst", e.Message);
        e = Assert.Throws<ArgumentException>(() => ForecastingTrialRunner.CreateOptions(Config(("model", "lstm"), ("regularization", "l2")), Sweep, 20, 0));
        Assert.Contains("mc-dropout", e.Message);
    }

    [Fact]
    public void EveryDefaultSpaceSampleMapsToValidOptions()
    {
        var space = ForecastingSearchSpace.Default;
        var random = new Random(17);
        var models = new HashSet<Type>();
        for (int i = 0; i < 300; i++)
        {
            var c = space.Sample(random);
            if (ForecastingTrialRunner.IsLagWindow(c))
            {
                ForecastingTrialRunner.CreateLagWindowOptions(c, Sweep, i).Validate();
                continue;
            }
            var o = ForecastingTrialRunner.CreateOptions(c, Sweep, 20, i);
            PrunedForecastingEstimator.ValidateOptions(o); // builds the spec and the training options
            models.Add(o.GetType());
            if (c.Contains("hidden_size"))
                Assert.Equal(c.GetInt("hidden_size"), ((PrunedRecurrentOptions)o).HiddenSize);
            if (c.Contains("d_model"))
                Assert.Equal(c.GetInt("d_model"), ((PrunedPatchTstOptions)o).ModelDimension);
        }
        Assert.Equal(5, models.Count);
    }

    [Fact]
    public void OptionsValidationNamesTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ForecastingSweepOptions { Folds = 0 }.Validate());
        Assert.Contains("Folds", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new ForecastingSweepOptions { MinTrainFraction = 1 }.Validate());
        Assert.Contains("MinTrainFraction", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new ForecastingSweepOptions { TimeBudget = TimeSpan.Zero }.Validate());
        Assert.Contains("TimeBudget", e.Message);
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var o = new ForecastingSweepOptions();
        Assert.Equal(40, o.MaxTrials);
        Assert.Null(o.TimeBudget);
        Assert.Equal(ForecastingMetric.Mae, o.Metric);
        Assert.Equal(3, o.Folds);
        Assert.Equal(1, o.Horizon);
        Assert.Equal(SweepTuner.SuccessiveHalving, o.Tuner);
        Assert.Equal(20, o.MaxEpochs);
        Assert.Equal(1, o.MaxParallelTrials);
        Assert.Null(o.ResultsFile);
        Assert.Null(o.Scheduler);
        Assert.Equal(ForecastingSearchSpace.Default.ToString(), o.SearchSpace.ToString());
    }
}
