using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Runtime;

/// <summary>
/// The once-per-process LSTM kernel check: it passes with the guard in effect and leaves oneDNN on; its fallback logic
/// (tested with injected measurements, since this CPU may not show the defect) switches oneDNN off or refuses to go on.
/// </summary>
[Collection("Torch")]
public sealed class RecurrentKernelCheckTests
{
    [Fact]
    public void BuildingAnLstmForecasterRunsTheCheckWhichPassesWithOneDnnStillOn()
    {
        using (ForecasterFactory.Create(new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 5, Horizon = 1, HiddenSize = 4 })) { }
        // Verified means: with the ISA cap in effect, the kernel libtorch uses matched the textbook cell on all 16 shapes.
        Assert.Equal(RecurrentKernelStatus.Verified, RecurrentKernelCheck.Status);
        if (OperatingSystem.IsLinux()) Assert.True(RecurrentKernelCheck.OneDnnEnabled);
    }

    [Fact]
    public void TheMeasurementFindsNoErrorOnThisCpuAndLeavesTheGlobalGeneratorAlone()
    {
        torch.manual_seed(123);
        float expected;
        using (var probe = torch.rand(1)) expected = probe.item<float>();
        torch.manual_seed(123);
        var (error, shape) = RecurrentKernelCheck.MeasureWorstError();
        using var after = torch.rand(1);
        Assert.Equal(expected, after.item<float>());
        Assert.True(error <= RecurrentKernelCheck.Tolerance, $"LSTM kernel error {error} at {shape}");
    }

    [Fact]
    public void AWrongKernelIsReplacedByAtensWhenThatOneIsRight()
    {
        var errors = new Queue<(float, string)>(new[] { (0.4f, "input 1, hidden 16, batch 1"), (1e-7f, "") });
        var switches = new List<bool>();
        var status = RecurrentKernelCheck.Verify(() => errors.Dequeue(), on => { switches.Add(on); return true; });
        Assert.Equal(RecurrentKernelStatus.FellBackToAtenKernel, status);
        Assert.Equal(new[] { false }, switches);
        Assert.Empty(errors);
    }

    [Fact]
    public void ACorrectKernelIsLeftAlone()
    {
        var switches = new List<bool>();
        Assert.Equal(RecurrentKernelStatus.Verified, RecurrentKernelCheck.Verify(() => (2e-7f, ""), on => { switches.Add(on); return true; }));
        Assert.Empty(switches);
    }

    [Fact]
    public void AWrongKernelWithoutAWayOutIsAnErrorNamingTheFix()
    {
        var unavailable = Assert.Throws<InvalidOperationException>(() => RecurrentKernelCheck.Verify(() => (0.4f, "input 7, hidden 48, batch 256"), _ => false));
        Assert.Contains("ONEDNN_MAX_CPU_ISA=AVX2", unavailable.Message);
        Assert.Contains("input 7, hidden 48, batch 256", unavailable.Message);

        var stillWrong = Assert.Throws<InvalidOperationException>(() => RecurrentKernelCheck.Verify(() => (float.PositiveInfinity, "input 1, hidden 4, batch 32"), _ => true));
        Assert.Contains("still differs", stillWrong.Message);
    }
}
