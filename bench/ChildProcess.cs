using System.Diagnostics;

namespace SynapticPruning.Bench;

/// <summary>Runs this benchmark executable again as a child (figures that need a fresh process: memory peaks, the oneDNN cap).</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Starts this executable (the apphost, or <c>dotnet SynapticPruning.Bench.dll</c>) with <paramref name="arguments"/>,
    /// after <paramref name="configure"/> may edit its environment; returns the exit code and standard output.
    /// </summary>
    public static (int ExitCode, string Output) Run(IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
    {
        string exe = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        configure?.Invoke(psi);
        using var child = Process.Start(psi)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return (child.ExitCode, output);
    }
}
