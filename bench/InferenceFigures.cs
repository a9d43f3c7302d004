using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

/// <summary>Figure 4: forecasts/s through the ML.NET transformer over an IDataView vs the bare module forward.</summary>
internal static class InferenceFigures
{
    private sealed class SeriesRow
    {
        public float Value { get; set; }
    }

    public static void Throughput(Report report, bool quick)
    {
        const int threads = 1, batch = 256;
        int rows = quick ? 20_000 : 30_000;
        var values = BenchData.Synthetic(rows);
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(values.Select(v => new SeriesRow { Value = v }).ToArray());
        var train = ml.Data.TakeRows(view, 3_000);
        using var transformer = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            LabelColumnName = nameof(SeriesRow.Value), Lookback = 30, Horizon = 1, HiddenSize = 64, MaxEpochs = 3, WarmupEpochs = 1,
            NumberOfThreads = threads, Seed = 1,
        }).Fit(train);
        torch.set_num_threads(threads);

        var spec = transformer.Spec;
        torch.manual_seed(1);
        using var module = ForecasterFactory.Create(spec);
        module.eval();
        int windows = rows - spec.Lookback + 1;
        using var series = torch.tensor(values, new long[] { rows, 1 });
        using var x = series.unfold(0, spec.Lookback, 1).transpose(1, 2).contiguous(); // (W, L, 1), built once
        var output = new float[batch * spec.Horizon];

        double Transformer()
        {
            var watch = Stopwatch.StartNew();
            var scored = transformer.Transform(view);
            using var cursor = scored.GetRowCursor(new[] { scored.Schema["Forecast"] });
            var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Forecast"]);
            VBuffer<float> forecast = default;
            long n = 0;
            while (cursor.MoveNext()) { getter(ref forecast); n++; }
            // Rows with fewer than L rows of history get NaN without running the network: count the real forecasts.
            return windows / watch.Elapsed.TotalSeconds;
        }

        double Bare()
        {
            var watch = Stopwatch.StartNew();
            using (torch.no_grad())
            {
                for (int start = 0; start < windows; start += batch)
                {
                    int count = Math.Min(batch, windows - start);
                    using var scope = torch.NewDisposeScope();
                    var y = module.Forward(x.narrow(0, start, count), ForwardContext.Inference).contiguous();
                    MemoryMarshal.Cast<byte, float>(y.bytes).CopyTo(output);
                }
            }
            return windows / watch.Elapsed.TotalSeconds;
        }

        var (a, b) = Interleave.Run(quick ? 8 : 16, Transformer, Bare);
        var ratios = Interleave.Ratios(a, b);
        report.Add(new Row("4", "Inference: forecasts/s, ML.NET transformer over IDataView ÷ bare module forward (LSTM h64 L30, batch 256)",
            Report.Ratio(Stats.Median(ratios)), Report.CiText(Stats.MedianCi(ratios), ratios.Count), "≥ 0.8",
            $"{threads} / {Machine.OmpWaitPolicy}",
            $"{windows:N0} forecasts a block; transformer {Stats.Median(a):N0}/s (LoadFromEnumerable view, cursor reads Forecast, scaler + 90 % interval included), " +
            $"bare {Stats.Median(b):N0}/s (pre-built window tensor, no_grad forward, output copied to a float[])"));
    }
}
