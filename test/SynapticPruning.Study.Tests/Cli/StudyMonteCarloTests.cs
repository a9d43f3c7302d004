using Microsoft.ML;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Microsoft.ML.SynapticPruning.Training;
using Samples.Study;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>The study's MC-dropout arm and the ML.NET layer mean the same by one Monte-Carlo sample.</summary>
[Collection("Torch")]
public sealed class StudyMonteCarloTests
{
    [Fact]
    public void OneMonteCarloSampleIsOneStochasticPassInTheMlNetLayerAndInTheStudy()
    {
        const int lookback = 12, horizon = 2, seed = 4;
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(300);
        var data = ml.Data.LoadFromEnumerable(rows);
        var o = new PrunedLstmOptions
        {
            LabelColumnName = "Value", Lookback = lookback, Horizon = horizon, MaxEpochs = 2, HiddenSize = 8, Seed = seed,
            Regularization = Regularization.MonteCarloDropout, MonteCarloSamples = 1, Confidence = null,
        };
        using var model = ml.Forecasting.PrunedLstm(o).Fit(data);
        var mlnet = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");

        // The study scores its MC-dropout arm with the paper protocol's one sample through the same trained network.
        var settings = StudyTrainingSettings.For(StudyProtocol.Paper);
        Assert.Equal(1, settings.McSamples);
        var trial = new StudyTrial("t", StudyProtocol.Paper, "sine", "full", "lstm", StudyMethods.McDropout, lookback, horizon, seed, 2, false, settings);
        var series = new TimeSeriesData(new[] { rows.Select(r => r.Value).ToArray() });
        var origins = Enumerable.Range(lookback - 1, rows.Length - lookback + 1).ToArray();
        var study = TrainingStudyRunner.Predict(((NetworkModel)model.Model).Forecaster, series, origins, trial);

        var windows = new float[origins.Length * lookback];
        series.CopyWindows(origins.Select(t => t - lookback + 1).ToArray(), lookback, windows);
        var deterministic = new float[origins.Length * horizon];
        ((NetworkModel)model.Model).Forecaster.PredictBatch(windows, origins.Length, deterministic);
        int stochastic = 0;
        for (int k = 0; k < origins.Length; k++)
        {
            for (int h = 0; h < horizon; h++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(mlnet[origins[k]][h]), BitConverter.SingleToInt32Bits(study[k * horizon + h]));
                if (study[k * horizon + h] != deterministic[k * horizon + h]) stochastic++;
            }
        }
        Assert.True(stochastic > origins.Length, $"one MC sample must be a dropout pass, not the deterministic forecast ({stochastic} of {origins.Length * horizon} differ)");
    }
}
