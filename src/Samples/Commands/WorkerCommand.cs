using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.ML.SynapticPruning.Orleans;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Samples.Commands;

/// <summary>
/// <c>worker --cluster CONNECTION [--instance I] [--slots N]</c>: runs one Orleans silo that hosts sweep coordinators
/// and a trial worker with N slots running <see cref="SineForecastTrialRunner"/> trials, until stopped (SIGTERM / Ctrl+C).
/// CONNECTION is <c>localhost</c> (instance 0 is the primary) or a Redis endpoint such as <c>127.0.0.1:6379</c>.
/// Silo i listens on 127.0.0.1 only, ports 11111+i (silo) and 30000+i (gateway).
/// </summary>
public static class WorkerCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        string connection = cl.String("cluster") ?? throw new ArgumentException("--cluster is required: 'localhost' or a Redis endpoint such as 127.0.0.1:6379.");
        int instance = cl.Int("instance", 0);
        int slots = cl.Int("slots", 1);
        double probeSeconds = cl.Double("probe-timeout", 2);
        // With --data the node runs real forecasting trials of a `sweep --cluster` on that data and protocol; without it,
        // the small sine trials of `cluster-sweep` (the smoke script).
        string? data = cl.String("data");
        ITrialRunner? forecasting = null;
        if (data is not null)
        {
            string? target = cl.String("target");
            int rows = cl.Int("rows", int.MaxValue);
            var protocol = SweepCommand.ProtocolOptions(cl, defaultSeason: 1);
            var series = SweepData.Load(data, target, protocol.MissingValues, protocol.MaxInterpolatedGap);
            var (values, column, name) = (series.Values, series.Target, series.Name);
            var ml = new Microsoft.ML.MLContext(seed: 0);
            protocol.LabelColumnName = column;
            forecasting = new Microsoft.ML.SynapticPruning.ForecastingTrialRunner(ml, SweepData.ToDataView(ml, values, column, Math.Min(rows, values.Length)), protocol, name);
        }
        cl.RejectUnknown();
        if (instance < 0 || instance > 100)
            throw new ArgumentException($"--instance must be in [0, 100], got {instance}.");
        if (slots < 1 || slots > Environment.ProcessorCount)
            throw new ArgumentException($"--slots must be in [1, {Environment.ProcessorCount}] (the cores of this machine), got {slots}.");
        var parsed = SweepClusterConnection.Parse(connection);

        using var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.ML.SynapticPruning", LogLevel.Information))
            .UseOrleans(silo =>
            {
                silo.UseSweepCluster(parsed, instance);
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    // Declare a dead node within a few seconds (the defaults take tens of seconds).
                    o.ProbeTimeout = TimeSpan.FromSeconds(probeSeconds);
                    o.NumMissedProbesLimit = 2;
                    o.NumVotesForDeathDeclaration = 1;
                });
                silo.AddSweepCoordinator();
                if (forecasting is not null)
                {
                    silo.Services.AddSingleton<ITrialRunner>(forecasting);
                    silo.UseSweepWorker(slots);
                }
                else
                {
                    silo.UseSweepWorker<SineForecastTrialRunner>(slots);
                }
            })
            .Build();
        Console.WriteLine($"worker {instance}: joining {parsed} with {slots} slot(s) (silo port {SweepClusterDefaults.SiloPort + instance}, gateway {SweepClusterDefaults.GatewayPort + instance})");
        host.Run();
        return 0;
    }
}
