using Microsoft.Extensions.Logging;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>
/// Retries a grain call until it succeeds, the token is cancelled, or <c>giveUpAfter</c> has passed. Each attempt
/// is abandoned after <c>callTimeout</c> (a call through a dying gateway otherwise stalls until the messaging
/// response timeout). Argument errors raised by the grain are not retried.
/// </summary>
internal static class GrainCallRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, string what, TimeSpan callTimeout, TimeSpan giveUpAfter,
        ILogger? logger, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + giveUpAfter;
        var delay = FirstDelay;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call().WaitAsync(callTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (ArgumentException)
            {
                throw;
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline)
            {
                logger?.LogInformation("{What} failed (attempt {Attempt}): {Error}; retrying in {Delay} ms.", what, attempt, ex.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    public static Task CallAsync(Func<Task> call, string what, TimeSpan callTimeout, TimeSpan giveUpAfter, ILogger? logger, CancellationToken cancellationToken)
        => CallAsync(async () => { await call().ConfigureAwait(false); return true; }, what, callTimeout, giveUpAfter, logger, cancellationToken);
}
