using Microsoft.ML.SynapticPruning;

namespace Microsoft.ML;

/// <summary>
/// Loads a model .zip that contains a pruned forecaster and reports any damage as one <see cref="InvalidDataException"/>
/// naming the file and the damaged zip entry (or payload entry), instead of ML.NET's generic wrapper
/// ("Error during class instantiation" with the real cause nested inside).
/// </summary>
/// <remarks>
/// Before ML.NET sees the file, every zip entry is decompressed and its CRC-32 checked, every forecaster payload
/// (<c>…/Forecaster.bin</c>) is parsed with its per-entry SHA-256, and every component header (<c>…/Model.key</c> or <c>…/Model.bin</c>) is
/// read: the assembly it asks ML.NET to load must be this library or ML.NET's own (<see cref="LoaderAssemblyPolicy"/>),
/// entry names must be unique (<see cref="ModelArchiveCheck"/>), and at least one component must be this library's forecaster. A file that passes these checks and loads gives the
/// same forecasts as the file that was saved; a damaged one throws (docs/reliability.md).
/// </remarks>
public static class ForecastingModelLoader
{
    /// <summary>Largest model file <see cref="LoadForecaster"/> reads (1 GiB; a 100-million-parameter dense model is 400 MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Largest total of the decompressed entries of one file (1 GiB): a zip bomb is refused before it is inflated.</summary>
    public const long MaxInflatedBytes = 1L << 30;

    /// <summary>
    /// Loads the model at <paramref name="path"/> like <c>mlContext.Model.Load(path, out inputSchema)</c>, after checking the
    /// file's integrity, and checks that it contains a pruned forecaster.
    /// </summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="path">The .zip written by <c>Model.Save</c> / <c>SaveAtomically</c>.</param>
    /// <param name="inputSchema">The schema of the data the model was trained on.</param>
    /// <returns>The model (a <see cref="PrunedForecastingTransformer"/> or a chain ending in one).</returns>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a model .zip, is truncated or damaged (the message names the entry),
    /// was written by a newer release, or holds no pruned forecaster.</exception>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Model.LoadForecaster(path, out inputSchema);
    }

    /// <summary>
    /// <c>mlContext.Model.LoadForecaster(path, out schema)</c>: see <see cref="Load(MLContext, string, out DataViewSchema)"/>.
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="path">The model .zip.</param>
    /// <param name="inputSchema">The schema of the data the model was trained on.</param>
    /// <returns>The model (a <see cref="PrunedForecastingTransformer"/> or a chain ending in one).</returns>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, too new, or holds no pruned forecaster.</exception>
    public static ITransformer LoadForecaster(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"Model file '{fullPath}' was not found.", fullPath);
        long size = new FileInfo(fullPath).Length;
        if (size > MaxFileBytes)
            throw new InvalidDataException($"Model file '{fullPath}' has {size:N0} bytes; LoadForecaster reads at most {MaxFileBytes:N0} (ForecastingModelLoader.MaxFileBytes). It is not a model of this library or it is damaged.");
        byte[] bytes = File.ReadAllBytes(fullPath);
        var contents = ModelArchiveCheck.Verify(bytes, $"Model file '{fullPath}'");
        if (contents.Forecasters == 0)
            throw new InvalidDataException(
                $"Model file '{fullPath}' holds no pruned forecaster: none of its {contents.Components} component(s) has the loader signature '{PrunedForecastingTransformer.LoaderSignature}' (it was refused before ML.NET's loader ran). Load it with mlContext.Model.Load if you trust it, or pass a model trained with mlContext.Forecasting.Pruned*.");

        ITransformer model;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            model = catalog.Load(stream, out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var cause = Innermost<InvalidDataException>(e);
            string detail = cause?.Message ?? $"{Innermost<Exception>(e)!.GetType().Name}: {Innermost<Exception>(e)!.Message}";
            throw new InvalidDataException($"Model file '{fullPath}' could not be loaded: {detail}", e);
        }
        if (!ContainsForecaster(model))
        {
            (model as IDisposable)?.Dispose();
            throw new InvalidDataException(
                $"Model file '{fullPath}' holds a {model.GetType().Name} without a pruned forecaster. Load it with mlContext.Model.Load, or pass a model trained with mlContext.Forecasting.Pruned*.");
        }
        return model;
    }

    private static bool ContainsForecaster(ITransformer model)
        => model is PrunedForecastingTransformer || (model is IEnumerable<ITransformer> chain && chain.Any(ContainsForecaster));

    private static T? Innermost<T>(Exception e) where T : Exception
    {
        T? found = null;
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T t) found = t;
        return found;
    }
}
