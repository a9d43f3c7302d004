using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.MLNet.Internals;

namespace Microsoft.ML;

/// <summary>
/// Entry points of SynapticPruning.ML on <c>mlContext.Forecasting</c>: pruned RNN/LSTM/GRU/PatchTST/DLinear forecasters
/// (each with an options overload and a short overload) and forecast evaluation.
/// </summary>
public static class SynapticPruningCatalog
{
    /// <summary>An LSTM forecaster regularized by synaptic pruning (by default; see <see cref="PrunedForecasterOptions.Regularization"/>).</summary>
    public static PrunedForecastingEstimator PrunedLstm(this ForecastingCatalog catalog, PrunedLstmOptions options) => Create(catalog, options);

    /// <summary>An LSTM forecaster with the paper's defaults and the most used settings.</summary>
    /// <param name="catalog">mlContext.Forecasting.</param>
    /// <param name="labelColumnName">Column to forecast.</param>
    /// <param name="lookback">Rows of history per forecast.</param>
    /// <param name="horizon">Steps forecast at once.</param>
    /// <param name="outputColumnName">Forecast vector column.</param>
    /// <param name="featureColumnNames">Optional covariate columns.</param>
    /// <param name="regularization">Regularizer (default synaptic pruning 0.3→0.7).</param>
    /// <param name="maxEpochs">Maximum epochs.</param>
    public static PrunedForecastingEstimator PrunedLstm(this ForecastingCatalog catalog, string labelColumnName, int lookback = 30, int horizon = 1,
        string outputColumnName = "Forecast", string[]? featureColumnNames = null, Regularization regularization = Regularization.SynapticPruning, int maxEpochs = 20)
        => Create(catalog, Common(new PrunedLstmOptions(), labelColumnName, lookback, horizon, outputColumnName, featureColumnNames, regularization, maxEpochs));

    /// <summary>A GRU forecaster regularized by synaptic pruning (by default).</summary>
    public static PrunedForecastingEstimator PrunedGru(this ForecastingCatalog catalog, PrunedGruOptions options) => Create(catalog, options);

    /// <summary>A GRU forecaster with the paper's defaults and the most used settings (see <see cref="PrunedLstm(ForecastingCatalog, string, int, int, string, string[], Regularization, int)"/>).</summary>
    public static PrunedForecastingEstimator PrunedGru(this ForecastingCatalog catalog, string labelColumnName, int lookback = 30, int horizon = 1,
        string outputColumnName = "Forecast", string[]? featureColumnNames = null, Regularization regularization = Regularization.SynapticPruning, int maxEpochs = 20)
        => Create(catalog, Common(new PrunedGruOptions(), labelColumnName, lookback, horizon, outputColumnName, featureColumnNames, regularization, maxEpochs));

    /// <summary>An Elman RNN forecaster regularized by synaptic pruning (by default).</summary>
    public static PrunedForecastingEstimator PrunedRnn(this ForecastingCatalog catalog, PrunedRnnOptions options) => Create(catalog, options);

    /// <summary>An Elman RNN forecaster with the paper's defaults and the most used settings.</summary>
    public static PrunedForecastingEstimator PrunedRnn(this ForecastingCatalog catalog, string labelColumnName, int lookback = 30, int horizon = 1,
        string outputColumnName = "Forecast", string[]? featureColumnNames = null, Regularization regularization = Regularization.SynapticPruning, int maxEpochs = 20)
        => Create(catalog, Common(new PrunedRnnOptions(), labelColumnName, lookback, horizon, outputColumnName, featureColumnNames, regularization, maxEpochs));

    /// <summary>A PatchTST forecaster (channel-independent; no covariates) regularized by synaptic pruning (by default).</summary>
    public static PrunedForecastingEstimator PrunedPatchTst(this ForecastingCatalog catalog, PrunedPatchTstOptions options) => Create(catalog, options);

    /// <summary>A PatchTST forecaster with the paper's small configuration and the most used settings.</summary>
    public static PrunedForecastingEstimator PrunedPatchTst(this ForecastingCatalog catalog, string labelColumnName, int lookback = 30, int horizon = 1,
        string outputColumnName = "Forecast", Regularization regularization = Regularization.SynapticPruning, int maxEpochs = 20)
        => Create(catalog, Common(new PrunedPatchTstOptions(), labelColumnName, lookback, horizon, outputColumnName, null, regularization, maxEpochs));

    /// <summary>A DLinear forecaster (the linear reference; no regularization by default).</summary>
    public static PrunedForecastingEstimator PrunedDLinear(this ForecastingCatalog catalog, PrunedDLinearOptions options) => Create(catalog, options);

    /// <summary>A DLinear forecaster with its defaults and the most used settings.</summary>
    public static PrunedForecastingEstimator PrunedDLinear(this ForecastingCatalog catalog, string labelColumnName, int lookback = 30, int horizon = 1,
        string outputColumnName = "Forecast", Regularization regularization = Regularization.None, int maxEpochs = 20)
        => Create(catalog, Common(new PrunedDLinearOptions(), labelColumnName, lookback, horizon, outputColumnName, null, regularization, maxEpochs));

    /// <summary>
    /// Scores a forecast column against the label: the forecast at row t (step h = 1..H) is compared with the label at row
    /// t + h. Rows with a NaN forecast or without H future labels are skipped, as are NaN labels. Returns MAE, RMSE, MAPE,
    /// sMAPE and MASE overall and per horizon step. MASE uses <paramref name="maseScale"/>, else the training part's
    /// seasonal-naive MAE stored on the forecast column by the model, else NaN.
    /// </summary>
    /// <param name="catalog">mlContext.Forecasting.</param>
    /// <param name="data">A time-ordered view transformed by a fitted forecaster.</param>
    /// <param name="labelColumnName">The forecast column's source.</param>
    /// <param name="forecastColumnName">The forecast vector column.</param>
    /// <param name="maseScale">MASE denominator; null = the model's stored training-part seasonal-naive MAE.</param>
    /// <param name="firstScoredRow">Only windows whose first target row is at least this (0-based) row are scored: transform the whole
    /// series and pass the first row of the test segment, so no test row loses its history (docs/design.md, "Rows in ML.NET").</param>
    public static ForecastMetrics Evaluate(this ForecastingCatalog catalog, IDataView data, string labelColumnName, string forecastColumnName = "Forecast",
        double? maseScale = null, long firstScoredRow = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return DataViewForecastEvaluator.Evaluate(data, labelColumnName, forecastColumnName, maseScale, firstScoredRow);
    }

    private static PrunedForecastingEstimator Create(ForecastingCatalog catalog, PrunedForecasterOptions options)
        => new(MlNetEnvironment.Of(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    private static T Common<T>(T o, string label, int lookback, int horizon, string output, string[]? features, Regularization regularization, int maxEpochs)
        where T : PrunedForecasterOptions
    {
        o.LabelColumnName = label;
        o.Lookback = lookback;
        o.Horizon = horizon;
        o.OutputColumnName = output;
        o.FeatureColumnNames = features ?? Array.Empty<string>();
        o.Regularization = regularization;
        o.MaxEpochs = maxEpochs;
        return o;
    }
}
