using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;

namespace Samples.Commands;

/// <summary>
/// Prints what protects LSTM forecasts on this CPU: the AVX-512 flags, the oneDNN ISA cap in the native environment, the
/// outcome of the library's LSTM kernel check and whether libtorch's oneDNN path is on; then runs one LSTM forecaster
/// forward pass under no_grad, so that <c>ONEDNN_VERBOSE=1</c> shows which RNN kernel ran (docs/reliability.md).
/// Exit code 0 when the kernel check passed or fell back to a correct kernel.
/// </summary>
internal static class CpuCheckCommand
{
    public const string Help = "Show the CPU's AVX-512 flags, the oneDNN ISA cap, the LSTM kernel check and one LSTM inference pass (run with ONEDNN_VERBOSE=1 to see the kernel).";

    public static int Run(string[] args)
    {
        new CommandLine(args).RejectUnknown();
        string flags = Avx512Flags();
        Console.WriteLine($"cpu: {CpuModel()} ({RuntimeInformation.ProcessArchitecture}); AVX-512 flags: {(flags.Length == 0 ? "none" : flags)}");
        Console.WriteLine($"ONEDNN_MAX_CPU_ISA (native environment): {NativeRuntime.NativeOneDnnMaxCpuIsa ?? "unset"}");
        using (torch.zeros(1)) { } // load libtorch first, so the time below is the check's own
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var status = RecurrentKernelCheck.EnsureVerified();
        double ms = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"LSTM kernel check: {status}; libtorch oneDNN path enabled: {RecurrentKernelCheck.OneDnnEnabled?.ToString() ?? "unknown"}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kernel check took {ms:F0} ms (once per process)"));

        var spec = new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 9, Horizon = 2, TargetChannels = 1, HiddenSize = 16 };
        using var scope = torch.NewDisposeScope();
        using var module = ForecasterFactory.Create(spec);
        module.eval();
        using var noGrad = torch.no_grad();
        var y = module.Forward(torch.ones(3, 9, 1), ForwardContext.Inference);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LSTM forecaster inference pass: output shape [{string.Join(", ", y.shape)}]"));
        return 0;
    }

    private static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return "unknown";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    /// <summary>The avx512* flags of the first CPU in /proc/cpuinfo (empty elsewhere or without AVX-512).</summary>
    internal static string Avx512Flags()
    {
        if (!File.Exists("/proc/cpuinfo")) return "";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        return line is null ? "" : string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f.StartsWith("avx512", StringComparison.Ordinal)));
    }
}
