using System.Reflection;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using Xunit;
using static Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

/// <summary>
/// One option vocabulary: the estimator options, <see cref="TrainingOptions"/>, <see cref="PruningOptions"/> and
/// <see cref="ForecasterSpec"/> use the same name and type for a concept, every public option reaches the engine, each
/// layer's validation error names the option, and Patience = 0 means "never stop early" everywhere.
/// </summary>
[Collection("Torch")]
public sealed class OptionVocabularyTests
{
    // Estimator options → TrainingOptions / PruningOptions / ForecasterSpec, same name and same type.
    private static readonly string[] TrainingNames =
    {
        nameof(TrainingOptions.MaxEpochs), nameof(TrainingOptions.BatchSize), nameof(TrainingOptions.LearningRate), nameof(TrainingOptions.Patience),
        nameof(TrainingOptions.ValidationFraction), nameof(TrainingOptions.RestoreFrom), nameof(TrainingOptions.NumberOfThreads),
        nameof(TrainingOptions.Regularization), nameof(TrainingOptions.DropoutRate), nameof(TrainingOptions.MonteCarloSamples),
    };

    private static readonly string[] PruningNames =
    {
        nameof(PruningOptions.InitialSparsity), nameof(PruningOptions.FinalSparsity), nameof(PruningOptions.WarmupEpochs), nameof(PruningOptions.PruningInterval),
        nameof(PruningOptions.ProgressConvention), nameof(PruningOptions.PruneNormGains), nameof(PruningOptions.PruningGranularity),
        nameof(PruningOptions.StructureImportance),
    };

    private static readonly string[] SpecNames =
    {
        nameof(ForecasterSpec.Lookback), nameof(ForecasterSpec.Horizon), nameof(ForecasterSpec.Normalization), nameof(ForecasterSpec.HiddenSize),
        nameof(ForecasterSpec.NumberOfLayers), nameof(ForecasterSpec.ModelDimension), nameof(ForecasterSpec.NumberOfHeads),
        nameof(ForecasterSpec.FeedForwardSize), nameof(ForecasterSpec.PatchLength), nameof(ForecasterSpec.Stride),
        nameof(ForecasterSpec.AttentionDropout), nameof(ForecasterSpec.HeadDropout), nameof(ForecasterSpec.MovingAverageKernel),
    };

    [Fact]
    public void EveryMappedOptionHasTheSameNameAndTypeInEveryLayer()
    {
        var publicTypes = new[] { typeof(PrunedForecasterOptions), typeof(PrunedLstmOptions), typeof(PrunedPatchTstOptions), typeof(PrunedDLinearOptions) };
        PropertyInfo Public(string name) => publicTypes.Select(t => t.GetProperty(name)).FirstOrDefault(p => p is not null)
            ?? throw new Xunit.Sdk.XunitException($"no estimator option {name}");
        foreach (var name in TrainingNames) Assert.Equal(Public(name).PropertyType, typeof(TrainingOptions).GetProperty(name)!.PropertyType);
        foreach (var name in PruningNames) Assert.Equal(Public(name).PropertyType, typeof(PruningOptions).GetProperty(name)!.PropertyType);
        foreach (var name in SpecNames) Assert.Equal(Public(name).PropertyType, typeof(ForecasterSpec).GetProperty(name)!.PropertyType);
        Assert.Equal(typeof(double), typeof(PrunedForecasterOptions).GetProperty(nameof(PrunedForecasterOptions.CalibrationFraction))!.PropertyType);
        Assert.Equal(typeof(double), typeof(TrainingOptions).GetProperty(nameof(TrainingOptions.CalibrationFraction))!.PropertyType);
        Assert.NotNull(typeof(PruningOptions).GetProperty(nameof(PruningOptions.PruningCurve)));
        Assert.NotNull(typeof(ForecasterSpec).GetProperty(nameof(ForecasterSpec.DropoutRate)));
    }

    [Fact]
    public void SweepOnlyMembersAreNotOnTheEstimatorOptions()
    {
        var members = typeof(PrunedForecasterOptions).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Select(p => p.Name).ToHashSet();
        foreach (var sweepOnly in new[] { "StopAfterEpochs", "CaptureResumeState", "ResumeStateCaptured", "ResumeFrom" })
            Assert.DoesNotContain(sweepOnly, members);
        Assert.Null(typeof(PrunedForecastingEstimator).GetMethod("Rename", BindingFlags.Static | BindingFlags.NonPublic));
    }

    [Fact]
    public void EveryPublicOptionReachesTheEngine()
    {
        var lstm = new PrunedLstmOptions
        {
            Lookback = 11, Horizon = 3, HiddenSize = 7, NumberOfLayers = 2, Regularization = Regularization.SynapticPruningWithDropout,
            DropoutRate = 0.15, InitialSparsity = 0.2, FinalSparsity = 0.55, WarmupEpochs = 3, PruningInterval = 9, PruningCurve = PruningCurve.ZhuGupta,
            ProgressConvention = ProgressConvention.AuthorsZeroBased, PruningGranularity = PruningGranularity.Structure,
            StructureImportance = StructureImportance.Absolute, MonteCarloSamples = 4, MaxEpochs = 13, BatchSize = 17, LearningRate = 0.0123,
            Patience = 5, ValidationFraction = 0.25, CalibrationFraction = 0.4, RestoreFrom = RestoreFrom.Last, NumberOfThreads = 1,
            Normalization = InstanceNormalization.Window, FeatureColumnNames = new[] { "A", "B" },
        };
        var t = PrunedForecastingEstimator.BuildTrainingOptions(lstm, seed: 21);
        foreach (var name in TrainingNames)
            Assert.Equal(typeof(PrunedForecasterOptions).GetProperty(name)!.GetValue(lstm), typeof(TrainingOptions).GetProperty(name)!.GetValue(t));
        foreach (var name in PruningNames)
            Assert.Equal(typeof(PrunedForecasterOptions).GetProperty(name)!.GetValue(lstm), typeof(PruningOptions).GetProperty(name)!.GetValue(t.Pruning));
        Assert.Same(SparsityCurve.ZhuGupta, t.Pruning.PruningCurve);
        Assert.Equal(0.4, t.CalibrationFraction);
        Assert.Equal(21, t.Seed);
        Assert.Null(t.StopAfterEpochs);
        Assert.Null(t.ResumeFrom);
        Assert.False(t.CaptureResumeState);

        var spec = PrunedForecastingEstimator.BuildSpec(lstm);
        Assert.Equal((ForecasterKind.Lstm, 11, 3, 7, 2, 0.15, 2, InstanceNormalization.Window),
            (spec.Kind, spec.Lookback, spec.Horizon, spec.HiddenSize, spec.NumberOfLayers, spec.DropoutRate, spec.CovariateChannels, spec.Normalization!.Value));

        var patch = new PrunedPatchTstOptions
        {
            Lookback = 32, ModelDimension = 24, NumberOfHeads = 3, NumberOfLayers = 4, FeedForwardSize = 40, PatchLength = 8, Stride = 4,
            AttentionDropout = 0.05, HeadDropout = 0.1, Regularization = Regularization.Dropout, DropoutRate = 0.2,
        };
        var p = PrunedForecastingEstimator.BuildSpec(patch);
        foreach (var name in SpecNames)
            if (typeof(PrunedPatchTstOptions).GetProperty(name) is { } option)
                Assert.Equal(option.GetValue(patch), typeof(ForecasterSpec).GetProperty(name)!.GetValue(p));
        Assert.Equal(0.2, p.DropoutRate);
        Assert.Equal(4, p.NumberOfLayers);
        Assert.Equal(5, PrunedForecastingEstimator.BuildSpec(new PrunedDLinearOptions { MovingAverageKernel = 5 }).MovingAverageKernel);
    }

    public static TheoryData<Func<PrunedForecasterOptions>, string> EstimatorErrors => new()
    {
        { () => new PrunedLstmOptions { PruningInterval = 0 }, nameof(PrunedForecasterOptions.PruningInterval) },
        { () => new PrunedLstmOptions { NumberOfThreads = 0 }, nameof(PrunedForecasterOptions.NumberOfThreads) },
        { () => new PrunedLstmOptions { NumberOfLayers = 0 }, nameof(PrunedLstmOptions.NumberOfLayers) },
        { () => new PrunedPatchTstOptions { NumberOfLayers = 0 }, nameof(PrunedPatchTstOptions.NumberOfLayers) },
        { () => new PrunedPatchTstOptions { ModelDimension = 0 }, nameof(PrunedPatchTstOptions.ModelDimension) },
        { () => new PrunedPatchTstOptions { NumberOfHeads = 3 }, nameof(PrunedPatchTstOptions.NumberOfHeads) },
        { () => new PrunedPatchTstOptions { FeedForwardSize = 0 }, nameof(PrunedPatchTstOptions.FeedForwardSize) },
        { () => new PrunedPatchTstOptions { FeatureColumnNames = new[] { "Other" } }, nameof(PrunedForecasterOptions.FeatureColumnNames) },
        { () => new PrunedLstmOptions { Regularization = Regularization.Dropout, DropoutRate = 1 }, nameof(PrunedForecasterOptions.DropoutRate) },
        { () => new PrunedLstmOptions { InitialSparsity = 1 }, nameof(PrunedForecasterOptions.InitialSparsity) },
        { () => new PrunedLstmOptions { FinalSparsity = 0.1 }, nameof(PrunedForecasterOptions.FinalSparsity) },
        { () => new PrunedLstmOptions { WarmupEpochs = 20 }, nameof(PrunedForecasterOptions.WarmupEpochs) },
        { () => new PrunedLstmOptions { MaxEpochs = 0 }, nameof(PrunedForecasterOptions.MaxEpochs) },
        { () => new PrunedLstmOptions { Patience = -1 }, nameof(PrunedForecasterOptions.Patience) },
        { () => new PrunedLstmOptions { LearningRate = 0 }, nameof(PrunedForecasterOptions.LearningRate) },
        { () => new PrunedLstmOptions { ValidationFraction = 1 }, nameof(PrunedForecasterOptions.ValidationFraction) },
        { () => new PrunedLstmOptions { PruningCurve = (PruningCurve)7 }, nameof(PrunedForecasterOptions.PruningCurve) },
        { () => new PrunedLstmOptions { ProgressConvention = (ProgressConvention)7 }, nameof(PrunedForecasterOptions.ProgressConvention) },
    };

    [Theory]
    [MemberData(nameof(EstimatorErrors))]
    public void AnEstimatorOptionErrorNamesThePublicOption(Func<PrunedForecasterOptions> options, string option)
    {
        var ml = new MLContext(seed: 1);
        var o = options();
        var e = Assert.ThrowsAny<ArgumentException>(() => o switch
        {
            PrunedPatchTstOptions p => (object)ml.Forecasting.PrunedPatchTst(p),
            PrunedLstmOptions l => ml.Forecasting.PrunedLstm(l),
            _ => throw new InvalidOperationException(),
        });
        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message.Split(" (Parameter '")[0]); // the text itself names it, not only ParamName
    }

    [Fact]
    public void PruningIntervalZeroOnTheEstimatorIsAnOutOfRangeErrorNamingPruningInterval()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Forecasting.PrunedLstm(new PrunedLstmOptions { PruningInterval = 0 }));
        Assert.Equal("PruningInterval", e.ParamName);
        Assert.StartsWith("PruningInterval must be at least 1", e.Message);
    }

    [Fact]
    public void TheInnerLayersNameTheSameOptions()
    {
        var training = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { NumberOfThreads = 0 }.Validate());
        Assert.Equal("NumberOfThreads", training.ParamName);
        var viaTraining = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Pruning = new PruningOptions { PruningInterval = 0 } }.Validate());
        Assert.Equal("PruningInterval", viaTraining.ParamName);
        var pruning = Assert.Throws<ArgumentOutOfRangeException>(() => new PruningOptions().Validate(0));
        Assert.Equal("MaxEpochs", pruning.ParamName);
        var granularity = Assert.Throws<ArgumentOutOfRangeException>(() => new PruningOptions { PruningGranularity = (PruningGranularity)9 }.Validate());
        Assert.Equal("PruningGranularity", granularity.ParamName);
        var patch = new ForecasterSpec { Kind = ForecasterKind.PatchTst };
        Assert.Equal("NumberOfHeads", Assert.ThrowsAny<ArgumentException>(() => ForecasterFactory.Validate(patch with { NumberOfHeads = 3 })).ParamName);
        Assert.Equal("NumberOfLayers", Assert.ThrowsAny<ArgumentException>(() => ForecasterFactory.Validate(patch with { NumberOfLayers = 0 })).ParamName);
        Assert.Equal("DropoutRate", Assert.ThrowsAny<ArgumentException>(() => ForecasterFactory.Validate(patch with { DropoutRate = 1 })).ParamName);
    }

    [Fact]
    public void NumberOfLayersDefaultsToTheArchitecturesCount()
    {
        Assert.Equal(1, new ForecasterSpec { Kind = ForecasterKind.Lstm }.NumberOfLayers);
        Assert.Equal(2, new ForecasterSpec { Kind = ForecasterKind.PatchTst }.NumberOfLayers);
        Assert.Equal(3, new ForecasterSpec { NumberOfLayers = 3, Kind = ForecasterKind.PatchTst }.NumberOfLayers);
        Assert.Equal(new PrunedLstmOptions().NumberOfLayers, PrunedForecastingEstimator.BuildSpec(new PrunedLstmOptions()).NumberOfLayers);
        Assert.Equal(new PrunedPatchTstOptions().NumberOfLayers, PrunedForecastingEstimator.BuildSpec(new PrunedPatchTstOptions()).NumberOfLayers);
    }

    // A learning rate far below float32 resolution leaves the weights as initialised: every epoch has the same validation
    // loss, so any positive patience stops the run and 0 never does — in the trainer and in the estimator alike.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void PatienceMeansTheSameInBothLayers(int patience)
    {
        const int maxEpochs = 6;
        var options = new TrainingOptions
        {
            MaxEpochs = maxEpochs, BatchSize = 32, LearningRate = 1e-30, Seed = 3, Patience = patience, Regularization = Regularization.None, ValidationFraction = 0.2,
        };
        using var trained = new ForecastTrainer().Fit(() => new TestLstmForecaster(Spec(12, 1, hidden: 8)), TimeSeriesData.Univariate(NoisySine(260, noise: 0.2, seed: 9)), null, options);

        var ml = new MLContext(seed: 3);
        var lstm = new PrunedLstmOptions
        {
            LabelColumnName = "Value", Lookback = 12, HiddenSize = 8, MaxEpochs = maxEpochs, BatchSize = 32, LearningRate = 1e-30, Patience = patience,
            Regularization = Regularization.None, ValidationFraction = 0.2, Confidence = null,
        };
        Assert.Equal(patience, PrunedForecastingEstimator.BuildTrainingOptions(lstm, 3).Patience);
        using var fitted = ml.Forecasting.PrunedLstm(lstm).Fit(ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(260)));

        foreach (var (epochs, stopped) in new[] { (trained.EpochsRun, trained.StoppedEarly), (fitted.Info.EpochsRun, fitted.Info.StoppedEarly) })
        {
            if (patience == 0) Assert.Equal((maxEpochs, false), (epochs, stopped));
            else Assert.Equal((1 + patience, true), (epochs, stopped));
        }
    }
}
