namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// How <see cref="ForecastTrainer"/> decides from the validation losses that a run stops early
/// (<see cref="TrainingOptions.EarlyStopping"/>). Both rules use <see cref="TrainingOptions.Patience"/> (0 = never stop early)
/// and are checked only at epochs eligible under <see cref="TrainingOptions.RestoreFrom"/>.
/// </summary>
public enum EarlyStoppingRule
{
    /// <summary>
    /// The default: stop once <see cref="TrainingOptions.Patience"/> consecutive eligible epochs brought no validation
    /// loss below the best one seen so far.
    /// </summary>
    Patience,

    /// <summary>
    /// The rule of the authors' scripts (Vos et al., <c>early_stopping(val_losses, patience)</c>): stop once each of the
    /// last <see cref="TrainingOptions.Patience"/> epochs' validation losses is not lower than the loss of the epoch before
    /// it (a non-decreasing tail of P steps, so at least P + 1 epochs are needed). Unlike <see cref="Patience"/> it compares
    /// neighbours, not the best loss: a loss that rises above the best and then falls a little keeps training, and a
    /// plateau (equal losses) stops it. The losses are those of every epoch so far, in order. Evaluated by
    /// <see cref="EarlyStopping.EndsNonDecreasing"/>.
    /// </summary>
    ConsecutiveNonDecreasing,
}
