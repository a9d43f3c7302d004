using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// The ML.NET internals the estimators, engine and sweeps need outside persistence, the way ML.NET's own components use
/// them: the host environment behind a catalog, the seed of an <c>MLContext(seed: …)</c>, registering a named host,
/// <c>CheckAlive</c> cancellation, channel messages and a row-count filter.
/// </summary>
internal static class MlNetEnvironment
{
    /// <summary>The environment behind <paramref name="catalog"/> (ML.NET's <c>IInternalCatalog.Environment</c>).</summary>
    /// <param name="catalog">A catalog of an <see cref="MLContext"/>.</param>
    public static IHostEnvironment Of(ForecastingCatalog catalog)
        => ((IInternalCatalog)(catalog ?? throw new ArgumentNullException(nameof(catalog)))).Environment;

    /// <summary>The seed passed to <c>new MLContext(seed: …)</c>, or null when none was given or the environment is not ML.NET's.</summary>
    /// <param name="environment">The host or environment.</param>
    public static int? SeedOf(IHostEnvironment environment) => (environment as IHostEnvironmentInternal)?.Seed;

    /// <summary>A host named <paramref name="name"/> under <paramref name="environment"/> (ML.NET's <c>env.Register(name)</c>).</summary>
    /// <param name="environment">The environment (not null).</param>
    /// <param name="name">The component name shown in ML.NET's messages.</param>
    public static IHost Register(IHostEnvironment environment, string name)
        => (environment ?? throw new ArgumentNullException(nameof(environment))).Register(name);

    /// <summary>Throws <see cref="OperationCanceledException"/> once <c>mlContext.CancelExecution()</c> was called (ML.NET's <c>CheckAlive</c>).</summary>
    /// <param name="environment">The environment or host to check.</param>
    public static void CheckAlive(IHostEnvironment environment) => environment.CheckAlive();

    /// <summary>The first <paramref name="count"/> rows of <paramref name="data"/>, lazily (ML.NET's <c>SkipTakeFilter</c>).</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="data">The rows.</param>
    /// <param name="count">How many rows to keep.</param>
    public static IDataView TakeRows(IHostEnvironment environment, IDataView data, long count)
        => new Microsoft.ML.Transforms.SkipTakeFilter(environment, new Microsoft.ML.Transforms.SkipTakeFilter.TakeOptions { Count = count }, data);

    /// <summary>Writes an informational message to <paramref name="channel"/> (shown by <c>mlContext.Log</c>).</summary>
    public static void Info(IChannel channel, string message) => channel.Info(message);

    /// <summary>Writes a warning to <paramref name="channel"/> (shown by <c>mlContext.Log</c>).</summary>
    public static void Warning(IChannel channel, string message) => channel.Warning(message);
}
