using System.IO.Compression;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.SynapticPruning.Persistence;

namespace Microsoft.ML.SynapticPruning.MLNet;

/// <summary>
/// Loads a model .zip that contains a pruned forecaster and reports any damage as one <see cref="InvalidDataException"/>
/// naming the file and the damaged zip entry (or payload entry), instead of ML.NET's generic wrapper
/// ("Error during class instantiation" with the real cause nested inside).
/// </summary>
/// <remarks>
/// Before ML.NET sees the file, every zip entry is decompressed and its CRC-32 checked, every forecaster payload
/// (<c>…/Forecaster.bin</c>) is parsed with its per-entry SHA-256, and every component header (<c>…/Model.key</c> or <c>…/Model.bin</c>) is
/// read: the assembly it asks ML.NET to load must be this library or ML.NET's own (<see cref="LoaderAssemblyPolicy"/>),
/// entry names must be unique, and at least one component must be this library's forecaster. A file that passes these checks and loads gives the
/// same forecasts as the file that was saved; a damaged one throws (docs/reliability.md).
/// </remarks>
public static class ForecastingModelLoader
{
    /// <summary>Largest model file <see cref="LoadForecaster"/> reads (1 GiB; a 100-million-parameter dense model is 400 MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Largest total of the decompressed entries of one file (1 GiB): a zip bomb is refused before it is inflated.</summary>
    public const long MaxInflatedBytes = 1L << 30;

    private const long MaxEntryBytes = MaxInflatedBytes;

    /// <summary>The entry in which ML.NET stores each component's header (loader signature, loader assembly, versions).</summary>
    private const string ComponentHeaderEntry = "Model.key";

    /// <summary>ML.NET's alternative single-stream component entry; it starts with the same header.</summary>
    private const string ComponentBinaryEntry = "Model.bin";

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
        Verify(bytes, fullPath);

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

    private static void Verify(byte[] bytes, string path)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            try { _ = zip.Entries.Count; } // reads the central directory
            catch { zip.Dispose(); throw; }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            throw new InvalidDataException($"Model file '{path}' is not a readable model .zip (truncated or damaged archive directory): {e.Message}", e);
        }
        using (zip)
        {
            // Declared sizes first (ReadEntry then holds every entry to its declaration): a bomb is refused before inflating.
            long inflated = 0;
            foreach (var entry in zip.Entries)
            {
                inflated += Math.Max(0, entry.Length);
                if (entry.Length < 0 || inflated > MaxInflatedBytes)
                    throw new InvalidDataException(
                        $"Model file '{path}': its entries declare more than {MaxInflatedBytes:N0} bytes once decompressed (at zip entry '{entry.FullName}', {entry.Length:N0} bytes); ForecastingModelLoader.MaxInflatedBytes is the limit. The file is not a model of this library or it is damaged.");
            }
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            int forecasters = 0, components = 0;
            foreach (var entry in zip.Entries)
            {
                // ML.NET treats '\' and '/' alike: two spellings of one entry could show this check one copy and ML.NET the other.
                if (!names.Add(entry.FullName.Replace('\\', '/')))
                    throw new InvalidDataException($"Model file '{path}' holds zip entry '{entry.FullName}' twice; a model file names each entry once. The file is damaged or was altered.");
                byte[] data = ReadEntry(entry, path);
                if (IsComponentHeader(entry.FullName))
                {
                    components++;
                    if (CheckComponent(entry.FullName, data, path)) forecasters++;
                    continue;
                }
                if (!entry.FullName.EndsWith("/" + PrunedForecastingTransformer.PayloadStream, StringComparison.Ordinal)) continue;
                try
                {
                    if (data.Length < 8) throw new InvalidDataException($"it holds {data.Length} bytes, fewer than its length prefix.");
                    long declared = BitConverter.ToInt64(data, 0);
                    if (declared != data.Length - 8) throw new InvalidDataException($"it declares {declared} payload bytes but holds {data.Length - 8}.");
                    ModelPayload.FromBytes(data[8..]);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"Model file '{path}': zip entry '{entry.FullName}' is damaged: {e.Message}", e);
                }
            }
            if (zip.Entries.Count == 0)
                throw new InvalidDataException($"Model file '{path}' is an empty archive.");
            if (forecasters == 0)
                throw new InvalidDataException(
                    $"Model file '{path}' holds no pruned forecaster: none of its {components} component(s) has the loader signature '{PrunedForecastingTransformer.LoaderSignature}' (it was refused before ML.NET's loader ran). Load it with mlContext.Model.Load if you trust it, or pass a model trained with mlContext.Forecasting.Pruned*.");
        }
    }

    private static bool IsComponentHeader(string entryName)
    {
        string leaf = entryName[(entryName.LastIndexOfAny(['/', '\\']) + 1)..];
        return leaf is ComponentHeaderEntry or ComponentBinaryEntry;
    }

    /// <summary>
    /// Checks what one component header asks ML.NET's loader to do (<see cref="LoaderAssemblyPolicy"/>); returns whether the
    /// component is this library's forecaster.
    /// </summary>
    private static bool CheckComponent(string entryName, byte[] data, string path)
    {
        ComponentHeader header;
        try { header = ComponentHeader.Read(data); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Model file '{path}': zip entry '{entryName}' is damaged: {e.Message}", e);
        }
        if (!LoaderAssemblyPolicy.Admits(header.LoaderAssemblyName))
            throw new InvalidDataException(
                $"Model file '{path}': zip entry '{entryName}' asks ML.NET to load assembly '{header.LoaderAssemblyName}' (loader '{header.LoaderSignature}'); LoadForecaster loads only {LoaderAssemblyPolicy.Describe}, so the file was refused before ML.NET's loader ran. Load it with mlContext.Model.Load only if you trust its origin and that assembly.");
        if (header.LoaderSignature != PrunedForecastingTransformer.LoaderSignature) return false;
        if (!LoaderAssemblyPolicy.IsLibrary(header.LoaderAssemblyName))
            throw new InvalidDataException(
                $"Model file '{path}': zip entry '{entryName}' declares the forecaster's loader '{header.LoaderSignature}' in assembly '{header.LoaderAssemblyName ?? "(none)"}'; a forecaster written by this library names its own assembly. The file is damaged or was altered.");
        return true;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string path)
    {
        try
        {
            if (entry.Length < 0 || entry.Length > MaxEntryBytes)
                throw new InvalidDataException($"it declares {entry.Length} bytes.");
            using var s = entry.Open();
            var data = BoundedStreamReader.ReadExactly(s, entry.Length, _ => new InvalidDataException($"it is shorter than its declared {entry.Length} bytes."));
            Span<byte> one = stackalloc byte[1];
            if (s.Read(one) > 0) throw new InvalidDataException($"it is longer than its declared {entry.Length} bytes.");
            uint crc = Crc32(data);
            if (crc != entry.Crc32)
                throw new InvalidDataException($"its CRC-32 {crc:X8} does not match the recorded {entry.Crc32:X8}.");
            return data;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"Model file '{path}': zip entry '{entry.FullName}' is damaged: {e.Message}", e);
        }
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
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
