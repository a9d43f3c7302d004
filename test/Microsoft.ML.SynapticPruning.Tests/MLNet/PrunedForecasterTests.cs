using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

[Collection("Torch")]
public sealed class PrunedForecasterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PrunedLstmOptions SmallLstm(int epochs = 4) => new()
    {
        LabelColumnName = nameof(BtcRow.Close), Lookback = 14, Horizon = 3, MaxEpochs = epochs, HiddenSize = 16, WarmupEpochs = 1,
        Normalization = InstanceNormalization.WindowLast, SeasonalPeriod = 7,
    };

    [Fact]
    public void FullPipelineOnBundledBitcoin()
    {
        var ml = new MLContext(seed: 1);
        var data = ForecastingTestData.LoadBitcoin(ml);
        var train = ml.Data.TakeRows(data, 292);
        var model = ml.Forecasting.PrunedLstm(SmallLstm()).Fit(train);

        var scored = model.Transform(data);
        var forecasts = ForecastingTestData.ReadVectors(scored, "Forecast");
        Assert.Equal(365, forecasts.Length);
        Assert.All(forecasts, f => Assert.Equal(3, f.Length));
        Assert.All(forecasts.Take(13), f => Assert.All(f, v => Assert.True(float.IsNaN(v))));   // fewer than L rows of history
        Assert.All(forecasts.Skip(13), f => Assert.All(f, v => Assert.True(float.IsFinite(v))));
        var close = ml.Data.CreateEnumerable<BtcRow>(data, false).Select(r => r.Close).ToArray();
        // Forecasts are in original units: near the price level, not on the scaled level.
        Assert.InRange(forecasts[300][0], close[300] * 0.7, close[300] * 1.3);

        var metrics = ml.Forecasting.Evaluate(scored, "Close", "Forecast", firstScoredRow: 292);
        Assert.Equal(365 - 292 - 3 + 1, metrics.WindowCount);
        Assert.True(double.IsFinite(metrics.Mae) && metrics.Mae > 0);
        Assert.True(double.IsFinite(metrics.Mase), "MASE uses the stored training-part seasonal-naive scale");
        Assert.Equal(3, metrics.MaePerStep.Count);

        Assert.True(model.GlobalSparsity >= 0.29, $"pruning 0.3→0.7 from epoch 1 must leave ≥ 30% sparsity, got {model.GlobalSparsity}");
        Assert.Contains(model.LayerSparsity, l => l.Name == "head.weight");
        Assert.Equal(model.Info.EpochsRun, model.TrainingHistory.Count);
        Assert.NotNull(model.Info.IntervalHalfWidths);
    }

    [Fact]
    public void SaveAndLoadInsideAChainGivesBitIdenticalForecastsAndIntervals()
    {
        var ml = new MLContext(seed: 3);
        var data = ForecastingTestData.LoadBitcoin(ml);
        var options = new PrunedGruOptions
        {
            LabelColumnName = "Price", FeatureColumnNames = new[] { nameof(BtcRow.Volume) }, Lookback = 10, Horizon = 2, MaxEpochs = 3,
            HiddenSize = 8, WarmupEpochs = 1, Normalization = InstanceNormalization.WindowLast,
        };
        var pipeline = ml.Transforms.CopyColumns("Price", nameof(BtcRow.Close)).Append(ml.Forecasting.PrunedGru(options));
        var model = pipeline.Fit(ml.Data.TakeRows(data, 300));
        var before = model.Transform(data);
        var expected = ForecastingTestData.ReadVectors(before, "Forecast");
        var expectedLower = ForecastingTestData.ReadVectors(before, "ForecastLower");

        string path = Path.Combine(_dir, "gru.zip");
        ml.Model.SaveAtomically(model, data.Schema, path);
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(path, out var schema);
        Assert.Equal(data.Schema.Count, schema.Count);
        var after = loaded.Transform(fresh.Data.LoadFromTextFile<BtcRow>(ForecastingTestData.BitcoinCsv, separatorChar: ',', hasHeader: true));
        Assert.True(ForecastingTestData.BitIdentical(expected, ForecastingTestData.ReadVectors(after, "Forecast")));
        Assert.True(ForecastingTestData.BitIdentical(expectedLower, ForecastingTestData.ReadVectors(after, "ForecastLower")));

        var forecaster = Assert.IsType<PrunedForecastingTransformer>(((TransformerChain<ITransformer>)loaded).LastTransformer);
        Assert.Equal(model.LastTransformer.GlobalSparsity, forecaster.GlobalSparsity);
        Assert.Equal(model.LastTransformer.Info.IntervalHalfWidths, forecaster.Info.IntervalHalfWidths);
        Assert.Equal(new[] { "Volume" }, forecaster.Info.FeatureColumnNames);
    }

    [Fact]
    public void SparseModelFileIsSmallerThanTheDenseOne()
    {
        var ml = new MLContext(seed: 1);
        var data = ForecastingTestData.LoadBitcoin(ml);
        long Size(Regularization r, string name)
        {
            var o = SmallLstm(4);
            o.HiddenSize = 64; o.Regularization = r; o.InitialSparsity = 0.7; o.FinalSparsity = 0.7; o.WarmupEpochs = 0; o.Confidence = null;
            var m = ml.Forecasting.PrunedLstm(o).Fit(data);
            string p = Path.Combine(_dir, name);
            ml.Model.SaveAtomically(m, data.Schema, p);
            return new FileInfo(p).Length;
        }
        long dense = Size(Regularization.None, "dense.zip");
        long pruned = Size(Regularization.SynapticPruning, "pruned.zip");
        Assert.True(pruned < 0.6 * dense, $"70% sparse file {pruned} B should be well under the dense {dense} B");
    }

    [Fact]
    public void SchemaErrorsNameTheColumnBeforeTraining()
    {
        var ml = new MLContext();
        var data = ForecastingTestData.LoadBitcoin(ml);
        var missing = ml.Forecasting.PrunedLstm("Nope", lookback: 5);
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => missing.GetOutputSchema(SchemaShape.Create(data.Schema)));
        Assert.Contains("'Nope'", e1.Message);
        Assert.Contains("Close", e1.Message); // lists what is available

        var wrongType = ml.Forecasting.PrunedLstm(nameof(BtcRow.TimeOpen), lookback: 5);
        var e2 = Assert.Throws<InvalidOperationException>(() => wrongType.Fit(data));
        Assert.Contains("'TimeOpen'", e2.Message);
        Assert.Contains("String", e2.Message);
        Assert.Contains("Single", e2.Message);

        var vector = ml.Transforms.Concatenate("Vec", "Open", "Close").Fit(data).Transform(data);
        var e3 = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm("Vec", lookback: 5).GetOutputSchema(SchemaShape.Create(vector.Schema)));
        Assert.Contains("vector", e3.Message);
    }

    [Fact]
    public void BadOptionsAreRejectedAtConstructionNamingTheOption()
    {
        var ml = new MLContext();
        Assert.Contains("Lookback", Assert.ThrowsAny<ArgumentException>(() => ml.Forecasting.PrunedLstm(new PrunedLstmOptions { Lookback = 0 })).Message);
        Assert.Contains("Horizon", Assert.ThrowsAny<ArgumentException>(() => ml.Forecasting.PrunedLstm(new PrunedLstmOptions { Horizon = -1 })).Message);
        Assert.Contains("FinalSparsity", Assert.ThrowsAny<ArgumentException>(() => ml.Forecasting.PrunedLstm(new PrunedLstmOptions { InitialSparsity = 0.5, FinalSparsity = 0.4 })).Message);
        Assert.Contains("Heads", Assert.ThrowsAny<ArgumentException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions { NumberOfHeads = 3 })).Message);
        var cov = Assert.ThrowsAny<ArgumentException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions { FeatureColumnNames = new[] { "Open" } }));
        Assert.Contains("channel-independent", cov.Message);
        Assert.Contains("Confidence", Assert.ThrowsAny<ArgumentException>(() => ml.Forecasting.PrunedGru(new PrunedGruOptions { Confidence = 1.5f })).Message);
    }

    [Fact]
    public void DefaultsAreThePapersWithTheLeakageFreeProtocol()
    {
        var o = new PrunedLstmOptions();
        Assert.Equal((0.3, 0.7, 2, 5, 20, 64, 3, 64), (o.InitialSparsity, o.FinalSparsity, o.WarmupEpochs, o.PruningInterval, o.MaxEpochs, o.BatchSize, o.Patience, o.HiddenSize));
        Assert.Equal(1e-3, o.LearningRate);
        Assert.Equal(Regularization.SynapticPruning, o.Regularization);
        Assert.Equal(RestoreFrom.AfterWarmup, o.RestoreFrom);
        Assert.Equal(0.1, o.ValidationFraction);
        Assert.Equal(Regularization.None, new PrunedDLinearOptions().Regularization);
        var p = new PrunedPatchTstOptions();
        Assert.Equal((64, 4, 2, 256), (p.ModelDimension, p.NumberOfHeads, p.NumberOfLayers, p.FeedForwardSize));
    }

    [Fact]
    public void PredictionEngineIsRefusedAndPointsToTheForecastEngine()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(300);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Forecasting.PrunedDLinear(new PrunedDLinearOptions { LabelColumnName = "Value", Lookback = 24, Horizon = 2, MaxEpochs = 2 }).Fit(data);
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.CreatePredictionEngine<SeriesRow, SeriesRow>(model));
        var messages = string.Join(" | ", Flatten(e).Select(x => x.Message));
        Assert.Contains("CreateForecastEngine", messages);
        Assert.Throws<InvalidOperationException>(() => model.Transform(data).GetRowCursor(model.Transform(data).Schema, new Random(1)));
    }

    [Fact]
    public void ForecastEngineMatchesTheTransformerAndCheckpointsItsHistory()
    {
        var ml = new MLContext(seed: 2);
        var rows = ForecastingTestData.NoisySine(400);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            LabelColumnName = "Value", FeatureColumnNames = new[] { "Other" }, Lookback = 24, Horizon = 4, MaxEpochs = 2, HiddenSize = 8, WarmupEpochs = 0,
        }).Fit(ml.Data.TakeRows(data, 300));
        var viaTransform = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");

        string path = Path.Combine(_dir, "lstm.zip");
        ml.Model.SaveAtomically(model, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        var engine = loaded.CreateForecastEngine<SeriesRow>(ml);
        Assert.Throws<InvalidOperationException>(() => engine.Predict()); // no history yet
        engine.Update(rows.Take(350));
        var at349 = engine.Predict();
        Assert.Equal(viaTransform[349], at349.Forecast);
        Assert.NotNull(at349.Lower);
        Assert.All(Enumerable.Range(0, 4), h => Assert.True(at349.Lower![h] < at349.Forecast[h] && at349.Forecast[h] < at349.Upper![h]));
        engine.Update(rows[350]);
        Assert.Equal(viaTransform[350], engine.Predict().Forecast);

        string checkpoint = Path.Combine(_dir, "checkpoint.zip");
        engine.CheckPoint(ml, checkpoint);
        using var restored = new MLContext().Model.Load(checkpoint, out _).CreateForecastEngine<SeriesRow>(new MLContext());
        Assert.Equal(24, restored.HistoryLength);
        Assert.Equal(viaTransform[350], restored.Predict().Forecast);
        restored.Update(rows.Skip(351));
        Assert.Equal(viaTransform[399], restored.Predict().Forecast);

        // The Stream overload writes the same checkpoint; a disposed engine refuses further use.
        using var stream = new MemoryStream();
        engine.CheckPoint(ml, stream);
        stream.Position = 0;
        using var fromStream = new MLContext().Model.Load(stream, out _).CreateForecastEngine<SeriesRow>(new MLContext());
        Assert.Equal(viaTransform[350], fromStream.Predict().Forecast);
        engine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Predict());
        Assert.Throws<ObjectDisposedException>(() => engine.CheckPoint(ml, checkpoint));
    }

    [Fact]
    public void TimeColumnOutOfOrderIsAnErrorNamingTheRow()
    {
        var ml = new MLContext();
        var rows = ForecastingTestData.NoisySine(200);
        (rows[120].Time, rows[121].Time) = (rows[121].Time, rows[120].Time);
        var data = ml.Data.LoadFromEnumerable(rows);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedDLinear(new PrunedDLinearOptions
        { LabelColumnName = "Value", TimeColumnName = "Time", Lookback = 12, MaxEpochs = 1 }).Fit(data));
        Assert.Contains("'Time'", e.Message);
        Assert.Contains("row 121", e.Message);
    }

    [Fact]
    public void NaNInTheLabelIsAnErrorByDefaultAndInterpolatedWhenAsked()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(300);
        rows[100].Value = float.NaN;
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = new PrunedDLinearOptions { LabelColumnName = "Value", Lookback = 12, MaxEpochs = 1 };
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedDLinear(options).Fit(data));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("row 100", e.Message);
        Assert.Contains("MissingValues", e.Message);
        options.MissingValues = MissingValuePolicy.Interpolate;
        var model = ml.Forecasting.PrunedDLinear(options).Fit(data);
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");
        // Transform carries the last observation over the 1-row gap (MissingValueForecastTests checks the values).
        Assert.Equal(options.MaxInterpolatedGap, model.Info.InputGapFill);
        Assert.True(float.IsFinite(forecasts[105][0]));
        Assert.True(float.IsFinite(forecasts[150][0]));
    }

    [Fact]
    public void ProgressIsReportedPerEpochAndCancellationStopsTraining()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(300));
        var reports = new List<EpochReport>();
        var logged = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("epoch")) lock (logged) logged.Add(e.Message); };
        var options = new PrunedLstmOptions { LabelColumnName = "Value", Lookback = 12, MaxEpochs = 3, HiddenSize = 8, Patience = 0, Progress = new Sync(reports) };
        ml.Forecasting.PrunedLstm(options).Fit(data);
        Assert.Equal(new[] { 0, 1, 2 }, reports.Select(r => r.Epoch));
        Assert.Contains(logged, m => m.Contains("epoch 2"));

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        options.CancellationToken = cts.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Forecasting.PrunedLstm(options).Fit(data));
    }

    [Fact]
    public void IntervalColumnsCanBeNamedAndKeepTheirNamesThroughSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(300));
        PrunedLstmOptions Options(string? lower, string? upper) => new()
        {
            LabelColumnName = "Value", Lookback = 12, Horizon = 2, MaxEpochs = 3, HiddenSize = 8, Seed = 3,
            LowerBoundColumnName = lower, UpperBoundColumnName = upper,
        };
        using var byDefault = ml.Forecasting.PrunedLstm(Options(null, null)).Fit(data);
        using var named = ml.Forecasting.PrunedLstm(Options("Low90", "High90")).Fit(data);
        var scored = named.Transform(data);
        Assert.NotNull(scored.Schema.GetColumnOrNull("Low90"));
        Assert.NotNull(scored.Schema.GetColumnOrNull("High90"));
        Assert.Null(scored.Schema.GetColumnOrNull("ForecastLower"));
        Assert.Equal(ForecastingTestData.ReadVectors(byDefault.Transform(data), "ForecastLower"), ForecastingTestData.ReadVectors(scored, "Low90"));

        string path = Path.Combine(_dir, "named-intervals.zip");
        ml.Model.SaveAtomically(named, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(ForecastingTestData.ReadVectors(scored, "High90"), ForecastingTestData.ReadVectors(loaded.Transform(data), "High90"));

        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedLstm(Options("Forecast", null)).Fit(data));
        Assert.Contains("LowerBoundColumnName", e.Message);
    }

    [Fact]
    public void CancelExecutionOfTheMLContextStopsAFitInProgress()
    {
        // ML.NET's own cancellation (mlContext.CancelExecution, Host.CheckAlive), not only Options.CancellationToken.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(3000));
        var reports = new List<EpochReport>();
        var options = new PrunedLstmOptions
        {
            LabelColumnName = "Value", Lookback = 24, MaxEpochs = 500, HiddenSize = 16, Patience = 0, Confidence = null,
            Progress = new Sync(reports, onReport: r => { if (r.Epoch == 0) ml.CancelExecution(); }),
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Forecasting.PrunedLstm(options).Fit(data));
        Assert.True(reports.Count < 50, $"the fit ran {reports.Count} epochs after CancelExecution");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }

    [Fact]
    public void MonteCarloDropoutForecastsAreDeterministicAndDifferFromSingleSample()
    {
        var ml = new MLContext(seed: 4);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(300));
        var o = new PrunedLstmOptions { LabelColumnName = "Value", Lookback = 12, MaxEpochs = 2, HiddenSize = 8, Regularization = Regularization.MonteCarloDropout, MonteCarloSamples = 8 };
        var model = ml.Forecasting.PrunedLstm(o).Fit(data);
        var a = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");
        var b = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");
        Assert.True(ForecastingTestData.BitIdentical(a, b));
        Assert.Equal(Regularization.MonteCarloDropout, model.Info.Regularization);
    }

    [Fact]
    public void PatchTstPruneNormGainsPrunesTheBatchNormGainsToo()
    {
        var ml = new MLContext(seed: 2);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(300));
        var o = new PrunedPatchTstOptions
        {
            LabelColumnName = "Value", Lookback = 16, Horizon = 2, MaxEpochs = 2, WarmupEpochs = 1, ModelDimension = 8, NumberOfHeads = 2,
            NumberOfLayers = 1, FeedForwardSize = 16, PruneNormGains = true, Confidence = null,
        };
        using var model = ml.Forecasting.PrunedPatchTst(o).Fit(data);
        var gains = model.LayerSparsity.Where(t => t.Name.EndsWith("_norm.weight", StringComparison.Ordinal)).Select(t => t.Name).ToArray();
        Assert.Equal(new[] { "encoder.0.attention_norm.weight", "encoder.0.feed_forward_norm.weight" }, gains);
        Assert.True(model.GlobalSparsity >= 0.3 - 1e-9);
    }

    [Fact]
    public void PatchTstAttentionAndHeadDropoutOptionsReachTheArchitecture()
    {
        var o = new PrunedPatchTstOptions { AttentionDropout = 0.125, HeadDropout = 0.25, Regularization = Regularization.Dropout, DropoutRate = 0.3 };
        var spec = PrunedForecastingEstimator.BuildSpec(o);
        Assert.Equal((0.125, 0.25), (spec.AttentionDropout, spec.HeadDropout));
        Assert.Equal(0.3, spec.DropoutRate);
        var defaults = PrunedForecastingEstimator.BuildSpec(new PrunedPatchTstOptions());
        Assert.Equal((0.0, 0.0), (defaults.AttentionDropout, defaults.HeadDropout));
    }

    [Fact]
    public void MonteCarloSpreadIntervalsBracketTheMeanSurviveSaveLoadAndNeedMcDropout()
    {
        var ml = new MLContext(seed: 6);
        var data = ml.Data.LoadFromEnumerable(ForecastingTestData.NoisySine(300));
        var o = new PrunedLstmOptions
        {
            LabelColumnName = "Value", Lookback = 12, Horizon = 2, MaxEpochs = 2, HiddenSize = 8, Regularization = Regularization.MonteCarloDropout,
            MonteCarloSamples = 20, Confidence = 0.8f, IntervalMethod = PredictionIntervalMethod.MonteCarloSpread,
        };
        var model = ml.Forecasting.PrunedLstm(o).Fit(data);
        Assert.Equal(PredictionIntervalMethod.MonteCarloSpread, model.Info.IntervalMethod);
        Assert.Null(model.Info.IntervalHalfWidths);
        var scored = model.Transform(data);
        var point = ForecastingTestData.ReadVectors(scored, "Forecast");
        var lower = ForecastingTestData.ReadVectors(scored, "ForecastLower");
        var upper = ForecastingTestData.ReadVectors(scored, "ForecastUpper");
        int wider = 0;
        for (int t = 11; t < 300; t++)
            for (int h = 0; h < 2; h++)
            {
                Assert.True(lower[t][h] <= upper[t][h], $"row {t} step {h}");
                if (upper[t][h] > lower[t][h]) wider++;
            }
        Assert.True(wider > 500, "dropout samples must spread");

        string path = Path.Combine(_dir, "mc.zip");
        ml.Model.SaveAtomically(model, data.Schema, path);
        var reloaded = new MLContext().Model.Load(path, out _).Transform(data);
        Assert.True(ForecastingTestData.BitIdentical(point, ForecastingTestData.ReadVectors(reloaded, "Forecast")));
        Assert.True(ForecastingTestData.BitIdentical(upper, ForecastingTestData.ReadVectors(reloaded, "ForecastUpper")));

        o.Regularization = Regularization.Dropout;
        Assert.Contains("IntervalMethod", Assert.ThrowsAny<ArgumentException>(() => ml.Forecasting.PrunedLstm(o)).Message);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException) yield return x;
    }

    private sealed class Sync(List<EpochReport> sink, Action<EpochReport>? onReport = null) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            sink.Add(value);
            onReport?.Invoke(value);
        }
    }
}
