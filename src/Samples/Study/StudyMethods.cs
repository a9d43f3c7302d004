namespace Samples.Study;

/// <summary>Names of the study's models, regularization arms and baselines (the values used on the command line,
/// in trial ids and in the results CSV).</summary>
public static class StudyMethods
{
    /// <summary>No regularization.</summary>
    public const string None = "none";

    /// <summary>Dropout 0.3, switched off at inference.</summary>
    public const string Dropout = "dropout";

    /// <summary>Dropout 0.3 kept on at inference; the forecast is the mean of the protocol's MC samples.</summary>
    public const string McDropout = "mc-dropout";

    /// <summary>Synaptic pruning with the paper's cubic curve (the arm under test; the reference of % changes).</summary>
    public const string Pruning = "pruning";

    /// <summary>Synaptic pruning with the Zhu–Gupta cubic curve (rigorous protocol only).</summary>
    public const string PruningZhuGupta = "pruning-zhugupta";

    /// <summary>Structured synaptic pruning (recurrent units, attention heads, feed-forward neurons; paper curve), rigorous protocol only.</summary>
    public const string PruningStructured = "pruning-structured";

    /// <summary>Baseline: the last observed value repeated.</summary>
    public const string Naive = "naive";

    /// <summary>Baseline: the value one season earlier.</summary>
    public const string SeasonalNaive = "seasonal-naive";

    /// <summary>Baseline: DLinear without regularization, trained like the other models.</summary>
    public const string DLinear = "dlinear";

    /// <summary>Baseline: ML.NET FastTree regression on the same lookback windows (direct strategy for H &gt; 1).</summary>
    public const string FastTree = "fasttree";

    /// <summary>The model name of baseline trials (a baseline is not tied to one of the study's networks).</summary>
    public const string BaselineModel = "baseline";

    /// <summary>The study's networks.</summary>
    public static IReadOnlyList<string> Models { get; } = ["rnn", "lstm", "gru", "patchtst"];

    /// <summary>Regularization arms of the paper and authors protocols.</summary>
    public static IReadOnlyList<string> PaperArms { get; } = [None, Dropout, McDropout, Pruning];

    /// <summary>Regularization arms of the rigorous protocol (the paper's four plus the Zhu–Gupta curve).</summary>
    public static IReadOnlyList<string> RigorousArms { get; } = [None, Dropout, McDropout, Pruning, PruningZhuGupta, PruningStructured];

    /// <summary>Baselines (reported beside the arms in every table, never ranked).</summary>
    public static IReadOnlyList<string> Baselines { get; } = [Naive, SeasonalNaive, DLinear, FastTree];

    /// <summary>The regularization arms of <paramref name="protocol"/>.</summary>
    public static IReadOnlyList<string> ArmsOf(StudyProtocol protocol) => protocol.UsesPaperSplit() ? PaperArms : RigorousArms;

    /// <summary>Whether <paramref name="method"/> is a baseline.</summary>
    public static bool IsBaseline(string method) => Baselines.Contains(method);

    /// <summary>Whether a baseline is deterministic (run for the first seed only).</summary>
    public static bool IsDeterministicBaseline(string method) => method is Naive or SeasonalNaive or FastTree;

    /// <summary>Whether the arm prunes.</summary>
    public static bool IsPruning(string method) => method is Pruning or PruningZhuGupta or PruningStructured;

    /// <summary>Display order: arms first (protocol order), then baselines.</summary>
    public static int Order(string method)
    {
        int i = RigorousArms.ToList().IndexOf(method);
        if (i >= 0) return i;
        int b = Baselines.ToList().IndexOf(method);
        return b >= 0 ? 100 + b : 1000;
    }
}
