using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// A fitted pruned forecaster. <see cref="Transform"/> is lazy and streams: it adds a <c>float[Horizon]</c> forecast
/// column (and interval bounds when fitted with a confidence level) computed from the <c>Lookback</c> rows ending at
/// each row; rows with too little history, or a NaN in their window, get a NaN vector. It is not a row-to-row mapper:
/// to forecast from new observations use <see cref="ForecastEngineExtensions.CreateForecastEngine{TRow}"/>.
/// Saved and loaded with <c>mlContext.Model.Save</c>/<c>Load</c> (see docs/persistence.md). Despite its name it also holds
/// the lag-window models (naive, seasonal naive, FastTree, LightGbm; <see cref="LagWindowForecastingEstimator"/>), so
/// every forecaster a sweep can recommend has the same columns, evaluation, intervals, engine and file format.
/// </summary>
public sealed class PrunedForecastingTransformer : ITransformer, ICanSaveModel, IDisposable
{
    internal const string LoaderSignature = "SynapticPruningForecast";
    internal const string PayloadStream = "Forecaster.bin";

    internal static readonly ModelFormat Format = new(
        modelSignature: "SPFORCST", verWrittenCur: 0x00010001, verReadableCur: 0x00010001, verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature, loaderType: typeof(PrunedForecastingTransformer));

    private readonly IHost _host;

    internal PrunedForecastingTransformer(IHostEnvironment env, IForecastingModel model)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(PrunedForecastingTransformer));
        Model = model;
    }

    internal IForecastingModel Model { get; }

    /// <summary>Everything the model knows about itself: architecture, columns, history, sparsity per layer, intervals.</summary>
    public ForecastingModelInfo Info => Model.Info;

    /// <summary>The architecture.</summary>
    public ForecasterSpec Spec => Model.Info.Spec;

    /// <summary>Per-epoch train/validation loss and sparsity (empty for a lag-window model).</summary>
    public IReadOnlyList<EpochReport> TrainingHistory => Model.Info.History;

    /// <summary>Final sparsity of each prunable tensor (empty when not pruned). In a small PatchTST the head holds most weights, so a global threshold prunes mostly the head.</summary>
    public IReadOnlyList<TensorSparsity> LayerSparsity => Model.Info.LayerSparsity;

    /// <summary>Final global sparsity over the prunable tensors.</summary>
    public double GlobalSparsity => Model.Info.GlobalSparsity;

    /// <summary>
    /// Reported as true only so that <c>CreatePredictionEngine</c> reaches <see cref="GetRowToRowMapper"/>, whose error
    /// explains that forecasts need a window of rows and names the forecast engine (ML.NET's own check would only say
    /// "Must be a row to row mapper"). Every attempt to obtain a row mapper fails.
    /// </summary>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        CheckInputSchema(inputSchema);
        return ForecastDataView.BuildSchema(inputSchema, Info.OutputColumnName, Info.Spec.Horizon, Model.HasIntervals, Info.MaseScale, Info.LowerColumn, Info.UpperColumn);
    }

    /// <summary>Adds the forecast columns to <paramref name="input"/> (lazy; nothing is computed until a cursor moves).</summary>
    public IDataView Transform(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        CheckInputSchema(input.Schema);
        return new ForecastDataView(input, Model, Info.LabelColumnName, Info.FeatureColumnNames, Info.TimeColumnName, Info.OutputColumnName, Info.MaseScale, Info.LowerColumn, Info.UpperColumn, Info.InputGapFill);
    }

    /// <summary>Not supported: a forecast needs a window of rows.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        => throw new InvalidOperationException(
            "A pruned forecaster maps windows of rows, not single rows, so it cannot back a PredictionEngine. " +
            "Use model.CreateForecastEngine<TRow>(mlContext) to forecast from new observations, or Transform a time-ordered IDataView.");

    private void CheckInputSchema(DataViewSchema schema)
    {
        NumericColumn.Require(schema, Info.LabelColumnName, "Label");
        foreach (var f in Info.FeatureColumnNames) NumericColumn.Require(schema, f, "Feature");
        if (Info.TimeColumnName is { } t && schema.GetColumnOrNull(t) is null)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Time column '{t}' was not found in the input: pass data with that column, or refit without TimeColumnName.");
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        _host.CheckValue(ctx, nameof(ctx));
        var writer = ModelIO.BeginSave(ctx, Format);
        writer.WriteBlob(PayloadStream, ForecastingModelSerializer.Write(Model).ToArray());
    }

    internal static PrunedForecastingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        var reader = ModelIO.BeginLoad(ctx, Format);
        byte[] blob = reader.ReadBlob(PayloadStream, maxLength: 1L << 31);
        var payload = Persistence.ModelPayload.FromBytes(blob);
        return new PrunedForecastingTransformer(env, ForecastingModelSerializer.ReadModel(payload));
    }

    internal PrunedForecastingTransformer WithHistory(float[] history) => new(_host, Model.WithHistory(history));

    /// <summary>Releases the native network (nothing for a lag-window model).</summary>
    public void Dispose() => Model.Dispose();
}
