namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// What one component's <c>Model.key</c> entry of an ML.NET model .zip tells ML.NET's loader before any of that
/// component's code runs: the loader signature it looks up in the component catalog and the assembly it loads to find
/// that loader. Read with ML.NET's own header validation, so this sees exactly what <c>MLContext.Model.Load</c> will see.
/// </summary>
internal sealed class ComponentHeader
{
    private ComponentHeader(string loaderSignature, string? loaderAssemblyName)
    {
        LoaderSignature = loaderSignature;
        LoaderAssemblyName = loaderAssemblyName;
    }

    /// <summary>The loader signature (1–24 ASCII characters), e.g. <c>SynapticPruningForecast</c> or <c>TransformerChain</c>.</summary>
    public string LoaderSignature { get; }

    /// <summary>The assembly ML.NET loads (<c>Assembly.Load</c>) before it resolves <see cref="LoaderSignature"/>; null or empty when the file names none.</summary>
    public string? LoaderAssemblyName { get; }

    /// <summary>Parses and validates the header of a <c>Model.key</c> entry.</summary>
    /// <param name="entry">The whole entry.</param>
    /// <returns>The loader signature and assembly name the entry declares.</returns>
    /// <exception cref="InvalidDataException">The header is not a valid ML.NET model header; the message says why.</exception>
    public static ComponentHeader Read(byte[] entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Length < ModelHeader.Size)
            throw new InvalidDataException($"it holds {entry.Length} bytes, fewer than an ML.NET model header ({ModelHeader.Size}).");
        ModelHeader.MarshalFromBytes(out ModelHeader header, entry);
        using var reader = new BinaryReader(new MemoryStream(entry, writable: false));
        if (!ModelHeader.TryValidate(ref header, reader, 0, out _, out string? assemblyName, out Exception? error))
            throw new InvalidDataException($"its ML.NET model header is invalid ({error?.Message ?? "unknown reason"}).");
        return new ComponentHeader(ModelHeader.GetLoaderSig(ref header), assemblyName);
    }
}
