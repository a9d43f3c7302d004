using Microsoft.ML;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Samples.Commands;

/// <summary>
/// <c>trial-worker</c>: a long-lived worker process of <see cref="ProcessTrialScheduler"/> (started by <c>sweep</c>, parallel
/// by default). Reads trial requests (one JSON line each) from stdin, runs each by rolling-origin CV on the first --rows rows
/// of --data, and answers each with one result line, until stdin ends. The runner refuses a trial whose data reference (series bytes +
/// protocol SHA-256) differs from what this worker loaded.
/// </summary>
internal static class TrialWorkerCommand
{
    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        string data = cl.String("data") ?? throw new ArgumentException("--data is required (a bundled dataset name or a CSV path).");
        string? target = cl.String("target");
        int rows = cl.Int("rows", int.MaxValue);
        var options = SweepCommand.ProtocolOptions(cl, defaultSeason: 1);
        cl.RejectUnknown();

        var series = SweepData.Load(data, target, options.MissingValues, options.MaxInterpolatedGap);
        var (values, column, name) = (series.Values, series.Target, series.Name);
        var ml = new MLContext(seed: 0);
        var view = SweepData.ToDataView(ml, values, column, Math.Min(rows, values.Length));
        options.LabelColumnName = column;
        using var runner = new ForecastingTrialRunner(ml, view, options, name);
        // stdout carries the protocol only; anything else printed goes to stderr.
        var protocol = Console.Out;
        Console.SetOut(Console.Error);
        // The terminal sends Ctrl+C to the whole process group; the parent decides what to stop (it kills its workers).
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        return TrialWorker.Run(runner, Console.In, protocol, Console.Error, $"data {runner.Data.Sha256}");
    }
}
