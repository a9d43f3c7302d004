using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

public class TimeSeriesDataTests
{
    [Fact]
    public void NaNIsRejectedNamingChannelAndRow()
    {
        var values = new float[] { 1, 2, 3, float.NaN, 5 };
        var e = Assert.Throws<ArgumentException>(() => new TimeSeriesData(new[] { new float[5] }, new[] { values }, new[] { "load", "temperature" }));
        Assert.Contains("temperature", e.Message);
        Assert.Contains("row 3", e.Message);
        Assert.Contains("impute or drop missing values first", e.Message);
    }

    [Fact]
    public void InfinityIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TimeSeriesData.Univariate(new[] { 1f, float.PositiveInfinity }, "price"));
        Assert.Contains("price", e.Message);
        Assert.Contains("row 1", e.Message);
    }

    [Fact]
    public void RaggedChannelsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new TimeSeriesData(new[] { new float[10], new float[9] }, null, new[] { "a", "b" }));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("9", e.Message);
    }

    [Fact]
    public void EmptySeriesAndNoTargetsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new TimeSeriesData(Array.Empty<float[]>()));
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => TimeSeriesData.Univariate(Array.Empty<float>())).Message);
    }

    [Fact]
    public void WrongNumberOfNamesOrFlagsIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new TimeSeriesData(new[] { new float[4] }, null, new[] { "a", "b" }));
        Assert.Throws<ArgumentException>(() => new TimeSeriesData(new[] { new float[4] }, null, null, new bool[3]));
    }

    [Fact]
    public void TooShortSeriesMessageSaysHowManyRows()
    {
        var data = TimeSeriesData.Univariate(new float[10]);
        Assert.Equal(1, data.WindowCount(8, 2));
        data.EnsureWindows(8, 2, "training");
        var e = Assert.Throws<ArgumentException>(() => data.EnsureWindows(8, 3, "training"));
        Assert.Contains("11 rows", e.Message);
        Assert.Contains("Lookback", e.Message);
    }

    [Fact]
    public void DataIsCopiedAndChannelsAreInModelOrder()
    {
        var target = new float[] { 1, 2, 3 };
        var covariate = new float[] { 7, 8, 9 };
        var data = new TimeSeriesData(new[] { target }, new[] { covariate });
        target[0] = 100;
        Assert.Equal(1f, data.Channel(0)[0]);
        Assert.Equal(7f, data.Channel(1)[0]);
        Assert.Equal(new[] { "target", "covariate" }, data.ChannelNames);
        Assert.Equal(2, data.InputChannels);
    }

    [Fact]
    public void ImputedFlagsMarkWindowsAndSurviveSlicing()
    {
        var imputed = new bool[20];
        imputed[12] = true;
        var data = new TimeSeriesData(new[] { Enumerable.Range(0, 20).Select(i => (float)i).ToArray() }, null, null, imputed);
        // L 4, H 2: window w predicts rows w+4, w+5 → windows 7 and 8 touch row 12.
        var flagged = Enumerable.Range(0, data.WindowCount(4, 2)).Where(w => data.WindowHasImputedTargets(w, 4, 2)).ToArray();
        Assert.Equal(new[] { 7, 8 }, flagged);
        var slice = data.Slice(10, 5);
        Assert.Equal(10f, slice.Target(0)[0]);
        Assert.True(slice.IsImputed(2));
        Assert.False(slice.IsImputed(1));
    }
}
