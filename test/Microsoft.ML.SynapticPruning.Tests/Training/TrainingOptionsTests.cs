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
        yield return new object[] { (Action<TrainingOptions>)(o => o.Threads = 0), "Threads" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.MonteCarloSamples = 0), "MonteCarloSamples" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.LearningRateGamma = 0), "LearningRateGamma" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.GradientClipNorm = 0), "GradientClipNorm" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Pruning.InitialSparsity = 1.0), "InitialSparsity" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Pruning.FinalSparsity = 0.2), "FinalSparsity" };
        yield return new object[] { (Action<TrainingOptions>)(o => o.Pruning.UpdateInterval = 0), "UpdateInterval" };
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
        Assert.Null(o.Threads);
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
}
