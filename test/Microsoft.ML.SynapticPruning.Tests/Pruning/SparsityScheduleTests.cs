using Microsoft.ML.SynapticPruning.Pruning;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Pruning;

public class SparsityScheduleTests
{
    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.300)]
    [InlineData(10, 0.3417)]
    [InlineData(19, 0.700)]
    public void PaperCurveDefaultConventionMatchesDecisionValues(int epoch, double expected)
    {
        var schedule = new CubicSparsitySchedule(0.3, 0.7, 2, 20);
        Assert.Equal(expected, schedule.TargetSparsity(epoch, 1), 4);
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.300)]
    [InlineData(10, 0.3351)]
    [InlineData(19, 0.6370)]
    public void PaperCurveAuthorsConventionMatchesDecisionValues(int epoch, double expected)
    {
        var schedule = new CubicSparsitySchedule(0.3, 0.7, 2, 20, SparsityCurve.Paper, ProgressConvention.AuthorsZeroBased);
        Assert.Equal(expected, schedule.TargetSparsity(epoch, 1), 4);
    }

    [Fact]
    public void PaperCurveExactFormula()
    {
        var schedule = new CubicSparsitySchedule(0.3, 0.7, 2, 20);
        Assert.Equal(0.3 + 0.4 * Math.Pow(8.0 / 17.0, 3), schedule.TargetSparsity(10, 0), 12);
        var authors = new CubicSparsitySchedule(0.3, 0.7, 2, 20, convention: ProgressConvention.AuthorsZeroBased);
        Assert.Equal(0.3 + 0.4 * Math.Pow(17.0 / 18.0, 3), authors.TargetSparsity(19, 0), 12);
        // Beyond the last epoch the target stays at the final value.
        Assert.Equal(0.7, schedule.TargetSparsity(25, 0), 12);
    }

    [Theory]
    [InlineData(1, 0.25)]
    [InlineData(2, 0.50)]
    [InlineData(3, 0.75)]
    public void ZhuGuptaCurveAtQuarterPoints(int epoch, double p)
    {
        // warm-up 0, T 5 → p = e/4.
        var schedule = new CubicSparsitySchedule(0.3, 0.7, 0, 5, SparsityCurve.ZhuGupta);
        double expected = 0.7 + (0.3 - 0.7) * Math.Pow(1 - p, 3);
        Assert.Equal(expected, schedule.TargetSparsity(epoch, 0), 12);
    }

    [Fact]
    public void ZhuGuptaRoundedValues()
    {
        var schedule = new CubicSparsitySchedule(0.3, 0.7, 0, 5, SparsityCurve.ZhuGupta);
        Assert.Equal(0.531, schedule.TargetSparsity(1, 0), 3);
        Assert.Equal(0.650, schedule.TargetSparsity(2, 0), 3);
        Assert.Equal(0.694, schedule.TargetSparsity(3, 0), 3);
        Assert.Equal(0.3, schedule.TargetSparsity(0, 0), 12);
        Assert.Equal(0.7, schedule.TargetSparsity(4, 0), 12);
    }

    [Fact]
    public void DegenerateSpanGivesFinalOnceWarmupEnds()
    {
        var schedule = new CubicSparsitySchedule(0.2, 0.6, 4, 5);
        Assert.Equal(0, schedule.TargetSparsity(3, 0));
        Assert.Equal(0.6, schedule.TargetSparsity(4, 0), 12);
        var single = new CubicSparsitySchedule(0.2, 0.6, 0, 1);
        Assert.Equal(0.6, single.TargetSparsity(0, 0), 12);
    }

    [Fact]
    public void DefaultUpdateStepsAreEveryIntervalGlobally()
    {
        var schedule = new CubicSparsitySchedule(0.3, 0.7, 2, 20);
        Assert.False(schedule.IsUpdateStep(4, 5));
        Assert.True(schedule.IsUpdateStep(5, 5));
        Assert.False(schedule.IsUpdateStep(6, 5));
        Assert.True(schedule.IsUpdateStep(10, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.IsUpdateStep(5, 0));
    }

    [Fact]
    public void PolynomialDecayValues()
    {
        var schedule = new PolynomialDecaySchedule(0.1, 0.5, 100, 200, 10);
        Assert.Equal(0, schedule.TargetSparsity(0, 99));
        Assert.Equal(0.1, schedule.TargetSparsity(0, 100), 12);
        Assert.Equal(0.5 + (0.1 - 0.5) * 0.125, schedule.TargetSparsity(0, 150), 12);
        Assert.Equal(0.5, schedule.TargetSparsity(0, 200), 12);
        Assert.Equal(0.5, schedule.TargetSparsity(0, 500), 12);
        var quadratic = new PolynomialDecaySchedule(0.0, 0.8, 0, 100, 1, power: 2);
        Assert.Equal(0.8 - 0.8 * 0.75 * 0.75, quadratic.TargetSparsity(0, 25), 12);
    }

    [Fact]
    public void PolynomialDecayUpdateSteps()
    {
        var schedule = new PolynomialDecaySchedule(0.1, 0.5, 100, 205, 10);
        Assert.False(schedule.IsUpdateStep(99, 5));
        Assert.True(schedule.IsUpdateStep(100, 5));
        Assert.False(schedule.IsUpdateStep(105, 5));
        Assert.True(schedule.IsUpdateStep(110, 5));
        Assert.True(schedule.IsUpdateStep(205, 5)); // end step always updates
    }

    [Theory]
    [InlineData(-0.1, 0.5, "InitialSparsity")]
    [InlineData(1.0, 0.5, "InitialSparsity")]
    [InlineData(double.NaN, 0.5, "InitialSparsity")]
    [InlineData(0.3, 1.0, "FinalSparsity")]
    [InlineData(0.5, 0.3, "FinalSparsity")]
    public void InvalidSparsitiesAreRejectedWithTheOptionName(double initial, double final, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CubicSparsitySchedule(initial, final, 2, 20));
        Assert.Equal(name, e.ParamName);
        Assert.Contains(name, e.Message);
        var p = Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialDecaySchedule(initial, final, 0, 10, 1));
        Assert.Equal(name, p.ParamName);
        var o = Assert.Throws<ArgumentOutOfRangeException>(() => new PruningOptions { InitialSparsity = initial, FinalSparsity = final }.Validate());
        Assert.Equal(name, o.ParamName);
    }

    [Fact]
    public void InvalidScheduleShapeIsRejected()
    {
        Assert.Equal("WarmupEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new CubicSparsitySchedule(0.3, 0.7, -1, 20)).ParamName);
        Assert.Equal("MaxEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new CubicSparsitySchedule(0.3, 0.7, 0, 0)).ParamName);
        Assert.Equal("EndStep", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialDecaySchedule(0.1, 0.5, 10, 10, 1)).ParamName);
        Assert.Equal("Frequency", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialDecaySchedule(0.1, 0.5, 0, 10, 0)).ParamName);
        Assert.Equal("BeginStep", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialDecaySchedule(0.1, 0.5, -1, 10, 1)).ParamName);
    }

    [Fact]
    public void PruningOptionsValidation()
    {
        var interval = Assert.Throws<ArgumentOutOfRangeException>(() => new PruningOptions { PruningInterval = 0 }.Validate());
        Assert.Equal("PruningInterval", interval.ParamName);
        var warmup = Assert.Throws<ArgumentOutOfRangeException>(() => new PruningOptions { WarmupEpochs = 5 }.Validate(5));
        Assert.Equal("WarmupEpochs", warmup.ParamName);
        Assert.Contains("MaxEpochs", warmup.Message);
        new PruningOptions().Validate(20);
        var schedule = new PruningOptions { PruningCurve = SparsityCurve.ZhuGupta, ProgressConvention = ProgressConvention.AuthorsZeroBased }.CreateSchedule(20);
        Assert.Same(SparsityCurve.ZhuGupta, schedule.Curve);
        Assert.Equal(ProgressConvention.AuthorsZeroBased, schedule.Convention);
        Assert.Equal(20, schedule.MaxEpochs);
    }

    [Fact]
    public void PruningOptionsDefaultsAreThePapers()
    {
        var o = new PruningOptions();
        Assert.Equal(0.30, o.InitialSparsity);
        Assert.Equal(0.70, o.FinalSparsity);
        Assert.Equal(2, o.WarmupEpochs);
        Assert.Equal(5, o.PruningInterval);
        Assert.Same(SparsityCurve.Paper, o.PruningCurve);
        Assert.Equal(ProgressConvention.LastEpochReachesFinal, o.ProgressConvention);
        Assert.False(o.PruneNormGains);
        Assert.True(o.ZeroPrunedGradientsAndOptimizerState);
        Assert.Null(o.Selector);
    }
}
