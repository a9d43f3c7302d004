using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Training;

namespace Samples.Study;

/// <summary>
/// The hyper-parameters a protocol prescribes for every trained trial. Immutable; obtain them from
/// <see cref="For(StudyProtocol)"/>.
/// </summary>
public sealed record StudyTrainingSettings
{
    /// <summary>Adam learning rate. Both protocols: 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Mini-batch size. Both protocols: 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Early-stopping patience in epochs. Both protocols: 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>How early stopping reads the validation losses. Rigorous and paper: <see cref="EarlyStoppingRule.Patience"/>
    /// (no new best for 3 epochs); authors: <see cref="EarlyStoppingRule.ConsecutiveNonDecreasing"/> (their
    /// <c>early_stopping</c>: each of the last 3 epochs' losses ≥ the one before).</summary>
    public EarlyStoppingRule EarlyStopping { get; init; } = EarlyStoppingRule.Patience;

    /// <summary>Whether the recurrent network reads the covariates only, not the target channel (authors: their
    /// <see cref="AuthorsLstmForecaster"/> fed with <see cref="AuthorsFeatureEngineering"/>'s columns). Others: false.</summary>
    public bool FeaturesOnlyInput { get; init; }

    /// <summary>Whether the MC-dropout arm's validation loss (early stopping) is itself one stochastic dropout pass, as in the
    /// authors' script, which validates in <c>train()</c> mode. Authors: true; others: false (deterministic validation).</summary>
    public bool StochasticMcValidation { get; init; }

    /// <summary>Whether the best validation epoch's weights (and masks) are restored. Paper: false (last weights kept);
    /// rigorous: true (only epochs ≥ warm-up are eligible, docs/design.md, "Schedule counting").</summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>Dropout rate of the dropout and MC-dropout arms (and of PatchTST's pruning arm in the paper protocol). 0.3.</summary>
    public double DropoutRate { get; init; } = 0.3;

    /// <summary>Number of MC-dropout passes averaged at scoring, each stochastic (1 = one dropout sample, as the authors'
    /// scripts; the library's <c>MonteCarloSamples</c> means the same). Paper: 1; rigorous: 30.</summary>
    public int McSamples { get; init; } = 1;

    /// <summary>Initial target sparsity s_i. 0.3.</summary>
    public double InitialSparsity { get; init; } = 0.3;

    /// <summary>Final target sparsity s_f. 0.7.</summary>
    public double FinalSparsity { get; init; } = 0.7;

    /// <summary>Warm-up epochs before pruning starts. 2.</summary>
    public int WarmupEpochs { get; init; } = 2;

    /// <summary>Mask update interval in optimizer steps (counted globally, never reset at epoch boundaries). 5.</summary>
    public int PruningInterval { get; init; } = 5;

    /// <summary>Epoch counting of the schedule. Paper: <see cref="StudyScheduleCounting.AuthorsZeroBased"/>;
    /// rigorous: <see cref="StudyScheduleCounting.ReachesFinal"/>.</summary>
    public StudyScheduleCounting ScheduleCounting { get; init; } = StudyScheduleCounting.ReachesFinal;

    /// <summary>Per-window normalisation of RNN/LSTM/GRU. Paper: <see cref="InstanceNormalization.None"/> (global
    /// scaler only, as the authors); rigorous: <see cref="InstanceNormalization.WindowLast"/> (docs/design.md, "Inputs and normalisation").</summary>
    public InstanceNormalization RecurrentNormalization { get; init; } = InstanceNormalization.WindowLast;

    /// <summary>Per-window normalisation of PatchTST: <see cref="InstanceNormalization.Window"/> (RevIN, as published). The DLinear
    /// baseline gets <see cref="RecurrentNormalization"/>, like the recurrent models (published DLinear has no RevIN).</summary>
    public InstanceNormalization PatchTstNormalization { get; init; } = InstanceNormalization.Window;

    /// <summary>Whether PatchTST's pruning arm also uses dropout (<see cref="DropoutRate"/>). Paper: true, as the authors ran it.</summary>
    public bool PatchTstPruningWithDropout { get; init; }

    /// <summary>The settings of <paramref name="protocol"/>.</summary>
    public static StudyTrainingSettings For(StudyProtocol protocol) => protocol switch
    {
        StudyProtocol.Authors => new StudyTrainingSettings
        {
            RestoreBestWeights = false,
            McSamples = 1,
            ScheduleCounting = StudyScheduleCounting.AuthorsZeroBased,
            RecurrentNormalization = InstanceNormalization.None,
            PatchTstPruningWithDropout = false, // no PatchTST in this protocol
            EarlyStopping = EarlyStoppingRule.ConsecutiveNonDecreasing,
            FeaturesOnlyInput = true,
            StochasticMcValidation = true,
        },
        StudyProtocol.Paper => new StudyTrainingSettings
        {
            RestoreBestWeights = false,
            McSamples = 1,
            ScheduleCounting = StudyScheduleCounting.AuthorsZeroBased,
            RecurrentNormalization = InstanceNormalization.None,
            PatchTstPruningWithDropout = true,
        },
        _ => new StudyTrainingSettings
        {
            RestoreBestWeights = true,
            McSamples = 30,
            ScheduleCounting = StudyScheduleCounting.ReachesFinal,
            RecurrentNormalization = InstanceNormalization.WindowLast,
            PatchTstPruningWithDropout = false,
        },
    };
}
