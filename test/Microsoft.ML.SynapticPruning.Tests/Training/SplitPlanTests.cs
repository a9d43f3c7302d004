using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

public class SplitPlanTests
{
    private static TimeSeriesData Series(int n) => TimeSeriesData.Univariate(new float[n]);

    [Fact]
    public void HandComputedSplit()
    {
        // N 100, L 10, H 3 → 88 windows; 10 % → 8 validation windows (80..87); gap H−1 = 2 → 78 training windows.
        var plan = SplitPlan.Create(Series(100), null, 10, 3, 0.1, 0);
        Assert.Equal(new WindowRange(0, 78), plan.Train);
        Assert.Equal(new WindowRange(80, 8), plan.Validation);
        Assert.Equal(WindowRange.Empty, plan.Calibration);
        Assert.Equal(90, plan.ScalerRows);
        Assert.Equal(90, plan.ValidationStartRow);

        // Half of the validation part for calibration: 4 windows (84..87), gap 2, 2 early-stopping windows (80, 81).
        var withCalibration = SplitPlan.Create(Series(100), null, 10, 3, 0.1, 0.5);
        Assert.Equal(new WindowRange(80, 2), withCalibration.Validation);
        Assert.Equal(new WindowRange(84, 4), withCalibration.Calibration);
        Assert.Equal(94, withCalibration.CalibrationStartRow);
    }

    [Theory]
    [InlineData(500, 24, 1, 0.1, 0.0)]
    [InlineData(500, 24, 4, 0.1, 0.5)]
    [InlineData(333, 7, 12, 0.2, 0.3)]
    public void NoTargetLeaksBetweenParts(int n, int lookback, int horizon, double validation, double calibration)
    {
        var plan = SplitPlan.Create(Series(n), null, lookback, horizon, validation, calibration);
        int lastTrainTarget = plan.Train.End - 1 + lookback + horizon - 1;
        Assert.True(lastTrainTarget < plan.ScalerRows, "a training target lies in the validation part");
        Assert.Equal(plan.Validation.Start + lookback, plan.ScalerRows); // the scaler sees only rows before validation targets
        if (plan.Calibration.Count > 0)
        {
            int lastValidationTarget = plan.Validation.End - 1 + lookback + horizon - 1;
            Assert.True(lastValidationTarget < plan.Calibration.Start + lookback);
            Assert.Equal(n - lookback - horizon + 1, plan.Calibration.End);
        }
        Assert.True(plan.Validation.Start >= lookback, "validation windows keep their history rows");
    }

    [Fact]
    public void ExternalValidationAndNoValidation()
    {
        var external = SplitPlan.Create(Series(100), Series(40), 10, 2, 0.1, 0.25);
        Assert.True(external.ExternalValidation);
        Assert.Equal(new WindowRange(0, 89), external.Train);
        Assert.Equal(100, external.ScalerRows);
        // 29 validation windows: 7 for calibration (22..28), gap 1, 21 for early stopping.
        Assert.Equal(new WindowRange(22, 7), external.Calibration);
        Assert.Equal(new WindowRange(0, 21), external.Validation);

        var none = SplitPlan.Create(Series(100), null, 10, 2, 0, 0);
        Assert.Equal(new WindowRange(0, 89), none.Train);
        Assert.Equal(0, none.Validation.Count);
        Assert.Throws<ArgumentException>(() => SplitPlan.Create(Series(100), null, 10, 2, 0, 0.5));
    }

    [Fact]
    public void TooShortForTheSplitIsAnArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => SplitPlan.Create(Series(12), null, 8, 4, 0.5, 0));
        Assert.Contains("ValidationFraction", e.Message);
        Assert.Throws<ArgumentException>(() => SplitPlan.Create(Series(10), null, 8, 4, 0.1, 0));
    }
}
