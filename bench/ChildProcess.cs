using System.Diagnostics;

namespace SynapticPruning.Bench;

/// <summary>
/// Child processes: this benchmark executable again (figures that need a fresh process: memory peaks, the oneDNN cap), or
/// another program (the authors' script and our study CLI in figure 12).
/// </summary>
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

    /// <summary>
    /// Runs another program (<paramref name="exe"/> with <paramref name="arguments"/>) to completion in
    /// <paramref name="workingDirectory"/> after <paramref name="configure"/> may edit its environment; standard input is
    /// closed, and standard output and error (read concurrently) are returned as one string.
    /// </summary>
    public static (int ExitCode, string Output) RunProgram(string exe, IEnumerable<string> arguments, string? workingDirectory = null,
        Action<ProcessStartInfo>? configure = null)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        configure?.Invoke(psi);
        using var child = Process.Start(psi) ?? throw new InvalidOperationException($"{exe} did not start.");
        child.StandardInput.Close();
        var error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return (child.ExitCode, output + error.Result);
    }
}
