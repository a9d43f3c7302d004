using Microsoft.ML.SynapticPruning.Runtime;

namespace SynapticPruning.Bench;

/// <summary>What the benchmark ran on: cores, memory, OS, CPU model, load averages, native OMP_WAIT_POLICY, VmHWM.</summary>
internal static class Machine
{
    public static string Describe()
    {
        string cpu = ReadFirst("/proc/cpuinfo", "model name") ?? "unknown CPU";
        string mem = ReadFirst("/proc/meminfo", "MemTotal") ?? "?";
        string os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME="))?.Split('=', 2)[1].Trim('"') ?? "Linux"
            : Environment.OSVersion.ToString();
        return $"{Environment.ProcessorCount} logical cores ({cpu}), {mem.Trim()} RAM, {os}, .NET {Environment.Version}";
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg")
        ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
        : "n/a";

    public static string OmpWaitPolicy => NativeRuntime.NativeOmpWaitPolicy ?? "unset";

    /// <summary>A /proc/self/status field in KiB (VmHWM = peak resident set, VmRSS = current).</summary>
    public static long StatusKiB(string field)
    {
        var line = ReadFirst("/proc/self/status", field + ":");
        if (line is null) return -1;
        var digits = new string(line.Where(char.IsDigit).ToArray());
        return long.TryParse(digits, out long v) ? v : -1;
    }

    private static string? ReadFirst(string path, string key)
    {
        if (!File.Exists(path)) return null;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim();
    }
}
