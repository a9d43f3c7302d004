namespace Samples.Study;

/// <summary>How a study splits, scales, stops early and scores.</summary>
public enum StudyProtocol
{
    /// <summary>
    /// Leakage-free protocol (the default): chronological 70/10/20 train/validation/test split, scaler fitted on the
    /// training rows only, early stopping on the validation part with best-weights restore, the test part scored
    /// once, 5 seeds, horizons 1 and 7, MC dropout with 30 samples, and the Zhu–Gupta curve as a second pruning arm.
    /// </summary>
    Rigorous,

    /// <summary>
    /// The authors' protocol, reproduced with its flaws: scaler fitted on the whole series, chronological 80/20 split
    /// of the windows with the 20% used both for early stopping (patience 3, last weights kept) and for reporting,
    /// one-step forecasts, 10 seeds (42..51), the authors' 0-based schedule, MC dropout with one sample, and PatchTST's
    /// pruning arm trained with dropout 0.3 as well.
    /// </summary>
    Paper,

    /// <summary>
    /// The authors' Bitcoin pipeline in all its semantics (their <c>Runtime_Analysis.py</c>; docs/study.md, "The authors'
    /// protocol"): everything <see cref="Paper"/> does, plus their inputs — the engineered features of
    /// <see cref="AuthorsFeatureEngineering"/> (date parts, lags and leads of the target at 1, 3, 7, 14, 30, i.e. future
    /// targets among the inputs) fed without the target itself (<see cref="AuthorsLstmForecaster"/>), target and features
    /// standardised over the whole series, so MAEs are in units of the target's standard deviation — their early-stopping
    /// rule (<see cref="Microsoft.ML.SynapticPruning.Training.EarlyStoppingRule.ConsecutiveNonDecreasing"/>) and a stochastic
    /// validation loss for MC dropout. Bitcoin and LSTM only.
    /// </summary>
    Authors,
}

/// <summary>Properties shared by several <see cref="StudyProtocol"/> values.</summary>
public static class StudyProtocolExtensions
{
    /// <summary>Whether <paramref name="protocol"/> uses the paper's split (80/20 windows, validation = test, scaler on the
    /// whole series, one-step forecasts, 10 seeds): <see cref="StudyProtocol.Paper"/> and <see cref="StudyProtocol.Authors"/>.</summary>
    public static bool UsesPaperSplit(this StudyProtocol protocol) => protocol is StudyProtocol.Paper or StudyProtocol.Authors;

    /// <summary>The protocol's command-line name (<c>rigorous</c>, <c>paper</c>, <c>authors</c>).</summary>
    public static string CliName(this StudyProtocol protocol) => protocol.ToString().ToLowerInvariant();
}

/// <summary>Which rows the runner fits the target/covariate scaler on.</summary>
public enum StudyScalerPolicy
{
    /// <summary>Fit on the training rows only (rows [0, <see cref="StudySplit.TrainEnd"/>)).</summary>
    TrainOnly,

    /// <summary>Fit on the whole prepared series, test rows included (the paper's leak).</summary>
    WholeSeries,
}

/// <summary>Which cubic curve raises the target sparsity of a pruning arm.</summary>
public enum StudyPruningCurve
{
    /// <summary>The arm does not prune.</summary>
    None,

    /// <summary>The paper's curve s = s_i + (s_f − s_i)·p³ (slow, then fast).</summary>
    Paper,

    /// <summary>Zhu &amp; Gupta (2017): s = s_f + (s_i − s_f)·(1 − p)³ (fast, then flattening).</summary>
    ZhuGupta,
}

/// <summary>Which epoch counting the pruning schedule uses (docs/design.md, "Schedule counting").</summary>
public enum StudyScheduleCounting
{
    /// <summary>p = clip((e − w)/(T − 1 − w), 0, 1): the last epoch reaches s_f.</summary>
    ReachesFinal,

    /// <summary>The authors' p = (e − w)/(T − w): stops at 0.637 for 0.3→0.7, w 2, T 20.</summary>
    AuthorsZeroBased,
}
