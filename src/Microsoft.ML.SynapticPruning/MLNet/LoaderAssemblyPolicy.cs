using System.Reflection;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Which assemblies a model file may ask ML.NET to load, as <see cref="ForecastingModelLoader.LoadForecaster"/> enforces it
/// before ML.NET's loader runs: this library, and ML.NET's own assemblies (name <c>Microsoft.ML</c> or
/// <c>Microsoft.ML.*</c> with ML.NET's public key token). <c>MLContext.Model.Load</c> itself calls <c>Assembly.Load</c>
/// on whatever name each component of the file declares, which runs that assembly's initialisers if the application can
/// resolve it (docs/reliability.md).
/// </summary>
internal static class LoaderAssemblyPolicy
{
    private static readonly AssemblyName Library = typeof(LoaderAssemblyPolicy).Assembly.GetName();
    private static readonly byte[] MlNetToken = typeof(MLContext).Assembly.GetName().GetPublicKeyToken() ?? [];

    /// <summary>The assembly (simple) names the policy admits, for messages.</summary>
    public static string Describe => $"{Library.Name} and ML.NET's own Microsoft.ML.* assemblies";

    /// <summary>Whether <paramref name="fullName"/> (as written in a component header) names an admitted assembly.</summary>
    /// <param name="fullName">The declared assembly name; null or empty (no assembly) is admitted: ML.NET then only uses what is already registered.</param>
    public static bool Admits(string? fullName)
    {
        if (string.IsNullOrEmpty(fullName)) return true;
        AssemblyName name;
        try { name = new AssemblyName(fullName); }
        catch (Exception e) when (e is ArgumentException or FileLoadException) { return false; }
        if (string.Equals(name.Name, Library.Name, StringComparison.Ordinal))
            return SameToken(name.GetPublicKeyToken(), Library.GetPublicKeyToken());
        bool mlNetName = name.Name is { } n && (n == "Microsoft.ML" || n.StartsWith("Microsoft.ML.", StringComparison.Ordinal));
        return mlNetName && MlNetToken.Length > 0 && SameToken(name.GetPublicKeyToken(), MlNetToken);
    }

    /// <summary>Whether <paramref name="fullName"/> names this library (the only assembly that may hold the forecaster's loader).</summary>
    public static bool IsLibrary(string? fullName)
    {
        if (string.IsNullOrEmpty(fullName)) return false;
        try { return string.Equals(new AssemblyName(fullName).Name, Library.Name, StringComparison.Ordinal); }
        catch (Exception e) when (e is ArgumentException or FileLoadException) { return false; }
    }

    private static bool SameToken(byte[]? a, byte[]? b) => (a ?? []).AsSpan().SequenceEqual(b ?? []);
}
