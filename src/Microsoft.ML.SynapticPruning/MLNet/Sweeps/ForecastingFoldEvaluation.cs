using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning;

/// <summary>What one rolling-origin fold of a forecasting trial saw and scored (reported by <see cref="ForecastingTrialRunner.FoldEvaluated"/>).</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Fold">The fold's row boundaries.</param>
/// <param name="TrainRows">Rows of the view the fold's model was fitted on (counted, = <see cref="TimeSeriesFold.TrainEnd"/>).</param>
/// <param name="TransformedRows">Rows of the view the fitted model forecast over (counted, = <see cref="TimeSeriesFold.TestEnd"/>).</param>
/// <param name="FirstScoredRow">First row a scored window may target (= <see cref="TimeSeriesFold.TestStart"/>).</param>
/// <param name="Metrics">The fold's metrics: windows whose targets all lie in [TestStart, TestEnd).</param>
public sealed record ForecastingFoldEvaluation(string TrialId, TimeSeriesFold Fold, long TrainRows, long TransformedRows, long FirstScoredRow, ForecastMetrics Metrics);
