using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Runtime;

namespace Samples.Commands;

/// <summary>
/// Resource soak: repeats fit → save → load → forecast on a tiny LSTM (lookback 8, hidden 4, 1 epoch, 150 rows of a
/// noisy sine) and prints the resident set size (Linux VmRSS, after a full GC and <c>malloc_trim</c>) at checkpoints.
/// The 200-iteration version runs in the tests (ResourceTests); this is the long one: <c>soak --iterations 1000</c>.
/// Exit code 1 when RSS grew more than <c>--max-growth-mb</c> (default 60) between the first checkpoint after warm-up
/// (iteration 50) and the end.
/// </summary>
public static class SoakCommand
{
    private sealed class Row
    {
        public float Value { get; set; }
    }

    /// <summary>Runs the soak command.</summary>
    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        int iterations = cl.Int("iterations", 1000);
        int every = cl.Int("every", 100);
        double maxGrowth = cl.Double("max-growth-mb", 60);
        cl.RejectUnknown();
        if (iterations < 50) throw new ArgumentException("--iterations must be at least 50 (RSS is compared from iteration 50 on).");
        if (every < 1) throw new ArgumentException("--every must be at least 1.");

        var values = Enumerable.Range(0, 150).Select(i => (float)(10 + Math.Sin(2 * Math.PI * i / 24.0) + 0.1 * Math.Cos(i * 1.7))).ToArray();
        var clock = Stopwatch.StartNew();
        double? baseline = null;
        double last = double.NaN;
        Console.WriteLine($"soak: {iterations} × (fit tiny LSTM, save, load, forecast 150 rows); RSS after GC + malloc_trim");
        Console.WriteLine($"{"iteration",10} {"RSS MB",8} {"seconds",8}");
        for (int i = 1; i <= iterations; i++)
        {
            float f = Cycle(values, i);
            if (!float.IsFinite(f)) throw new InvalidOperationException($"Iteration {i} produced a non-finite forecast ({f}).");
            if (i == 1 || i == 50 || i % every == 0 || i == iterations)
            {
                last = NativeRuntime.ResidentMemoryMegabytes();
                if (i == 50) baseline = last;
                Console.WriteLine($"{i,10} {last,8:F1} {clock.Elapsed.TotalSeconds,8:F1}");
            }
        }
        if (double.IsNaN(last))
        {
            Console.WriteLine("RSS is only measured on Linux (/proc/self/status); no bound checked.");
            return 0;
        }
        double growth = last - baseline!.Value;
        Console.WriteLine($"growth from iteration 50 to {iterations}: {growth:+0.0;-0.0} MB (bound {maxGrowth} MB), {clock.Elapsed.TotalSeconds / iterations * 1000:F0} ms per iteration");
        return growth < maxGrowth ? 0 : 1;
    }

    /// <summary>
    /// One soak cycle (also the CI resource test's): fit a tiny pruned LSTM (lookback 8, hidden 4, 1 epoch) on
    /// <paramref name="values"/>, save it to memory, load it and forecast every row; returns the last row's forecast.
    /// </summary>
    public static float Cycle(float[] values, int seed)
    {
        var ml = new MLContext(seed: seed);
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new Row { Value = v }).ToArray());
        using var model = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            LabelColumnName = "Value", Lookback = 8, Horizon = 1, HiddenSize = 4, MaxEpochs = 1, WarmupEpochs = 0, BatchSize = 32, Seed = seed,
        }).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        using var loaded = (PrunedForecastingTransformer)ml.Model.Load(stream, out _);
        var scored = loaded.Transform(data);
        var column = scored.Schema["Forecast"];
        float lastValue = float.NaN;
        using (var cursor = scored.GetRowCursor(new[] { column }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                lastValue = buffer.GetValues()[0];
            }
        }
        return lastValue;
    }
}
