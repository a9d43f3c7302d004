using Microsoft.ML;
using Microsoft.ML.SynapticPruning.MLNet;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Samples.Commands;

/// <summary>
/// <c>trial-worker</c>: the worker process of <see cref="ProcessTrialScheduler"/> (started by <c>sweep --parallel N</c>).
/// Reads one trial request (JSON line) from stdin, runs it by rolling-origin CV on the first --rows rows of --data, and
/// prints the result JSON as the last stdout line. The runner refuses a trial whose data reference (series bytes +
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

        var (values, column, _, name) = SweepData.Load(data, target);
        var ml = new MLContext(seed: 0);
        var view = SweepData.ToDataView(ml, values, column, Math.Min(rows, values.Length));
        options.LabelColumnName = column;
        using var runner = new ForecastingTrialRunner(ml, view, options, name);
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        return TrialWorker.Run(runner, Console.In, Console.Out, Console.Error, cts.Token);
    }
}
