using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using SynapticPruning.Study.Data;

namespace Samples.Commands;

/// <summary>
/// The published long-horizon configurations the <c>accuracy</c> command trains (docs/accuracy.md): PatchTST/42 and
/// DLinear on ETTh1 with the standard 12/4/4-month split. Public so that other programs (the benchmarks) train exactly
/// what the command trains.
/// </summary>
public static class PublishedConfigurations
{
    /// <summary>End of the ETTh1 training rows (12 months of hours): rows [0, 8640).</summary>
    public const int Etth1TrainEnd = 8640;

    /// <summary>End of the ETTh1 validation rows (4 months): rows [8640, 11520), read from 8640 − lookback.</summary>
    public const int Etth1ValidationEnd = 11520;

    /// <summary>End of the ETTh1 test rows (4 months): rows [11520, 14400), read from 11520 − lookback.</summary>
    public const int Etth1TestEnd = 14400;

    /// <summary>The published lookback L of the long-horizon protocol.</summary>
    public const int Lookback = 336;

    /// <summary>The published horizon H of the row the accuracy command reports.</summary>
    public const int Horizon = 96;

    /// <summary>ETTh1's seven channels in file order; all are targets (multivariate forecasting).</summary>
    public static IReadOnlyList<string> Etth1Channels { get; } = ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"];

    /// <summary>
    /// The ETTh1 split as the accuracy command loads it: the bundled file's seven channels, training rows
    /// [0, <paramref name="trainEnd"/>), validation rows [<paramref name="trainEnd"/> − <paramref name="lookback"/>,
    /// <paramref name="validationEnd"/>) and test rows [<paramref name="validationEnd"/> − <paramref name="lookback"/>,
    /// <paramref name="testEnd"/>), each in original units (the trainer fits its scaler on the training part).
    /// </summary>
    /// <param name="lookback">Lookback of the model (the validation and test parts start that many rows early).</param>
    /// <param name="trainEnd">End of the training rows (default the standard 8,640).</param>
    /// <param name="validationEnd">End of the validation rows (default 11,520).</param>
    /// <param name="testEnd">End of the test rows (default 14,400).</param>
    /// <param name="dataRoot">Folder holding the bundled datasets; null finds it (<see cref="BundledDatasets.FindDataRoot()"/>).</param>
    public static (TimeSeriesData Train, TimeSeriesData Validation, TimeSeriesData Test) Etth1Split(int lookback = Lookback,
        int trainEnd = Etth1TrainEnd, int validationEnd = Etth1ValidationEnd, int testEnd = Etth1TestEnd, string? dataRoot = null)
    {
        var table = BundledDatasets.Load("etth1", dataRoot ?? BundledDatasets.FindDataRoot());
        var names = Etth1Channels.ToArray();
        var columns = names.Select(c => table.Column(c).Select(v => (float)v).ToArray()).ToArray();
        return (Slice(columns, names, 0, trainEnd), Slice(columns, names, trainEnd - lookback, validationEnd), Slice(columns, names, validationEnd - lookback, testEnd));
    }

    /// <summary>
    /// PatchTST/42 as published for ETTh1 (supervised script): patch 16, stride 8 (42 patches at L = 336), d_model 16,
    /// 4 heads, 3 encoder layers, d_ff 128, dropout 0.3 with attention-weight and head dropout 0, RevIN
    /// (<see cref="InstanceNormalization.Window"/>), seven target channels. 81,728 parameters at L = 336, H = 96.
    /// </summary>
    /// <param name="lookback">Lookback L (336 published; the smoke run uses a shorter one).</param>
    /// <param name="horizon">Horizon H (96 in the accuracy table).</param>
    public static ForecasterSpec PatchTst42(int lookback = Lookback, int horizon = Horizon) => new()
    {
        Kind = ForecasterKind.PatchTst, Lookback = lookback, Horizon = horizon, TargetChannels = 7,
        ModelDimension = 16, NumberOfHeads = 4, NumberOfLayers = 3, FeedForwardSize = 128, PatchLength = 16, Stride = 8, DropoutRate = 0.3,
        AttentionDropout = 0, HeadDropout = 0, Normalization = InstanceNormalization.Window,
    };

    /// <summary>
    /// PatchTST's ETTh1 training (supervised script): Adam lr 1e-4, batch 128, dropout 0.3, lradj 'type3' set after each
    /// epoch with epoch + 1 (constant while that is &lt; 3, then ×0.9), and the effect of constructing its OneCycleLR
    /// scheduler: the first epoch trains at lr/25 and Adam's β₁ is 0.95 throughout. Rates per epoch (×1e-4): 0.04, 1, 1,
    /// 1, 0.9, 0.81, … Patience 3, seed 2021.
    /// </summary>
    /// <param name="epochs">Most epochs (the accuracy command's <c>--epochs</c>, default 8).</param>
    /// <param name="regularization">Dropout for the published row; with pruning for the <c>--with-pruning</c> row.</param>
    /// <param name="restoreFrom">Which epoch's weights the fit returns.</param>
    /// <param name="pruning">Pruning settings (with a pruning regularization); null = the defaults.</param>
    public static TrainingOptions PatchTstTraining(int epochs, Regularization regularization = Regularization.Dropout,
        RestoreFrom restoreFrom = RestoreFrom.AnyEpoch, PruningOptions? pruning = null) => new()
    {
        MaxEpochs = epochs, BatchSize = 128, LearningRate = 1e-4, Beta1 = 0.95, Patience = 3, Regularization = regularization,
        DropoutRate = 0.3, ConstantLearningRateEpochs = 4, LearningRateGamma = 0.9, FirstEpochLearningRateFactor = 1.0 / 25,
        RestoreFrom = restoreFrom, Seed = 2021, Pruning = pruning ?? new(),
    };

    /// <summary>DLinear as published for ETTh1 (LTSF-Linear): moving-average kernel 25, shared linear maps, seven target channels.</summary>
    /// <param name="lookback">Lookback L (336 published).</param>
    /// <param name="horizon">Horizon H (96 in the accuracy table).</param>
    public static ForecasterSpec DLinear(int lookback = Lookback, int horizon = Horizon) => new()
    {
        Kind = ForecasterKind.DLinear, Lookback = lookback, Horizon = horizon, TargetChannels = 7, MovingAverageKernel = 25,
    };

    /// <summary>
    /// LTSF-Linear's ETTh1 script: lr 0.005, batch 32, lradj 'type1', set after each epoch with epoch + 1: the first two
    /// epochs train at 0.005, then the rate halves every epoch (TrainingOptions.ConstantLearningRateEpochs). Patience 3.
    /// </summary>
    /// <param name="epochs">Most epochs (the accuracy command's <c>--dlinear-epochs</c>, default 10).</param>
    /// <param name="seed">Seed (2021 for the table, 2022, … for the spread).</param>
    public static TrainingOptions DLinearTraining(int epochs, int seed) => new()
    {
        MaxEpochs = epochs, BatchSize = 32, LearningRate = 0.005, Patience = 3, Regularization = Regularization.None,
        ConstantLearningRateEpochs = 2, LearningRateGamma = 0.5, RestoreFrom = RestoreFrom.AnyEpoch, Seed = seed,
    };

    private static TimeSeriesData Slice(float[][] columns, string[] names, int start, int end)
        => new(columns.Select(c => c[start..end]).ToArray(), null, names);
}
