using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Runtime;
using SynapticPruning.Study.Data;

namespace SynapticPruning.Bench;

/// <summary>
/// Figure 9: what the oneDNN ISA guard (<c>ONEDNN_MAX_CPU_ISA=AVX2</c>, set by the library) costs users. oneDNN reads the
/// cap once per process, so each side runs in its own child process (this executable, command <c>guardchild</c>): the
/// library's default (guard on) and <c>ONEDNN_MAX_CPU_ISA=ALL</c> (guard off), alternated A/B, B/A. Each child times the real
/// path: <c>PrunedLstm</c> fit with the library's defaults (paper hyper-parameters, pruning 0.3→0.7, validation, conformal
/// calibration) on the bundled Bitcoin series (L 30, H 7, window-last normalisation), then <c>Transform</c> of all 365 rows
/// read through a cursor (repeated 50 times).
/// </summary>
internal static class GuardFigure
{
    private static readonly int[] HiddenSizes = { 16, 64 };

    public static void Cost(Report report, bool quick)
    {
        int rounds = quick ? 2 : 6;
        foreach (int hidden in HiddenSizes)
        {
            var fitOn = new List<double>(); var fitOff = new List<double>();
            var scoreOn = new List<double>(); var scoreOff = new List<double>();
            string statusOff = "";
            for (int r = 0; r < rounds; r++)
            {
                foreach (bool guard in r % 2 == 0 ? new[] { true, false } : new[] { false, true })
                {
                    var (fit, score, status) = RunChild(hidden, guard);
                    (guard ? fitOn : fitOff).Add(fit);
                    (guard ? scoreOn : scoreOff).Add(score);
                    if (!guard) statusOff = status;
                }
            }
            var fitRatios = Interleave.Ratios(fitOn, fitOff);
            var scoreRatios = Interleave.Ratios(scoreOn, scoreOff);
            string setting = "1 thread (library default) / " + Machine.OmpWaitPolicy;
            report.Add(new Row("9", $"Guard cost: PrunedLstm fit (defaults, Bitcoin, h{hidden}) with the ISA cap ÷ without",
                Report.Ratio(Stats.Median(fitRatios)), Report.CiText(Stats.MedianCi(fitRatios), fitRatios.Count), "—", setting,
                FormattableString.Invariant($"median fit {Stats.Median(fitOn):0.00} s vs {Stats.Median(fitOff):0.00} s; child processes A/B alternated; without the cap the kernel check said {statusOff}")));
            report.Add(new Row("9", $"Guard cost: Transform of 365 rows (h{hidden}) with the ISA cap ÷ without",
                Report.Ratio(Stats.Median(scoreRatios)), Report.CiText(Stats.MedianCi(scoreRatios), scoreRatios.Count), "—", setting,
                FormattableString.Invariant($"median {Stats.Median(scoreOn) * 1000:0.00} ms vs {Stats.Median(scoreOff) * 1000:0.00} ms per pass over the series (2 blocks of ≤ 256 windows)")));
        }
    }

    private static (double Fit, double Score, string Status) RunChild(int hidden, bool guard)
    {
        var (exitCode, output) = ChildProcess.Run(new[] { "guardchild", hidden.ToString(CultureInfo.InvariantCulture) }, psi =>
        {
            psi.Environment.Remove("DNNL_MAX_CPU_ISA");
            if (guard) psi.Environment.Remove("ONEDNN_MAX_CPU_ISA");
            else psi.Environment["ONEDNN_MAX_CPU_ISA"] = "ALL";
        });
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("GUARD ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"guardchild failed ({exitCode}): {output}");
        var f = line.Split(' ');
        return (double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture), $"{f[3]} (ISA {f[4]})");
    }

    private sealed class CloseRow
    {
        [LoadColumn(4)] public float Close { get; set; }
    }

    /// <summary>The child: <c>guardchild &lt;hidden&gt;</c>; prints "GUARD fitSeconds transformSeconds kernelStatus isaCap".</summary>
    public static int Child(string[] args)
    {
        int hidden = int.Parse(args[0], CultureInfo.InvariantCulture);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile<CloseRow>(Path.Combine(BundledDatasets.FindDataRoot(), "bitcoin", "bitcoin.csv"), separatorChar: ',', hasHeader: true);
        var options = new PrunedLstmOptions
        {
            LabelColumnName = "Close", Lookback = 30, Horizon = 7, HiddenSize = hidden, Normalization = InstanceNormalization.WindowLast,
            Regularization = Regularization.SynapticPruning,
        };
        var watch = Stopwatch.StartNew();
        using var model = ml.Forecasting.PrunedLstm(options).Fit(ml.Data.TakeRows(data, 292));
        double fit = watch.Elapsed.TotalSeconds;
        Score(model, data); // warm-up
        const int passes = 50;
        watch.Restart();
        for (int i = 0; i < passes; i++) Score(model, data);
        double score = watch.Elapsed.TotalSeconds / passes;
        Console.WriteLine(FormattableString.Invariant($"GUARD {fit:0.0000} {score:0.000000} {RecurrentKernelCheck.Status} {NativeRuntime.NativeOneDnnMaxCpuIsa ?? "unset"}"));
        return 0;
    }

    private static void Score(ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        var column = scored.Schema["Forecast"];
        using var cursor = scored.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext()) getter(ref buffer);
    }
}
