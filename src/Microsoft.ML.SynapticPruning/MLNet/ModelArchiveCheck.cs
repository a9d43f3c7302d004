using System.IO.Compression;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.SynapticPruning.Persistence;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Reads a whole model .zip before ML.NET's loader sees it: the archive directory, every entry's declared size (against
/// <see cref="ForecastingModelLoader.MaxInflatedBytes"/>, before inflating), every entry's CRC-32, unique entry names, every
/// forecaster payload (<c>…/Forecaster.bin</c>, SHA-256 per payload entry) and every component header (<c>Model.key</c>,
/// <c>Model.bin</c>: the loader assembly must pass <see cref="LoaderAssemblyPolicy"/>; the forecaster's loader signature
/// must come from this library). Used for model files and for ML.NET models nested inside a forecaster's payload.
/// </summary>
internal static class ModelArchiveCheck
{
    /// <summary>The entry in which ML.NET stores each component's header (loader signature, loader assembly, versions).</summary>
    private const string ComponentHeaderEntry = "Model.key";

    /// <summary>ML.NET's alternative single-stream component entry; it starts with the same header.</summary>
    private const string ComponentBinaryEntry = "Model.bin";

    /// <summary>What a verified archive holds.</summary>
    /// <param name="Components">Component headers (<c>Model.key</c>/<c>Model.bin</c> entries).</param>
    /// <param name="Forecasters">Components whose loader is this library's forecaster.</param>
    internal readonly record struct ArchiveContents(int Components, int Forecasters);

    /// <summary>Verifies <paramref name="bytes"/>; every failure is an <see cref="InvalidDataException"/> whose message starts with <paramref name="subject"/>.</summary>
    /// <param name="bytes">The archive.</param>
    /// <param name="subject">How messages name the archive, e.g. <c>Model file '/x/model.zip'</c>.</param>
    /// <returns>The numbers of components and forecaster components.</returns>
    public static ArchiveContents Verify(byte[] bytes, string subject)
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
            throw new InvalidDataException($"{subject} is not a readable model .zip (truncated or damaged archive directory): {e.Message}", e);
        }
        using (zip)
        {
            // Declared sizes first (ReadEntry then holds every entry to its declaration): a bomb is refused before inflating.
            long inflated = 0;
            foreach (var entry in zip.Entries)
            {
                inflated += Math.Max(0, entry.Length);
                if (entry.Length < 0 || inflated > ForecastingModelLoader.MaxInflatedBytes)
                    throw new InvalidDataException(
                        $"{subject}: its entries declare more than {ForecastingModelLoader.MaxInflatedBytes:N0} bytes once decompressed (at zip entry '{entry.FullName}', {entry.Length:N0} bytes); ForecastingModelLoader.MaxInflatedBytes is the limit. The file is not a model of this library or it is damaged.");
            }
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            int forecasters = 0, components = 0;
            foreach (var entry in zip.Entries)
            {
                // ML.NET treats '\' and '/' alike: two spellings of one entry could show this check one copy and ML.NET the other.
                if (!names.Add(entry.FullName.Replace('\\', '/')))
                    throw new InvalidDataException($"{subject} holds zip entry '{entry.FullName}' twice; a model file names each entry once. The file is damaged or was altered.");
                byte[] data = ReadEntry(entry, subject);
                if (IsComponentHeader(entry.FullName))
                {
                    components++;
                    if (CheckComponent(entry.FullName, data, subject)) forecasters++;
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
                    throw new InvalidDataException($"{subject}: zip entry '{entry.FullName}' is damaged: {e.Message}", e);
                }
            }
            if (zip.Entries.Count == 0)
                throw new InvalidDataException($"{subject} is an empty archive.");
            return new ArchiveContents(components, forecasters);
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
    private static bool CheckComponent(string entryName, byte[] data, string subject)
    {
        ComponentHeader header;
        try { header = ComponentHeader.Read(data); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{subject}: zip entry '{entryName}' is damaged: {e.Message}", e);
        }
        if (!LoaderAssemblyPolicy.Admits(header.LoaderAssemblyName))
            throw new InvalidDataException(
                $"{subject}: zip entry '{entryName}' asks ML.NET to load assembly '{header.LoaderAssemblyName}' (loader '{header.LoaderSignature}'); LoadForecaster loads only {LoaderAssemblyPolicy.Describe}, so the file was refused before ML.NET's loader ran. Load it with mlContext.Model.Load only if you trust its origin and that assembly.");
        if (header.LoaderSignature != PrunedForecastingTransformer.LoaderSignature) return false;
        if (!LoaderAssemblyPolicy.IsLibrary(header.LoaderAssemblyName))
            throw new InvalidDataException(
                $"{subject}: zip entry '{entryName}' declares the forecaster's loader '{header.LoaderSignature}' in assembly '{header.LoaderAssemblyName ?? "(none)"}'; a forecaster written by this library names its own assembly. The file is damaged or was altered.");
        return true;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string subject)
    {
        try
        {
            if (entry.Length < 0 || entry.Length > ForecastingModelLoader.MaxInflatedBytes)
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
            throw new InvalidDataException($"{subject}: zip entry '{entry.FullName}' is damaged: {e.Message}", e);
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

}
