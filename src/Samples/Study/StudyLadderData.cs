using Microsoft.ML.SynapticPruning.Data;
using SynapticPruning.Study.Data;

namespace Samples.Study;

/// <summary>
/// The data of one ladder rung (<see cref="StudyLadderRung"/>): the bundled dataset with the rung's inputs and scaling, split
/// as the rung says. Stateless.
/// </summary>
public static class StudyLadderData
{
    /// <summary>Name of the input column that carries the target's own history (rungs with <see cref="StudyLadderInputs.TargetHistory"/>).</summary>
    public static string HistoryColumn(string target) => target + "_history";

    /// <summary>Loads bundled dataset <paramref name="name"/> as <paramref name="rung"/> trains on it.</summary>
    /// <param name="rung">The rung.</param>
    /// <param name="name">A dataset of <see cref="StudyLadder.Datasets"/>.</param>
    /// <param name="dataRoot">Data root (see <see cref="BundledDatasets.FindDataRoot()"/>).</param>
    /// <exception cref="ArgumentException">The dataset is not one the ladder runs on (the message names <c>--datasets</c>).</exception>
    public static StudyDataset Load(StudyLadderRung rung, string name, string dataRoot)
    {
        ArgumentNullException.ThrowIfNull(rung);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);
        if (!StudyLadder.Datasets.Contains(name))
            throw new ArgumentException($"--datasets: the ladder runs on {string.Join(", ", StudyLadder.Datasets)} (the datasets the authors' feature engineering applies to as it stands); '{name}' is not one of them.");
        var descriptor = BundledDatasets.Get(name);
        var source = BundledDatasets.Load(descriptor, dataRoot);
        var (table, inputs) = Build(rung, source, descriptor.TargetColumn);
        bool standardised = rung.Scaler == StudyScalerPolicy.WholeSeries;
        var notes = new List<string>
        {
            $"Source: {descriptor.RelativePath}, {source.RowCount:N0} rows; target {descriptor.TargetColumn}; {descriptor.Frequency}, seasonal period {descriptor.SeasonalPeriod}.",
            $"Ladder rung {rung.Number} ({rung.Name}): {rung.Change}.",
            inputs.Count == 0
                ? "Input: the target channel only (the library's LSTM)."
                : $"Inputs of the authors' network ({inputs.Count} column(s), the target channel itself not read): {string.Join(", ", inputs)}.",
            standardised
                ? $"Target{(inputs.Count > 0 ? " and inputs" : "")} standardised over the whole series (population std): MAE, RMSE and naive MAE are in units of the standard deviation of {descriptor.TargetColumn} over the series."
                : "Raw target; the trainer fits the scaler on the training rows; MAE in original units.",
        };
        return StudyDataLoader.Prepare(descriptor.Name, table, descriptor.TargetColumn, inputs, descriptor.SeasonalPeriod, rung.Protocol,
            quick: false, notes, backtestFolds: 1, scalerPolicy: rung.Scaler, dataVariant: rung.DataVariant);
    }

    /// <summary>
    /// The table of <paramref name="rung"/>: the target (standardised over the whole series when the rung's scaler is
    /// <see cref="StudyScalerPolicy.WholeSeries"/>) followed by the rung's input columns, and their names.
    /// </summary>
    /// <param name="rung">The rung.</param>
    /// <param name="source">The source table (with a time column).</param>
    /// <param name="target">The target column.</param>
    /// <exception cref="ArgumentException">As <see cref="AuthorsFeatureEngineering.Engineer"/> for the engineered inputs.</exception>
    public static (TimeSeriesTable Table, IReadOnlyList<string> Inputs) Build(StudyLadderRung rung, TimeSeriesTable source, string target)
    {
        ArgumentNullException.ThrowIfNull(rung);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        bool standardise = rung.Scaler == StudyScalerPolicy.WholeSeries;
        if (!standardise && rung.Inputs is StudyLadderInputs.AuthorsFeatures or StudyLadderInputs.AuthorsFeaturesWithoutLeads)
            throw new ArgumentException($"{rung}: engineered features are standardised over the whole series by the authors; a training-rows scaler with them is not a rung of the ladder.", nameof(rung));
        var y = AuthorsFeatureEngineering.FillWithMean(source.Column(target));
        if (standardise) y = AuthorsFeatureEngineering.Standardize(y);
        var names = new List<string> { target };
        var columns = new List<double[]> { y };
        var inputs = new List<string>();
        switch (rung.Inputs)
        {
            case StudyLadderInputs.AuthorsFeatures:
            case StudyLadderInputs.AuthorsFeaturesWithoutLeads:
                var leads = rung.Inputs == StudyLadderInputs.AuthorsFeatures ? AuthorsFeatureEngineering.Leads : [];
                var (featureNames, featureColumns) = AuthorsFeatureEngineering.Engineer(source, target, AuthorsFeatureEngineering.Lags, leads);
                inputs.AddRange(featureNames);
                columns.AddRange(featureColumns.Select(AuthorsFeatureEngineering.Standardize));
                break;
            case StudyLadderInputs.TargetHistory:
                inputs.Add(HistoryColumn(target));
                columns.Add((double[])y.Clone());
                break;
            case StudyLadderInputs.TargetChannel:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rung), rung.Inputs, "Unknown ladder inputs.");
        }
        names.AddRange(inputs);
        return (new TimeSeriesTable(names, columns, source.Timestamps, source.LineNumbers, source.SourcePath, source.TimeColumnName), inputs);
    }
}
