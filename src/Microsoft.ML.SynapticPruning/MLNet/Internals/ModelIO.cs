namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// The one place that touches ML.NET's internal persistence API (<c>ModelSaveContext.Writer</c>,
/// <c>SetVersionInfo</c>, <c>CheckAtModel</c>, <c>SaveBinaryStream</c>, <c>ModelLoadContext</c>, <c>VersionInfo</c>).
/// </summary>
/// <remarks>
/// <para>
/// Why internals at all: a transformer that is stored inside ML.NET's .zip and found again by
/// <c>MLContext.Model.Load</c> must write through <c>ModelSaveContext</c> and must be registered with
/// <c>[assembly: LoadableClass(...)]</c>; in Microsoft.ML 5.0.1 all of that is internal. The alternatives fail:
/// <c>CustomMapping</c> stores no learned state, reflection cannot register a loader, ONNX export needs a
/// hand-written graph per model (TorchSharp has no exporter), and side files next to the .zip break the one-file
/// model. We compile against publicized reference copies of Microsoft.ML.Core/Data (build/MlNetPublicizer.targets)
/// and declare <c>IgnoresAccessChecksTo</c>; the real, Microsoft-signed assemblies run unmodified. We never
/// impersonate Microsoft's assembly identity or strong-name key.
/// </para>
/// <para>
/// What breaks on an ML.NET upgrade: any rename or signature change of the members used in this folder. The build
/// fails here, and the tripwire test (<c>MlNetInternalsTripwireTests</c>) names the member. Microsoft.ML is pinned in
/// Directory.Packages.props for that reason. See docs/persistence.md.
/// </para>
/// </remarks>
/// <example>
/// A persisted transformer (see test/…/MLNetInternals/ScaleColumnTransformer.cs for a complete one):
/// <code>
/// [assembly: LoadableClass(typeof(MyTransformer), null, typeof(SignatureLoadModel), "My transformer", MyTransformer.LoaderSignature)]
///
/// internal const string LoaderSignature = "SPMyTransformer";          // ≤ 24 ASCII chars, never change it
/// internal static readonly ModelFormat Format = new(
///     modelSignature: "SPMYXFRM", verWrittenCur: 1, verReadableCur: 1, verWeCanReadBack: 1,
///     loaderSignature: LoaderSignature, loaderType: typeof(MyTransformer));
///
/// protected override void SaveModel(ModelSaveContext ctx)            // RowToRowTransformerBase override
/// {
///     var w = ModelIO.BeginSave(ctx, Format);
///     w.WriteString(InputColumn);
///     w.WriteBlob("Payload.bin", payload.ToArray());                  // ModelPayload bytes
/// }
///
/// private static MyTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
/// {
///     var r = ModelIO.BeginLoad(ctx, Format);
///     string input = r.ReadString();
///     var payload = ModelPayload.FromBytes(r.ReadBlob("Payload.bin"));
///     ...
/// }
/// </code>
/// </example>
internal static class ModelIO
{
    /// <summary>
    /// Builds ML.NET's <c>VersionInfo</c>. Named arguments on purpose: passed positionally the assembly name lands
    /// in the alternate loader signature (at most 24 characters), and <c>SetVersionInfo</c> then throws a bare
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    internal static VersionInfo ToVersionInfo(ModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return new VersionInfo(
            modelSignature: format.ModelSignature,
            verWrittenCur: format.VerWrittenCur,
            verReadableCur: format.VerReadableCur,
            verWeCanReadBack: format.VerWeCanReadBack,
            loaderSignature: format.LoaderSignature,
            loaderAssemblyName: format.LoaderType.Assembly.FullName);
    }

    /// <summary>
    /// Starts saving a component: checks the context is at the model position, records the version information
    /// (so <c>Model.Load</c> finds the loader) and returns a writer for the component's state.
    /// Call it first thing in <c>ICanSaveModel.Save</c>.
    /// </summary>
    internal static ModelPartWriter BeginSave(ModelSaveContext ctx, ModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(format);
        ctx.CheckAtModel();
        ctx.SetVersionInfo(ToVersionInfo(format));
        return new ModelPartWriter(ctx);
    }

    /// <summary>
    /// Starts loading a component inside its <c>Create(IHostEnvironment, ModelLoadContext)</c>: checks the model
    /// signature and version window, and returns a reader for the component's state.
    /// </summary>
    /// <exception cref="InvalidDataException">The part was written by a newer (or too old) version, or is not this
    /// component's format. The message names the component and says what to do.</exception>
    internal static ModelPartReader BeginLoad(ModelLoadContext ctx, ModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(format);
        var info = ToVersionInfo(format);
        ModelHeader header = ctx.Header;
        if (header.ModelSignature != info.ModelSignature)
            throw new InvalidDataException(
                $"The model part for '{format.LoaderSignature}' is not in the expected format '{format.ModelSignature}'; the file is damaged or was not written by SynapticPruning.ML.");
        if (header.ModelVerReadable > format.VerWrittenCur)
            throw new InvalidDataException(
                $"The model part '{format.LoaderSignature}' was written by a newer version of SynapticPruning.ML (format version {header.ModelVerWritten}, readable from version {header.ModelVerReadable}); this library reads up to format version {format.VerWrittenCur}. Upgrade the Microsoft.ML.SynapticPruning package.");
        if (header.ModelVerWritten < format.VerWeCanReadBack)
            throw new InvalidDataException(
                $"The model part '{format.LoaderSignature}' was written in format version {header.ModelVerWritten}, which this library no longer reads (oldest supported: {format.VerWeCanReadBack}). Retrain the model or load it with an older release.");
        ctx.CheckAtModel(info);
        return new ModelPartReader(ctx, format, header.ModelVerWritten);
    }
}
