using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;
using SynapticPruning.Study.Data;

namespace Samples.Commands;

/// <summary>One day of the bundled Bitcoin file (CoinMarketCap export).</summary>
public sealed class BitcoinRow
{
    /// <summary>Day (ISO-8601 text).</summary>
    [LoadColumn(0)] public string TimeOpen { get; set; } = "";
    /// <summary>Opening price.</summary>
    [LoadColumn(1)] public float Open { get; set; }
    /// <summary>Daily high.</summary>
    [LoadColumn(2)] public float High { get; set; }
    /// <summary>Daily low.</summary>
    [LoadColumn(3)] public float Low { get; set; }
    /// <summary>Closing price (the target).</summary>
    [LoadColumn(4)] public float Close { get; set; }
    /// <summary>Traded volume.</summary>
    [LoadColumn(5)] public float Volume { get; set; }
}

/// <summary>
/// The README's quick example: a pruned LSTM on the bundled Bitcoin data through the ML.NET API — fit on the first 80%,
/// forecast 7 days ahead over the whole series, score the last 20% against the naive forecast, save and reload the .zip,
/// and forecast the next week with a forecast engine.
/// </summary>
internal static class DemoCommand
{
    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        int epochs = cl.Int("epochs", 20);
        int lookback = cl.Int("lookback", 30);
        int horizon = cl.Int("horizon", 7);
        string outPath = cl.String("out", Path.Combine(Path.GetTempPath(), "synaptic-pruning-demo.zip"));
        cl.RejectUnknown();

        string csv = Path.Combine(BundledDatasets.FindDataRoot(), "bitcoin", "bitcoin.csv");
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<BitcoinRow>(csv, separatorChar: ',', hasHeader: true);
        int rows = (int)data.GetRowCount().GetValueOrDefault(ml.Data.CreateEnumerable<BitcoinRow>(data, reuseRowObject: false).Count());
        int testStart = (int)(rows * 0.8);
        IDataView train = ml.Data.TakeRows(data, testStart);

        var pipeline = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            LabelColumnName = nameof(BitcoinRow.Close),
            Lookback = lookback,
            Horizon = horizon,
            OutputColumnName = "Forecast",
            Regularization = Regularization.SynapticPruning,
            InitialSparsity = 0.3,
            FinalSparsity = 0.7,
            MaxEpochs = epochs,
            Normalization = InstanceNormalization.WindowLast,
            SeasonalPeriod = 7,
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        Console.WriteLine($"Trained a pruned LSTM on {testStart} days in {watch.Elapsed.TotalSeconds:F1} s ({model.Info.EpochsRun} epochs, best epoch {model.Info.BestEpoch}).");

        IDataView scored = model.Transform(data);
        var metrics = ml.Forecasting.Evaluate(scored, "Close", "Forecast", firstScoredRow: testStart);
        var naive = NaiveMae(ml, data, testStart, horizon);
        Console.WriteLine($"Test (last {rows - testStart} days, {metrics.WindowCount} windows, horizon {horizon}):");
        Console.WriteLine($"  pruned LSTM  MAE {metrics.Mae,10:F1}   RMSE {metrics.Rmse,10:F1}   MASE {metrics.Mase:F3}");
        Console.WriteLine($"  naive        MAE {naive,10:F1}   (last value repeated)");
        Console.WriteLine($"  ratio to naive: {metrics.Mae / naive:F3} (below 1 beats the naive forecast)");
        Console.WriteLine($"Final global sparsity: {model.GlobalSparsity:P1}");
        foreach (var layer in model.LayerSparsity) Console.WriteLine($"  {layer.Name,-24} {layer.Sparsity,7:P1} of {layer.Total} weights");

        ml.Model.SaveAtomically(model, data.Schema, outPath);
        Console.WriteLine($"Saved {outPath} ({new FileInfo(outPath).Length / 1024.0:F1} KiB).");
        var loaded = new MLContext().Model.Load(outPath, out _);
        var engine = loaded.CreateForecastEngine<BitcoinRow>(ml);
        engine.Update(ml.Data.CreateEnumerable<BitcoinRow>(data, reuseRowObject: false));
        var next = engine.Predict();
        Console.WriteLine("Next 7 days' close from the reloaded model: " + string.Join(", ", next.Forecast.Select(v => v.ToString("F0"))));
        if (next.Lower is not null)
            Console.WriteLine($"  {model.Info.Confidence:P0} interval for day 1: [{next.Lower[0]:F0}, {next.Upper![0]:F0}]");
        return 0;
    }

    private static double NaiveMae(MLContext ml, IDataView data, int testStart, int horizon)
    {
        var close = ml.Data.CreateEnumerable<BitcoinRow>(data, reuseRowObject: false).Select(r => r.Close).ToArray();
        double sum = 0; long n = 0;
        for (int t = testStart - 1; t + horizon < close.Length; t++)
            for (int h = 1; h <= horizon; h++) { sum += Math.Abs(close[t + h] - close[t]); n++; }
        return sum / n;
    }
}
