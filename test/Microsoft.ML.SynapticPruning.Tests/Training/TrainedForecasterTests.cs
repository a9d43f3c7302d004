using Microsoft.ML.SynapticPruning.Training;
using Xunit;
using static Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

[Collection("Torch")]
public sealed class TrainedForecasterTests : IDisposable
{
    private const int Lookback = 12, Horizon = 3;
    private readonly float[] _series = NoisySine(300, seed: 21, offset: 5);
    private readonly TrainedForecaster _model;

    public TrainedForecasterTests()
    {
        _model = new ForecastTrainer().Fit(() => new TestLstmForecaster(Spec(Lookback, Horizon, dropout: 0.3)), TimeSeriesData.Univariate(_series), null,
            new TrainingOptions { MaxEpochs = 3, BatchSize = 32, Regularization = Regularization.MonteCarloDropout, Seed = 4 });
    }

    public void Dispose() => _model.Dispose();

    [Fact]
    public void PredictUsesTheLastLookbackRowsAndMatchesTheBatch()
    {
        var history = _series[..100];
        var single = _model.Predict(history, history.Length);
        Assert.Equal(Horizon, single.Length);
        var lastRows = _model.Predict(history[^Lookback..], Lookback);
        Assert.Equal(single, lastRows);

        var windows = Windows(_series, Lookback, 100 - Lookback, 1);
        var batch = new float[Horizon];
        _model.PredictBatch(windows, 1, batch);
        Assert.Equal(single, batch);

        // Original units: the series oscillates around 5.
        Assert.All(single, v => Assert.InRange(v, 2.5f, 7.5f));
        Assert.Throws<ArgumentException>(() => _model.Predict(history[..5], 5));
        Assert.Throws<ArgumentException>(() => _model.Predict(history, history.Length - 1));
    }

    [Fact]
    public void BatchResultsAgreeAcrossBlockingsWithinRoundingAndAreBitIdenticalAcrossThreads()
    {
        int count = TrainedForecaster.BlockSize + 20;
        var windows = Windows(_series, Lookback, 0, count);
        var all = new float[count * Horizon];
        _model.PredictBatch(windows, count, all);

        // Another blocking (7 + 269 windows, so 256 + 13 inside): the same forecasts up to GEMM re-association.
        var pieces = new float[count * Horizon];
        _model.PredictBatch(windows.AsSpan(0, 7 * Lookback), 7, pieces.AsSpan(0, 7 * Horizon));
        _model.PredictBatch(windows.AsSpan(7 * Lookback), count - 7, pieces.AsSpan(7 * Horizon));
        FloatTolerance.AssertClose(all, pieces, scale: 5);

        // One window per call, sequentially and from two threads at once: the same call shape gives the same bits.
        var single = new float[count * Horizon];
        for (int j = 0; j < count; j++)
            _model.PredictBatch(windows.AsSpan(j * Lookback, Lookback), 1, single.AsSpan(j * Horizon, Horizon));
        FloatTolerance.AssertClose(all, single, scale: 5);
        var parallel = new float[count * Horizon];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, j =>
            _model.PredictBatch(windows.AsSpan(j * Lookback, Lookback), 1, parallel.AsSpan(j * Horizon, Horizon)));
        Assert.Equal(single, parallel);
        var again = new float[count * Horizon];
        Parallel.Invoke(
            () => _model.PredictBatch(windows, count, again),
            () => _model.PredictBatch(windows.AsSpan(0, 7 * Lookback), 7, new float[7 * Horizon]));
        Assert.Equal(all, again);
    }

    [Fact]
    public void MonteCarloDependsOnSeedAndRowNotOnCallSplitting()
    {
        const int count = 10, samples = 8;
        var windows = Windows(_series, Lookback, 50, count);
        var whole = new float[count * Horizon];
        _model.PredictMonteCarlo(windows, count, whole, samples, baseSeed: 99, firstRowIndex: 1000);

        var split = new float[count * Horizon];
        _model.PredictMonteCarlo(windows.AsSpan(0, 4 * Lookback), 4, split.AsSpan(0, 4 * Horizon), samples, 99, 1000);
        _model.PredictMonteCarlo(windows.AsSpan(4 * Lookback), 6, split.AsSpan(4 * Horizon), samples, 99, 1004);
        Assert.Equal(whole, split);

        var otherSeed = new float[count * Horizon];
        _model.PredictMonteCarlo(windows, count, otherSeed, samples, baseSeed: 100, firstRowIndex: 1000);
        Assert.NotEqual(whole, otherSeed);

        // Dropout is really on in MC samples: they differ from the deterministic forecast.
        var deterministic = new float[count * Horizon];
        _model.PredictBatch(windows, count, deterministic);
        Assert.NotEqual(deterministic, whole);
        // ...but average to something close to it.
        for (int i = 0; i < whole.Length; i++) Assert.InRange(whole[i] - deterministic[i], -1.5f, 1.5f);
    }

    [Fact]
    public void MonteCarloWithoutDropoutIsRejected()
    {
        using var dense = new ForecastTrainer().Fit(() => new TestMlpForecaster(Spec(Lookback, 1)), TimeSeriesData.Univariate(_series), null,
            new TrainingOptions { MaxEpochs = 1, Regularization = Regularization.None });
        var windows = Windows(_series, Lookback, 0, 1);
        Assert.Throws<InvalidOperationException>(() => dense.PredictMonteCarlo(windows, 1, new float[1], 4, 1, 0));
    }

    [Fact]
    public void ResidualsAreTargetMinusForecastAndSkipImputedWindows()
    {
        var imputed = new bool[_series.Length];
        imputed[200] = true; // windows 186..188 (targets 198..200 .. 200..202) touch row 200
        var data = new TimeSeriesData(new[] { _series }, null, null, imputed);
        var residuals = _model.Residuals(data, 180, 20);
        Assert.Equal(17, residuals.Windows.Length);
        Assert.DoesNotContain(186, residuals.Windows);
        Assert.DoesNotContain(188, residuals.Windows);
        Assert.Contains(189, residuals.Windows);

        int k = Array.IndexOf(residuals.Windows, 190);
        var forecast = _model.Predict(_series.AsSpan(190, Lookback), Lookback);
        for (int h = 0; h < Horizon; h++)
            Assert.Equal(_series[190 + Lookback + h] - forecast[h], residuals[k, h, 0], 5);
    }
}
