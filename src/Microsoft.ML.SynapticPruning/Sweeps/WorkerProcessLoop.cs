using System.Collections.Concurrent;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// The worker side of <see cref="WorkerProcessPool"/>: writes the ready line, then answers one request line at a time
/// with one reply line, until its input ends.
/// </summary>
/// <remarks>
/// The input is read on a background thread, so the end of the input — the pool closing it, or the parent process
/// dying — is noticed in the middle of a request too: the request's cancellation token fires and the loop returns
/// without a reply (the parent no longer wants it). Write logs to standard error (or anywhere but
/// the protocol output), or at least never start a log line with '@'.
/// </remarks>
internal static class WorkerProcessLoop
{
    /// <summary>Runs the loop; returns 0 when the input ended.</summary>
    /// <param name="readyInfo">Free text after <c>@ready</c> (one line), e.g. what data the worker loaded.</param>
    /// <param name="handle">Turns one request into one reply (single line). An exception other than a cancellation
    /// caused by the end of the input ends the loop by propagating (the pool sees a worker that died).</param>
    /// <param name="input">Standard input.</param>
    /// <param name="output">Standard output (protocol lines only).</param>
    public static int Run(string readyInfo, Func<string, CancellationToken, string> handle, TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(readyInfo);
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        // Not disposed: the reader thread may still touch them after the loop returned.
        var inputEnded = new CancellationTokenSource();
        var lines = new BlockingCollection<string>();
        var reader = new Thread(() =>
        {
            try
            {
                string? line;
                while ((line = input.ReadLine()) is not null) lines.Add(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // A broken input is the end of the input.
            }
            finally
            {
                lines.CompleteAdding();
                inputEnded.Cancel();
            }
        })
        { IsBackground = true, Name = "worker input" };

        output.WriteLine($"{WorkerProcessPool.ReadyPrefix} {OneLine(readyInfo)}");
        output.Flush();
        reader.Start();
        foreach (var request in lines.GetConsumingEnumerable())
        {
            if (request.Length == 0) continue;
            string reply;
            try
            {
                reply = handle(request, inputEnded.Token);
            }
            catch (OperationCanceledException) when (inputEnded.IsCancellationRequested)
            {
                return 0;
            }
            if (inputEnded.IsCancellationRequested) return 0;
            output.WriteLine(WorkerProcessPool.ReplyPrefix + OneLine(reply));
            output.Flush();
        }
        return 0;
    }

    private static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');
}
