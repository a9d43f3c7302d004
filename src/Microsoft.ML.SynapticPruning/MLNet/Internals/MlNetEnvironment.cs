using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// The two ML.NET internals the public surface needs outside persistence: the host environment behind a catalog (ML.NET's
/// own trainers get it the same way) and the seed of an <c>MLContext(seed: …)</c>.
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
}
