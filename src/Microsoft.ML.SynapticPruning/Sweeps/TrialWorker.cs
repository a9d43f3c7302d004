namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// The worker side of <see cref="ProcessTrialScheduler"/>, for a <c>trial-worker</c> command: a long-lived
/// <see cref="WorkerProcessLoop"/> whose requests are <see cref="TrialRequest"/> JSON lines and whose replies are
/// <see cref="TrialResult"/> JSON lines, one per request, until standard input ends.
/// </summary>
public static class TrialWorker
{
    /// <summary>Exit code when a request could not be read.</summary>
    public const int BadRequestExitCode = 2;

    /// <summary>
    /// Runs trials until the input ends. Every readable request gets a result line (including Failed and Cancelled
    /// results, which carry their own status). Returns 0 when the input ended, or <see cref="BadRequestExitCode"/> (with a
    /// message on <paramref name="error"/>) at the first line that is not a readable request, e.g. of a newer version.
    /// </summary>
    /// <param name="runner">Runs the trials in this process, one at a time.</param>
    /// <param name="input">Standard input.</param>
    /// <param name="output">Standard output (protocol lines only; log elsewhere).</param>
    /// <param name="error">Standard error.</param>
    /// <param name="readyInfo">Text of the ready line, e.g. the data reference the runner holds.</param>
    public static int Run(ITrialRunner runner, TextReader input, TextWriter output, TextWriter error, string readyInfo = "trial-worker")
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return WorkerProcessLoop.Run(readyInfo, (line, cancellationToken) =>
            {
                var request = TrialRequest.FromJson(line);
                var result = TrialExecution.Run(runner, request, worker: null, cancellationToken,
                    ex => error.WriteLine($"trial-worker: trial {request.TrialId} failed: {ex}"));
                return result.ToJson();
            }, input, output);
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"trial-worker: {ex.Message}");
            error.Flush();
            return BadRequestExitCode;
        }
    }
}
