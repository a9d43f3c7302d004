using Microsoft.ML.SynapticPruning.Persistence;

namespace Microsoft.ML;

/// <summary>Atomic saving for ML.NET models.</summary>
public static class ModelOperationsCatalogExtensions
{
    /// <summary>
    /// Saves <paramref name="model"/> like <c>Model.Save(model, inputSchema, filePath)</c>, but atomically: the
    /// model is written to a temporary file in the same folder, flushed to disk and renamed over
    /// <paramref name="filePath"/>. If saving fails, a previous file at <paramref name="filePath"/> stays intact.
    /// (ML.NET's own <c>Save(…, string)</c> truncates the target first, so a crash leaves a broken file.)
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The trained model.</param>
    /// <param name="inputSchema">The schema of the data the model was trained on (may be null, as in ML.NET).</param>
    /// <param name="filePath">The .zip file to create or replace; its folder must exist.</param>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        AtomicFile.Write(filePath, stream => catalog.Save(model, inputSchema, stream));
    }
}
