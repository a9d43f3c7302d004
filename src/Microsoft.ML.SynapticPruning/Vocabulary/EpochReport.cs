namespace Microsoft.ML.SynapticPruning;

/// <summary>Progress of one training epoch (losses are mean squared errors on the scaled series).</summary>
/// <param name="Epoch">0-based epoch index.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's windows.</param>
/// <param name="ValidationLoss">Deterministic validation loss (null when there is no validation part).</param>
/// <param name="TargetSparsity">The schedule's target at the end of the epoch (0 without pruning).</param>
/// <param name="GlobalSparsity">Global sparsity of the prunable weights at the end of the epoch.</param>
/// <param name="LearningRate">Learning rate the optimizer used in the epoch (read back from it; see <see cref="Training.TrainingOptions.LearningRateAt"/>).</param>
/// <param name="Elapsed">Time since the fit started.</param>
public sealed record EpochReport(int Epoch, double TrainLoss, double? ValidationLoss, double TargetSparsity, double GlobalSparsity, double LearningRate, TimeSpan Elapsed);
