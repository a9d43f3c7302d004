using System.Diagnostics;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>
/// Reads back, from oneDNN itself, which RNN kernel an LSTM forecast runs on: a fresh process (the Samples `cpu-check`
/// command) with <c>ONEDNN_VERBOSE=1</c> prints every primitive it executes. With the library's guard no RNN kernel may be an
/// AVX-512 one; with the guard turned off (<c>ONEDNN_MAX_CPU_ISA=ALL</c>) an AVX-512 CPU must show one, which proves the
/// read-back can tell the two apart. Output comparisons alone cannot show the guard on a CPU without the defect.
/// </summary>
public sealed class OneDnnGuardProcessTests
{
    [Fact]
    public void LstmInferenceRunsOnACappedOneDnnKernelInAFreshProcess()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (exitCode, stdout) = RunCpuCheck(isaOverride: null);
        Assert.True(exitCode == 0, $"cpu-check failed ({exitCode}): {stdout}");
        Assert.Contains("ONEDNN_MAX_CPU_ISA (native environment): AVX2", stdout);
        Assert.Contains("LSTM kernel check: Verified; libtorch oneDNN path enabled: True", stdout);
        var kernels = RnnKernels(stdout);
        Assert.NotEmpty(kernels);
        Assert.All(kernels, k => Assert.DoesNotContain("avx512", k, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void WithTheGuardTurnedOffAnAvx512CpuShowsTheAvx512Kernel()
    {
        if (!OperatingSystem.IsLinux() || !File.ReadAllText("/proc/cpuinfo").Contains(" avx512f", StringComparison.Ordinal)) return;
        var (exitCode, stdout) = RunCpuCheck(isaOverride: "ALL");
        // On a CPU with the defect the kernel check falls back to ATen's kernel (oneDNN off) and the rest of the pass shows no
        // RNN primitive; on one without it, oneDNN's AVX-512 kernel runs and must be visible here.
        Assert.True(exitCode == 0, $"cpu-check failed ({exitCode}): {stdout}");
        Assert.Contains("ONEDNN_MAX_CPU_ISA (native environment): ALL", stdout);
        Assert.Contains(RnnKernels(stdout), k => k.Contains("avx512", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The implementation names of the executed RNN primitives, e.g. <c>brgemm:avx2</c>.</summary>
    private static List<string> RnnKernels(string stdout) => stdout
        .Split('\n', StringSplitOptions.TrimEntries)
        .Select(line => line.Split(','))
        .Where(f => f.Length > 7 && f[0] == "onednn_verbose" && f.Contains("exec") && f.Contains("rnn"))
        .Select(f => f[Array.IndexOf(f, "rnn") + 1])
        .ToList();

    private static (int ExitCode, string Stdout) RunCpuCheck(string? isaOverride)
    {
        string samples = Path.Combine(AppContext.BaseDirectory, "Samples.dll");
        Assert.True(File.Exists(samples), "the test project references src/Samples, whose dll is copied next to the tests");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(samples);
        psi.ArgumentList.Add("cpu-check");
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        psi.Environment["ONEDNN_VERBOSE"] = "1";
        psi.Environment.Remove("ONEDNN_MAX_CPU_ISA");
        psi.Environment.Remove("DNNL_MAX_CPU_ISA");
        if (isaOverride is not null) psi.Environment["ONEDNN_MAX_CPU_ISA"] = isaOverride;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "cpu-check hung");
        return (process.ExitCode, stdout + stderr.Result);
    }
}
