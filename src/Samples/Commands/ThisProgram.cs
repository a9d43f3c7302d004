namespace Samples.Commands;

/// <summary>How to start this program again as a worker process (<c>study-worker</c>, <c>trial-worker</c>).</summary>
internal static class ThisProgram
{
    /// <summary>The executable and the arguments before the command: the apphost itself, or <c>dotnet Samples.dll</c>.</summary>
    /// <exception cref="InvalidOperationException">The current executable cannot be found.</exception>
    public static (string Command, List<string> Arguments) Launch()
    {
        string command = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the current executable to start worker processes.");
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(command).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            arguments.Add(typeof(ThisProgram).Assembly.Location);
        return (command, arguments);
    }
}
