using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

public class ChannelScalerTests
{
    [Fact]
    public void FitsPopulationMeanAndStdOnTheGivenRowsOnly()
    {
        var data = new TimeSeriesData(new[] { new float[] { 1, 2, 3, 4, 100 } }, new[] { new float[] { 5, 5, 5, 5, 9 } });
        var scaler = ChannelScaler.Fit(data, 4);
        Assert.Equal(2.5, scaler.Mean[0], 12);
        Assert.Equal(Math.Sqrt(1.25), scaler.Std[0], 12); // ((1.5²+0.5²)·2)/4
        Assert.False(scaler.ConstantChannels[0]);
        // Constant on the fitted rows: std 1, flagged, no division by zero.
        Assert.Equal(5, scaler.Mean[1], 12);
        Assert.Equal(1, scaler.Std[1]);
        Assert.True(scaler.ConstantChannels[1]);
        Assert.Equal(4f, scaler.Transform(1, 9f));
    }

    [Fact]
    public void TransformAndInverseRoundTrip()
    {
        var scaler = new ChannelScaler(new[] { 10.0, -3.0 }, new[] { 2.0, 0.5 });
        var values = new float[] { 12, -2, 8, -3.5f };
        var scaled = new float[4];
        scaler.Transform(values, scaled, 2);
        Assert.Equal(new float[] { 1, 2, -1, -1 }, scaled);
        var back = new float[4];
        scaler.Inverse(scaled, back, 2);
        Assert.Equal(values, back);
        Assert.Equal(12f, scaler.Inverse(0, 1f));
    }

    [Fact]
    public void StateRoundTripsThroughConstructor()
    {
        var data = new TimeSeriesData(new[] { TrainingTestData.NoisySine(50) });
        var scaler = ChannelScaler.Fit(data, 50);
        var copy = new ChannelScaler(scaler.Mean.ToArray(), scaler.Std.ToArray(), scaler.ConstantChannels.ToArray());
        Assert.Equal(scaler.Transform(0, 0.3f), copy.Transform(0, 0.3f));
    }

    [Fact]
    public void InvalidStateIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new ChannelScaler(new[] { 0.0 }, new[] { 0.0 }));
        Assert.Throws<ArgumentException>(() => new ChannelScaler(new[] { double.NaN }, new[] { 1.0 }));
        Assert.Throws<ArgumentException>(() => new ChannelScaler(new[] { 0.0, 1 }, new[] { 1.0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelScaler.Fit(TimeSeriesData.Univariate(new float[3]), 4));
    }
}
