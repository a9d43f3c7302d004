using System.Globalization;

namespace Samples.Study;

/// <summary>
/// One trial of the study grid: a model trained (or a baseline computed) with one method on one dataset, lookback,
/// horizon and seed. Immutable; created by <see cref="StudyGrid"/>.
/// </summary>
/// <param name="Id">Stable id (see <see cref="MakeId"/>); the results CSV is keyed by it and resuming skips ids already there.</param>
/// <param name="Protocol">The protocol.</param>
/// <param name="Dataset">Dataset name (e.g. <c>bitcoin</c>).</param>
/// <param name="DataVariant">Which rows of the dataset: <c>full</c> (the longest clean segment) or e.g. <c>last2000</c> (quick runs).</param>
/// <param name="Model">Network (<c>rnn</c>, <c>lstm</c>, <c>gru</c>, <c>patchtst</c>) or <see cref="StudyMethods.BaselineModel"/>.</param>
/// <param name="Method">Regularization arm or baseline name (see <see cref="StudyMethods"/>).</param>
/// <param name="Lookback">Lookback L (rows of history per window).</param>
/// <param name="Horizon">Horizon H (rows forecast per window).</param>
/// <param name="Seed">Seed of the fit (init, dropout, shuffling).</param>
/// <param name="MaxEpochs">Most epochs to train (T of the pruning schedule).</param>
/// <param name="IsBaseline">Whether the method is a baseline (reported, never ranked).</param>
/// <param name="Settings">The protocol's training hyper-parameters.</param>
public sealed record StudyTrial(
    string Id, StudyProtocol Protocol, string Dataset, string DataVariant, string Model, string Method,
    int Lookback, int Horizon, int Seed, int MaxEpochs, bool IsBaseline, StudyTrainingSettings Settings)
{
    /// <summary>Rolling-origin backtest fold (0 without a backtest); pass it to <see cref="StudyDataset.GetSplit"/>.
    /// Each fold is a block of its own in the statistics (seeds are averaged within it).</summary>
    public int Fold { get; init; }

    /// <summary>Number of backtest folds of the run (1 without a backtest).</summary>
    public int Folds { get; init; } = 1;

    /// <summary>Whether the arm prunes.</summary>
    public bool IsPruned => StudyMethods.IsPruning(Method);

    /// <summary>The pruning curve of the arm (<see cref="StudyPruningCurve.None"/> for non-pruning arms).</summary>
    public StudyPruningCurve PruningCurve => Method switch
    {
        StudyMethods.Pruning => StudyPruningCurve.Paper,
        StudyMethods.PruningZhuGupta => StudyPruningCurve.ZhuGupta,
        StudyMethods.PruningStructured => StudyPruningCurve.Paper,
        _ => StudyPruningCurve.None,
    };

    /// <summary>Dropout rate the network is built with: <see cref="StudyTrainingSettings.DropoutRate"/> for the dropout
    /// and MC-dropout arms and, in the paper protocol, PatchTST's pruning arm; 0 otherwise.</summary>
    public double DropoutRate => Method is StudyMethods.Dropout or StudyMethods.McDropout
        || (Method == StudyMethods.Pruning && Model == "patchtst" && Settings.PatchTstPruningWithDropout)
        ? Settings.DropoutRate : 0.0;

    /// <summary>MC-dropout samples averaged when scoring (0 = deterministic forecast).</summary>
    public int McSamples => Method == StudyMethods.McDropout ? Settings.McSamples : 0;

    /// <summary>The stable trial id: <c>protocol/dataset@variant/model/method/L{L}/H{H}/s{seed}/E{epochs}</c>, followed by
    /// <c>/f{fold}of{folds}</c> in a rolling-origin backtest.</summary>
    public static string MakeId(StudyProtocol protocol, string dataset, string variant, string model, string method,
        int lookback, int horizon, int seed, int maxEpochs, int fold = 0, int folds = 1) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{protocol.ToString().ToLowerInvariant()}/{dataset}@{variant}/{model}/{method}/L{lookback}/H{horizon}/s{seed}/E{maxEpochs}{(folds > 1 ? $"/f{fold}of{folds}" : "")}");

    /// <summary>The block this trial belongs to: (dataset, model, lookback, horizon, backtest fold) (docs/study.md, "Statistics").</summary>
    public string BlockId => StudyResultRow.MakeBlockId(Dataset, Model, Lookback, Horizon, Fold, Folds);

    /// <inheritdoc/>
    public override string ToString() => Id;
}
