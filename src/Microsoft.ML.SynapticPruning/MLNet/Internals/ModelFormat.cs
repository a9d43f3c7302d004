namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// Identity and version window of one component's part in an ML.NET model .zip: what ML.NET calls
/// <c>VersionInfo</c>, validated up front so that a bad signature fails with a precise message instead of a bare
/// <see cref="InvalidOperationException"/> from deep inside ML.NET.
/// </summary>
/// <remarks>
/// Versions follow ML.NET's convention: <see cref="VerWrittenCur"/> is the version this code writes;
/// <see cref="VerReadableCur"/> is the oldest reader version that can read what this code writes;
/// <see cref="VerWeCanReadBack"/> is the oldest written version this code can still read.
/// </remarks>
internal sealed class ModelFormat
{
    /// <summary>Exact length of <see cref="ModelSignature"/> (ML.NET packs it into one <c>ulong</c>).</summary>
    public const int ModelSignatureLength = 8;

    /// <summary>Maximum length of <see cref="LoaderSignature"/> (ML.NET packs it into three <c>ulong</c>s).</summary>
    public const int MaxLoaderSignatureLength = 24;

    /// <summary>Creates and validates a format description.</summary>
    /// <param name="modelSignature">Exactly 8 ASCII characters identifying the binary layout, e.g. "SPFORECT".</param>
    /// <param name="verWrittenCur">Version written by this code (&gt; 0).</param>
    /// <param name="verReadableCur">Oldest reader version able to read what this code writes (≤ <paramref name="verWrittenCur"/>).</param>
    /// <param name="verWeCanReadBack">Oldest written version this code can read (≤ <paramref name="verWrittenCur"/>).</param>
    /// <param name="loaderSignature">1–24 ASCII characters; must equal the name given to <c>[assembly: LoadableClass]</c>.</param>
    /// <param name="loaderType">The class holding the static <c>Create(IHostEnvironment, ModelLoadContext)</c>; its
    /// assembly name is recorded in the .zip so <c>MLContext.Model.Load</c> finds the loader without registration.</param>
    public ModelFormat(string modelSignature, uint verWrittenCur, uint verReadableCur, uint verWeCanReadBack,
        string loaderSignature, Type loaderType)
    {
        ArgumentNullException.ThrowIfNull(modelSignature);
        ArgumentNullException.ThrowIfNull(loaderSignature);
        ArgumentNullException.ThrowIfNull(loaderType);
        if (modelSignature.Length != ModelSignatureLength || !IsPrintableAscii(modelSignature))
            throw new ArgumentException(
                $"The model signature must be exactly {ModelSignatureLength} printable ASCII characters; got '{modelSignature}' ({modelSignature.Length} characters).",
                nameof(modelSignature));
        if (loaderSignature.Length == 0 || loaderSignature.Length > MaxLoaderSignatureLength || !IsPrintableAscii(loaderSignature))
            throw new ArgumentException(
                $"The loader signature must be 1 to {MaxLoaderSignatureLength} printable ASCII characters; got '{loaderSignature}' ({loaderSignature.Length} characters).",
                nameof(loaderSignature));
        if (verWrittenCur == 0)
            throw new ArgumentOutOfRangeException(nameof(verWrittenCur), verWrittenCur, "The written version must be at least 1.");
        if (verReadableCur > verWrittenCur)
            throw new ArgumentOutOfRangeException(nameof(verReadableCur), verReadableCur,
                $"The readable version cannot exceed the written version ({verWrittenCur}).");
        if (verWeCanReadBack > verWrittenCur)
            throw new ArgumentOutOfRangeException(nameof(verWeCanReadBack), verWeCanReadBack,
                $"The oldest version we can read back cannot exceed the written version ({verWrittenCur}).");

        ModelSignature = modelSignature;
        VerWrittenCur = verWrittenCur;
        VerReadableCur = verReadableCur;
        VerWeCanReadBack = verWeCanReadBack;
        LoaderSignature = loaderSignature;
        LoaderType = loaderType;
    }

    /// <summary>8-character signature of the binary layout.</summary>
    public string ModelSignature { get; }

    /// <summary>Version written by this code.</summary>
    public uint VerWrittenCur { get; }

    /// <summary>Oldest reader version able to read what this code writes.</summary>
    public uint VerReadableCur { get; }

    /// <summary>Oldest written version this code can read.</summary>
    public uint VerWeCanReadBack { get; }

    /// <summary>Name under which the loader is registered with <c>[assembly: LoadableClass]</c>.</summary>
    public string LoaderSignature { get; }

    /// <summary>Type whose assembly holds the loader.</summary>
    public Type LoaderType { get; }

    /// <summary>
    /// Returns a copy that writes <paramref name="verWrittenCur"/> and requires readers of at least
    /// <paramref name="verReadableCur"/>. Only for tests that simulate a file written by a newer release.
    /// </summary>
    internal ModelFormat WithWrittenVersion(uint verWrittenCur, uint verReadableCur)
        => new(ModelSignature, verWrittenCur, verReadableCur, Math.Min(VerWeCanReadBack, verWrittenCur), LoaderSignature, LoaderType);

    private static bool IsPrintableAscii(string s)
    {
        foreach (char c in s)
        {
            if (c < 0x20 || c > 0x7E)
                return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override string ToString()
        => $"{LoaderSignature} ({ModelSignature}, writes v{VerWrittenCur}, reads v{VerWeCanReadBack}..v{VerWrittenCur})";
}
