using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Runtime;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Xunit;
using Xunit.Abstractions;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>Repeated fit → save → load → forecast cycles do not grow the process (the 1,000-iteration version is <c>Samples soak</c>).</summary>
[Collection("Torch")]
public sealed class ResourceTests
{
    /// <summary>
    /// Allowed RSS growth between iteration 50 and 200. Measured on the 2-core Debian 12 CI machine: +7.9 and +8.2 MB
    /// in two runs (200 cycles in ~10 s; docs/reliability.md), +14 MB over 1,000 cycles with the soak command. A leak
    /// of 0.4 MB per cycle (one small model with its optimizer state) would exceed the bound within the 150 cycles.
    /// </summary>
    private const double MaxGrowthMb = 60;

    private readonly ITestOutputHelper _output;

    public ResourceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void TwoHundredFitForecastCyclesKeepResidentMemoryFlat()
    {
        var values = ForecastingTestData.NoisySine(150).Select(r => r.Value).ToArray();
        var clock = Stopwatch.StartNew();
        double at50 = double.NaN;
        var samples = new List<string>();
        for (int i = 1; i <= 200; i++)
        {
            // The same cycle as `Samples soak` (fit, save, load, forecast); that command runs 1,000 of them.
            Assert.True(float.IsFinite(Samples.Commands.SoakCommand.Cycle(values, i)));
            if (i is 1 or 50 or 100 or 150 or 200)
            {
                double rss = NativeRuntime.ResidentMemoryMegabytes();
                if (i == 50) at50 = rss;
                samples.Add($"iteration {i}: RSS {rss:F1} MB, {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        samples.ForEach(_output.WriteLine);
        if (!OperatingSystem.IsLinux()) return; // VmRSS is read from /proc; the loop above still checks that nothing fails
        double growth = NativeRuntime.ResidentMemoryMegabytes() - at50;
        Assert.True(growth < MaxGrowthMb, $"RSS grew {growth:F1} MB between iteration 50 and 200 (bound {MaxGrowthMb} MB): {string.Join("; ", samples)}");
    }
}
