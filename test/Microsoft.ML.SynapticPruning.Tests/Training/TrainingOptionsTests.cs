using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

public class TrainingOptionsTests
{
    public static IEnumerable<object[]> BadOptions()
    {
        yield return new object[] { (Action<TrainingOptions>)(o => o.MaxEpochs = 0), "MaxEpochs" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.BatchSize = 0), "BatchSize" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.LearningRate = 0), "LearningRate" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.LearningRate = -1e-3), "LearningRate" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.LearningRate = double.NaN), "LearningRate" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Patience = -1), "Patience" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.ValidationFraction = 1), "ValidationFraction" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.CalibrationFraction = -0.1), "CalibrationFraction" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.DropoutRate = 1), "DropoutRate" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.NumberOfThreads = 0), "NumberOfThreads" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.MonteCarloSamples = 0), "MonteCarloSamples" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.LearningRateGamma = 0), "LearningRateGamma" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.FirstEpochLearningRateFactor = 0), "FirstEpochLearningRateFactor" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.FirstEpochLearningRateFactor = 1.5), "FirstEpochLearningRateFactor" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.GradientClipNorm = 0), "GradientClipNorm" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Pruning.InitialSparsity = 1.0), "InitialSparsity" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Pruning.FinalSparsity = 0.2), "FinalSparsity" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Pruning.PruningInterval = 0), "PruningInterval" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Pruning.WarmupEpochs = 20), "WarmupEpochs" };
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptionsNameTheOption(Action<TrainingOptions> change, string name)
    {
        var options = new TrainingOptions();
        change(options);
        var e = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Equal(name, e.ParamName);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void DefaultsAreThePapersWithLeakageFreeProtocol()
    {
        var o = new TrainingOptions();
        o.Validate();
        Assert.Equal(20, o.MaxEpochs);
        Assert.Equal(64, o.BatchSize);
        Assert.Equal(1e-3, o.LearningRate);
        Assert.Equal(3, o.Patience);
        Assert.Equal(0.1, o.ValidationFraction);
        Assert.Equal(RestoreFrom.AfterWarmup, o.RestoreFrom);
        Assert.Equal(Regularization.SynapticPruning, o.Regularization);
        Assert.Equal(0.3, o.DropoutRate);
        Assert.Null(o.NumberOfThreads);
    }

    [Fact]
    public void LearningRateDecaysAfterTheConstantEpochs()
    {
        var o = new TrainingOptions { LearningRate = 1e-3, ConstantLearningRateEpochs = 3, LearningRateGamma = 0.5 };
        Assert.Equal(1e-3, o.LearningRateAt(0));
        Assert.Equal(1e-3, o.LearningRateAt(2));
        Assert.Equal(5e-4, o.LearningRateAt(3), 15);
        Assert.Equal(2.5e-4, o.LearningRateAt(4), 15);
        Assert.Equal(1e-3, new TrainingOptions().LearningRateAt(1000));
    }

    // The reference scripts call adjust_learning_rate(optimizer, epoch + 1) after each 0-based epoch, so epoch e ≥ 1
    // trains at the rate the reference formula gives for e. PatchTST type3: lr if e < 3, else lr·0.9^(e − 3); its epoch 0
    // runs at lr/25 because constructing OneCycleLR sets that rate. LTSF-Linear type1: lr·0.5^(e − 1); epoch 0 at lr.
    public static IEnumerable<object[]> ReferenceSchedules()
    {
        yield return new object[] { "PatchTST type3", 4, 0.9, 0.04, new[] { 0.04, 1, 1, 1, 0.9, 0.81 } };
        yield return new object[] { "LTSF-Linear type1", 2, 0.5, 1.0, new[] { 1, 1, 0.5, 0.25, 0.125, 0.0625 } };
    }

    [Theory]
    [MemberData(nameof(ReferenceSchedules))]
    public void LearningRateAtCountsEpochsLikeTheReferenceScripts(string reference, int constantEpochs, double gamma, double firstEpochFactor, double[] table)
    {
        var o = new TrainingOptions
        {
            LearningRate = 1e-4, ConstantLearningRateEpochs = constantEpochs, LearningRateGamma = gamma, FirstEpochLearningRateFactor = firstEpochFactor,
        };
        o.Validate();
        for (int e = 0; e < table.Length; e++)
            Assert.True(Math.Abs(o.LearningRateAt(e) - 1e-4 * table[e]) <= 1e-18, $"{reference}, epoch {e}: {o.LearningRateAt(e)} instead of {1e-4 * table[e]}");
    }

    [Fact]
    public void FirstEpochFactorScalesOnlyEpochZero()
    {
        var o = new TrainingOptions { LearningRate = 1e-3, FirstEpochLearningRateFactor = 0.04 };
        Assert.True(Math.Abs(o.LearningRateAt(0) - 4e-5) <= 1e-20, $"epoch 0: {o.LearningRateAt(0)}");
        Assert.Equal(1e-3, o.LearningRateAt(1));
        Assert.Equal(1e-3, o.LearningRateAt(7));
        Assert.Equal(1.0, new TrainingOptions().FirstEpochLearningRateFactor);
    }
}
