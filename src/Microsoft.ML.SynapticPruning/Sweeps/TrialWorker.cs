namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// The worker side of the <see cref="ProcessTrialScheduler"/> protocol, for a <c>trial-worker</c> command: reads one
/// <see cref="TrialRequest"/> JSON line from standard input, runs it, and writes the
/// <see cref="TrialResult"/> JSON as the last line of standard output.
/// </summary>
public static class TrialWorker
{
    /// <summary>Exit code when the request could not be read.</summary>
    public const int BadRequestExitCode = 2;

    /// <summary>
    /// Runs one trial. Returns 0 whenever a result line was written (including Failed and Cancelled results, which
    /// carry their own status), or <see cref="BadRequestExitCode"/> (with a message on <paramref name="error"/>) when
    /// the input is not a readable request, e.g. of a newer version.
    /// </summary>
    /// <param name="runner">Runs the trial in this process.</param>
    /// <param name="input">Standard input.</param>
    /// <param name="output">Standard output; anything the runner logs must go elsewhere or before the result line.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="cancellationToken">Cancels the trial.</param>
    public static int Run(ITrialRunner runner, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        TrialRequest request;
        try
        {
            string line = input.ReadLine() ?? throw new InvalidDataException("No trial request on standard input.");
            request = TrialRequest.FromJson(line);
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"trial-worker: {ex.Message}");
            return BadRequestExitCode;
        }
        var result = TrialExecution.Run(runner, request, worker: null, cancellationToken,
            ex => error.WriteLine($"trial-worker: trial {request.TrialId} failed: {ex}"));
        output.WriteLine();
        output.WriteLine(result.ToJson());
        output.Flush();
        return 0;
    }
}
