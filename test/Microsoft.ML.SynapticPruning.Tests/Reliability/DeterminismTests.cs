using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Reliability;

/// <summary>Same seed → same bits; one loaded model forecasts identically on many threads; cancellation is prompt and clean.</summary>
[Collection("Torch")]
public sealed class DeterminismTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-determinism-").FullName;
    private readonly SeriesRow[] _rows = ForecastingTestData.NoisySine(200);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PrunedLstmOptions Lstm(int seed, Regularization regularization = Regularization.SynapticPruning) => new()
    {
        LabelColumnName = "Value", FeatureColumnNames = new[] { "Other" }, Lookback = 8, Horizon = 2, HiddenSize = 6, MaxEpochs = 3,
        WarmupEpochs = 1, BatchSize = 16, Seed = seed, Regularization = regularization, MonteCarloSamples = 5, PruningInterval = 2,
    };

    private PrunedForecastingTransformer Fit(PrunedLstmOptions options)
    {
        var ml = new MLContext(seed: 99);
        return ml.Forecasting.PrunedLstm(options).Fit(ml.Data.LoadFromEnumerable(_rows));
    }

    private float[][] Forecast(ITransformer model, string column = "Forecast")
        => ForecastingTestData.ReadVectors(model.Transform(new MLContext().Data.LoadFromEnumerable(_rows)), column);

    private ForecastMetrics Metrics(ITransformer model)
    {
        var ml = new MLContext();
        return ml.Forecasting.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(_rows)), "Value", firstScoredRow: 150);
    }

    /// <summary>Every payload entry but model.json (which records wall-clock training time) as bytes.</summary>
    private static Dictionary<string, byte[]> WeightBytes(PrunedForecastingTransformer model)
    {
        var payload = ForecastingModelSerializer.Write(model.Model);
        return payload.EntryNames.Where(n => n != "model.json").ToDictionary(n => n, n => payload.Get(n).ToArray());
    }

    /// <summary>
    /// A network built on another thread (as a model load does) while a fit sits between its seeding and its own network
    /// must wait: otherwise it draws from libtorch's global generator and changes the fit's initial weights. The fit's
    /// factory provokes exactly that race and gives the other creation half a second; the fit must still give the serial bits.
    /// </summary>
    [Fact]
    public void ConcurrentFitsAndLoadsGiveTheSameBitsAsSerialOnes()
    {
        var spec = new Microsoft.ML.SynapticPruning.Models.ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 8, HiddenSize = 6 };
        var data = TimeSeriesData.Univariate(Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData.NoisySine(200));
        var options = new TrainingOptions { MaxEpochs = 2, Seed = 3, Regularization = Regularization.None };
        var trainer = new ForecastTrainer();
        float[] Weights(TrainedForecaster f) => f.Module.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

        float[] serial;
        using (var f = trainer.Fit(() => Microsoft.ML.SynapticPruning.Models.ForecasterFactory.Create(spec), data, null, options)) serial = Weights(f);

        bool otherFinishedInside = true;
        using (var f = trainer.Fit(() =>
        {
            // Seeded already: a creation elsewhere now would consume the generator this network is about to use.
            var other = Task.Run(() => { using var m = Microsoft.ML.SynapticPruning.Models.ForecasterFactory.Create(spec with { HiddenSize = 32 }); });
            otherFinishedInside = other.Wait(TimeSpan.FromMilliseconds(500));
            return Microsoft.ML.SynapticPruning.Models.ForecasterFactory.Create(spec);
        }, data, null, options))
        {
            Assert.False(otherFinishedInside, "the other creation must wait for the fit's seeding and network");
            Assert.Equal(serial, Weights(f));
        }

        // A second fit started while the first runs waits for it: its first epoch comes after the first fit has ended.
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Task? second = null;
        using (trainer.Fit(() => Microsoft.ML.SynapticPruning.Models.ForecasterFactory.Create(spec), data, null, options, new Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData.SyncProgress(r =>
        {
            events.Enqueue($"A{r.Epoch}");
            if (r.Epoch == 0)
            {
                second = Task.Run(() =>
                {
                    using var b = trainer.Fit(() => Microsoft.ML.SynapticPruning.Models.ForecasterFactory.Create(spec), data, null, options,
                        new Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData.SyncProgress(rb => events.Enqueue($"B{rb.Epoch}")));
                });
                second.Wait(TimeSpan.FromMilliseconds(1500)); // B would finish well within this if it did not wait
            }
        })))
        {
        }
        second!.Wait();
        Assert.Equal(new[] { "A0", "A1", "B0", "B1" }, events.ToArray());
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsForecastsAndMetricsAcrossFitsAndASaveLoad()
    {
        using var a = Fit(Lstm(seed: 7));
        using var b = Fit(Lstm(seed: 7));
        var wa = WeightBytes(a);
        var wb = WeightBytes(b);
        Assert.Equal(wa.Keys, wb.Keys);
        Assert.All(wa, kv => Assert.Equal(kv.Value, wb[kv.Key]));
        Assert.Equal(a.LayerSparsity, b.LayerSparsity);
        Assert.True(a.GlobalSparsity > 0);
        Assert.Equal(a.TrainingHistory.Select(r => (r.TrainLoss, r.ValidationLoss)), b.TrainingHistory.Select(r => (r.TrainLoss, r.ValidationLoss)));
        Assert.Equal(a.Info.IntervalHalfWidths, b.Info.IntervalHalfWidths);
        var fa = Forecast(a);
        Assert.True(ForecastingTestData.BitIdentical(fa, Forecast(b)));
        var ma = Metrics(a);
        Assert.Equal((ma.Mae, ma.Rmse, ma.Smape, ma.Mase), (Metrics(b).Mae, Metrics(b).Rmse, Metrics(b).Smape, Metrics(b).Mase));

        string path = Path.Combine(_dir, "a.zip");
        var ml = new MLContext();
        ml.Model.SaveAtomically(a, ml.Data.LoadFromEnumerable(_rows).Schema, path);
        using var loaded = (PrunedForecastingTransformer)ml.Model.LoadForecaster(path, out _);
        Assert.All(wa, kv => Assert.Equal(kv.Value, WeightBytes(loaded)[kv.Key]));
        Assert.Equal(a.LayerSparsity, loaded.LayerSparsity);
        Assert.True(ForecastingTestData.BitIdentical(fa, Forecast(loaded)));
        var ml2 = Metrics(loaded);
        Assert.Equal((ma.Mae, ma.Rmse, ma.Smape, ma.Mase), (ml2.Mae, ml2.Rmse, ml2.Smape, ml2.Mase));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWeightsAndForecasts()
    {
        using var a = Fit(Lstm(seed: 7));
        using var b = Fit(Lstm(seed: 8));
        var wa = WeightBytes(a);
        var wb = WeightBytes(b);
        Assert.Contains(wa.Keys.Where(k => k.StartsWith("param/", StringComparison.Ordinal)), k => !wa[k].AsSpan().SequenceEqual(wb[k]));
        Assert.False(ForecastingTestData.BitIdentical(Forecast(a), Forecast(b)));
    }

    [Theory]
    [InlineData(Regularization.SynapticPruning)]
    [InlineData(Regularization.MonteCarloDropout)]
    public void OneLoadedModelForecastsIdenticallyOnFourThreadsAtOnce(Regularization regularization)
    {
        using var trained = Fit(Lstm(seed: 3, regularization));
        string path = Path.Combine(_dir, $"{regularization}.zip");
        var ml = new MLContext();
        ml.Model.SaveAtomically(trained, ml.Data.LoadFromEnumerable(_rows).Schema, path);
        using var model = (PrunedForecastingTransformer)ml.Model.LoadForecaster(path, out _);
        var sequential = Forecast(model);
        var sequentialUpper = Forecast(model, "ForecastUpper");
        Assert.Equal(Forecast(trained), sequential, ForecastComparer);

        const int threads = 4, rounds = 3;
        using var start = new Barrier(threads);
        var results = new (float[][] Point, float[][] Upper)[threads * rounds];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int r = 0; r < rounds; r++)
                results[t * rounds + r] = (Forecast(model), Forecast(model, "ForecastUpper")); // own Transform + own cursor
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => Assert.True(w.Join(TimeSpan.FromSeconds(60))));
        Assert.All(results, r =>
        {
            Assert.True(ForecastingTestData.BitIdentical(sequential, r.Point));
            Assert.True(ForecastingTestData.BitIdentical(sequentialUpper, r.Upper));
        });

        // Separately: each thread its own forecast engine over the same model.
        var engineExpected = Enumerable.Range(150, 50).Select(i => sequential[i]).ToArray();
        var engineResults = new float[threads][][];
        using var go = new Barrier(threads);
        var engines = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var engine = model.CreateForecastEngine<SeriesRow>(new MLContext());
            engine.Update(_rows.Take(150));
            go.SignalAndWait();
            var got = new float[50][];
            for (int i = 150; i < 200; i++)
            {
                engine.Update(_rows[i]);
                got[i - 150] = engine.Predict().Forecast;
            }
            engineResults[t] = got;
        })).ToList();
        engines.ForEach(w => w.Start());
        engines.ForEach(w => Assert.True(w.Join(TimeSpan.FromSeconds(60))));
        // Every engine gives the same bits as the others (one window per call on every thread) ...
        Assert.All(engineResults, r => Assert.True(ForecastingTestData.BitIdentical(engineResults[0], r)));
        // ... and the engine's row after Update(rows[0..i]) is row i: the transformer's forecast at row i, which the transformer
        // computes inside a block of rows, so the two agree up to GEMM re-association (bitwise for MC dropout, whose samples
        // run one window at a time in both).
        for (int i = 0; i < engineExpected.Length; i++)
        {
            if (regularization == Regularization.MonteCarloDropout) Assert.Equal(engineExpected[i], engineResults[0][i]);
            else FloatTolerance.AssertClose(engineExpected[i], engineResults[0][i], scale: 10);
        }
    }

    private static readonly IEqualityComparer<float[][]> ForecastComparer =
        EqualityComparer<float[][]>.Create((x, y) => ForecastingTestData.BitIdentical(x!, y!), _ => 0);

    [Fact]
    public void CancellingFromTheProgressCallbackStopsBeforeTheNextEpochAndReturnsNothing()
    {
        using var cts = new CancellationTokenSource();
        var reports = new List<EpochReport>();
        var options = Lstm(seed: 1);
        options.MaxEpochs = 20; options.Patience = 0;
        options.Progress = new CancelOnFirstReport(reports, cts);
        options.CancellationToken = cts.Token;
        int threads = torch.get_num_threads();
        var ml = new MLContext(seed: 1);
        var estimator = ml.Forecasting.PrunedLstm(options);
        PrunedForecastingTransformer? model = null;
        Assert.ThrowsAny<OperationCanceledException>(() => model = estimator.Fit(ml.Data.LoadFromEnumerable(_rows)));
        Assert.Null(model);
        Assert.Equal(new[] { 0 }, reports.Select(r => r.Epoch)); // epoch 1 never completed
        Assert.Equal(threads, torch.get_num_threads());            // the fit restored the process-wide thread count
    }

    [Fact]
    public void CancellingFromATimerStopsWithinABatch()
    {
        var rows = ForecastingTestData.NoisySine(600);
        var options = Lstm(seed: 1);
        options.HiddenSize = 32; options.MaxEpochs = 10_000; options.Patience = 0; options.WarmupEpochs = 0; options.BatchSize = 8;
        var reports = new List<EpochReport>();
        options.Progress = new Sync(reports);
        using var cts = new CancellationTokenSource();
        options.CancellationToken = cts.Token;
        var clock = Stopwatch.StartNew();
        TimeSpan cancelledAt = default;
        cts.Token.Register(() => cancelledAt = clock.Elapsed);
        cts.CancelAfter(TimeSpan.FromMilliseconds(800));
        var ml = new MLContext(seed: 1);
        PrunedForecastingTransformer? model = null;
        Assert.ThrowsAny<OperationCanceledException>(() => model = ml.Forecasting.PrunedLstm(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        var stoppedAfter = clock.Elapsed - cancelledAt;
        Assert.Null(model);
        Assert.True(reports.Count < 10_000 - 1, "training was still running when cancelled");
        // One batch of 8 windows takes a few milliseconds; allow generous slack for a loaded CI machine.
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(1), $"the fit stopped {stoppedAfter.TotalMilliseconds:F0} ms after cancellation");
    }

    private sealed class Sync(List<EpochReport> sink) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) { lock (sink) sink.Add(value); }
    }

    private sealed class CancelOnFirstReport(List<EpochReport> sink, CancellationTokenSource cts) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            sink.Add(value);
            cts.Cancel();
        }
    }
}
