namespace Samples.Study;

/// <summary>
/// Trains and scores one trial. The integrator implements it with the library's estimators; the study itself only
/// plans, stores, analyses and reports.
/// </summary>
/// <remarks>
/// <para>A runner must use the data exactly as <c>data.GetSplit(trial.Lookback, trial.Horizon, trial.Fold)</c>
/// (<see cref="StudyDataset.GetSplit"/>) describes: train on the windows
/// whose origin is in <see cref="StudySplit.TrainOrigins"/>, stop early on <see cref="StudySplit.ValidationOrigins"/>,
/// fit the scaler on rows [<see cref="StudySplit.ScalerStart"/>, <see cref="StudySplit.ScalerEnd"/>) and score
/// only <see cref="StudySplit.TestOrigins"/> (windows whose targets are imputed are already excluded). A window with
/// origin t uses rows t − L + 1 … t and forecasts rows t + 1 … t + H.</para>
/// <para>Baseline trials (<see cref="StudyTrial.IsBaseline"/>) use the same windows: naive, seasonal naive
/// (<see cref="StudyDataset.SeasonalPeriod"/>), DLinear (no regularization) and an ML.NET FastTree regression on the
/// lookback window (one model per horizon step for H &gt; 1).</para>
/// <para>Honour <paramref name="cancellationToken"/> between epochs (throw <see cref="OperationCanceledException"/>);
/// the study discards the interrupted trial and keeps the finished ones.</para>
/// </remarks>
public interface IStudyTrialRunner
{
    /// <summary>Runs <paramref name="trial"/> on <paramref name="data"/> and returns its scores.</summary>
    StudyTrialResult Run(StudyTrial trial, StudyDataset data, CancellationToken cancellationToken);
}

/// <summary>
/// Placeholder used by the command line until the training runner is wired: every trial throws
/// <see cref="NotImplementedException"/>. The integrator replaces it with the real runner.
/// </summary>
public sealed class UnwiredStudyTrialRunner : IStudyTrialRunner
{
    /// <inheritdoc/>
    public StudyTrialResult Run(StudyTrial trial, StudyDataset data, CancellationToken cancellationToken) =>
        throw new NotImplementedException("training runner not wired");
}
