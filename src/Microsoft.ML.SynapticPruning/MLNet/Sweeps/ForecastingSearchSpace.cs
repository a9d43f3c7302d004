using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// The default search space for forecasting sweeps, and the parameter names the forecasting trial runner reads.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>model</c></term><description>rnn, lstm, gru, patchtst, dlinear (networks); fasttree, lightgbm (lag-window trees, <see cref="LagWindowForecasterOptions"/>). The naive and seasonal-naive models (the season is <see cref="ForecastingSweepOptions.SeasonalPeriod"/>) are accepted values but not in the default choice: see below.</description></item>
/// <item><term><c>regularization</c></term><description>none, dropout, mc-dropout, pruning, when model is a network</description></item>
/// <item><term><c>dropout</c></term><description>[0.05, 0.5], when regularization ∈ {dropout, mc-dropout} (PatchTST: the encoder's dropout; attention-weight and head dropout stay 0, as published)</description></item>
/// <item><term><c>pruning_initial_sparsity</c></term><description>[0, 0.6], when regularization = pruning</description></item>
/// <item><term><c>pruning_final_sparsity</c></term><description>[0.3, 0.95], when regularization = pruning; constraint final ≥ initial, enforced by resampling</description></item>
/// <item><term><c>pruning_warmup_epochs</c></term><description>integer [0, 5], when regularization = pruning</description></item>
/// <item><term><c>pruning_interval</c></term><description>integer [1, 20] log (optimizer steps between mask updates), when regularization = pruning</description></item>
/// <item><term><c>lookback</c></term><description>integer [7, 96] log, when model is a network, fasttree or lightgbm (the trees' lags)</description></item>
/// <item><term><c>trees</c></term><description>integer [20, 300] log, when model ∈ {fasttree, lightgbm} (trees per step model)</description></item>
/// <item><term><c>leaves</c></term><description>integer [4, 64] log, when model ∈ {fasttree, lightgbm}</description></item>
/// <item><term><c>tree_learning_rate</c></term><description>[0.02, 0.3] log, when model ∈ {fasttree, lightgbm}</description></item>
/// <item><term><c>hidden_size</c></term><description>16, 32, 64, 128, when model ∈ {rnn, lstm, gru}</description></item>
/// <item><term><c>layers</c></term><description>integer [1, 3], when model ∈ {rnn, lstm, gru, patchtst} (recurrent layers, or PatchTST encoder layers)</description></item>
/// <item><term><c>d_model</c></term><description>16, 32, 64, when model = patchtst</description></item>
/// <item><term><c>heads</c></term><description>2, 4, when model = patchtst</description></item>
/// <item><term><c>learning_rate</c></term><description>[1e-4, 1e-2] log, when model is a network</description></item>
/// <item><term><c>batch_size</c></term><description>32, 64, 128, when model is a network</description></item>
/// </list>
/// The naive and seasonal-naive models have no parameters, and a sweep scores them as baselines on the same folds outside the
/// trial budget whatever the space holds (<see cref="ForecastingSweepResult.Baselines"/>), so they are candidates of every
/// sweep; the default <c>model</c> choice leaves them out because each tuner draw of one would spend a trial repeating
/// that score. A space may still offer them (<see cref="Models"/> lists every accepted value). Customise the returned space with <see cref="SweepSearchSpace.Add"/>, <see cref="SweepSearchSpace.Remove"/> and
/// <see cref="SweepSearchSpace.Replace"/>, e.g. <c>ForecastingSearchSpace.Default.Remove("heads").Remove("d_model").Replace(new Choice("model", "lstm", "gru"))</c>
/// (a replaced choice must still offer at least one value activating each dependent, so the PatchTST-only parameters go first).
/// </remarks>
public static class ForecastingSearchSpace
{
    /// <summary>Architecture choice.</summary>
    public const string Model = "model";
    /// <summary>Regularization choice.</summary>
    public const string Regularization = "regularization";
    /// <summary>Dropout probability.</summary>
    public const string Dropout = "dropout";
    /// <summary>Pruning initial sparsity s_i.</summary>
    public const string PruningInitialSparsity = "pruning_initial_sparsity";
    /// <summary>Pruning final sparsity s_f.</summary>
    public const string PruningFinalSparsity = "pruning_final_sparsity";
    /// <summary>Pruning warm-up epochs w.</summary>
    public const string PruningWarmupEpochs = "pruning_warmup_epochs";
    /// <summary>Optimizer steps between pruning mask updates.</summary>
    public const string PruningInterval = "pruning_interval";
    /// <summary>Lookback L.</summary>
    public const string Lookback = "lookback";
    /// <summary>Recurrent hidden size.</summary>
    public const string HiddenSize = "hidden_size";
    /// <summary>Layers (recurrent layers or PatchTST encoder layers).</summary>
    public const string Layers = "layers";
    /// <summary>PatchTST width.</summary>
    public const string DModel = "d_model";
    /// <summary>PatchTST attention heads.</summary>
    public const string Heads = "heads";
    /// <summary>Adam learning rate.</summary>
    public const string LearningRate = "learning_rate";
    /// <summary>Mini-batch size.</summary>
    public const string BatchSize = "batch_size";
    /// <summary>Pruning granularity: "weight" (single weights, the paper's) or "structure" (units, heads, neurons; not for dlinear).</summary>
    public const string PruningGranularity = "pruning_granularity";

    /// <summary>Trees per step model (FastTree trees, LightGbm iterations).</summary>
    public const string Trees = "trees";
    /// <summary>Leaves per tree.</summary>
    public const string Leaves = "leaves";
    /// <summary>Boosting learning rate of the trees.</summary>
    public const string TreeLearningRate = "tree_learning_rate";

    /// <summary>Every accepted model value: the networks, then the lag-window models (the baselines included).</summary>
    public static IReadOnlyList<string> Models { get; } = Array.AsReadOnly(new[] { "rnn", "lstm", "gru", "patchtst", "dlinear", "naive", "seasonal-naive", "fasttree", "lightgbm" });

    /// <summary>The network model values (TorchSharp, trained by epochs).</summary>
    public static IReadOnlyList<string> NetworkModels { get; } = Array.AsReadOnly(new[] { "rnn", "lstm", "gru", "patchtst", "dlinear" });

    /// <summary>The lag-window model values (<see cref="LagWindowForecasterOptions"/>; no epochs).</summary>
    public static IReadOnlyList<string> LagWindowModels { get; } = Array.AsReadOnly(new[] { "naive", "seasonal-naive", "fasttree", "lightgbm" });

    /// <summary>The tree model values.</summary>
    public static IReadOnlyList<string> TreeModels { get; } = Array.AsReadOnly(new[] { "fasttree", "lightgbm" });

    /// <summary>The baseline model values, scored by every sweep outside the trial budget (not in the default <c>model</c> choice).</summary>
    public static IReadOnlyList<string> BaselineModels { get; } = Array.AsReadOnly(new[] { "naive", "seasonal-naive" });

    /// <summary>The model values of the default <c>model</c> choice: the networks and the trees, i.e. every model that learns (<see cref="Models"/> without <see cref="BaselineModels"/>).</summary>
    public static IReadOnlyList<string> SearchedModels { get; } = Array.AsReadOnly(new[] { "rnn", "lstm", "gru", "patchtst", "dlinear", "fasttree", "lightgbm" });

    /// <summary>The regularization values.</summary>
    public static IReadOnlyList<string> Regularizations { get; } = Array.AsReadOnly(new[] { "none", "dropout", "mc-dropout", "pruning" });

    /// <summary>A new (mutable) copy of the default forecasting search space described above.</summary>
    public static SweepSearchSpace Default => Create();

    /// <summary>
    /// A new (mutable) copy of the default space restricted to the five networks (the default before the lag-window models
    /// joined): model ∈ {rnn, lstm, gru, patchtst, dlinear}, without trees, leaves and tree_learning_rate. A sweep still
    /// scores the baselines.
    /// </summary>
    public static SweepSearchSpace Networks => Create().Remove(Trees).Remove(Leaves).Remove(TreeLearningRate)
        .Replace(new Choice(Model, NetworkModels.ToArray()));

    /// <summary>Creates the default forecasting search space.</summary>
    public static SweepSearchSpace Create()
    {
        var recurrent = new[] { "rnn", "lstm", "gru" };
        var networks = NetworkModels.ToArray();
        var trees = TreeModels.ToArray();
        return new SweepSearchSpace()
            .Add(new Choice(Model, SearchedModels.ToArray()))
            .Add(new Choice(Regularization, Regularizations.ToArray()).When(Model, networks))
            .Add(new FloatRange(Dropout, 0.05, 0.5).When(Regularization, "dropout", "mc-dropout"))
            .Add(new FloatRange(PruningInitialSparsity, 0.0, 0.6).When(Regularization, "pruning"))
            .Add(new FloatRange(PruningFinalSparsity, 0.3, 0.95).When(Regularization, "pruning"))
            .Add(new IntRange(PruningWarmupEpochs, 0, 5).When(Regularization, "pruning"))
            .Add(new IntRange(PruningInterval, 1, 20, logScale: true).When(Regularization, "pruning"))
            .Add(new Choice(PruningGranularity, "weight", "structure").When(Regularization, "pruning"))
            .Add(new IntRange(Lookback, 7, 96, logScale: true).When(Model, networks.Concat(trees).ToArray()))
            .Add(new Choice(HiddenSize, "16", "32", "64", "128").When(Model, recurrent))
            .Add(new IntRange(Layers, 1, 3).When(Model, "rnn", "lstm", "gru", "patchtst"))
            .Add(new Choice(DModel, "16", "32", "64").When(Model, "patchtst"))
            .Add(new Choice(Heads, "2", "4").When(Model, "patchtst"))
            .Add(new FloatRange(LearningRate, 1e-4, 1e-2, logScale: true).When(Model, networks))
            .Add(new Choice(BatchSize, "32", "64", "128").When(Model, networks))
            .Add(new IntRange(Trees, 20, 300, logScale: true).When(Model, trees))
            .Add(new IntRange(Leaves, 4, 64, logScale: true).When(Model, trees))
            .Add(new FloatRange(TreeLearningRate, 0.02, 0.3, logScale: true).When(Model, trees))
            .RequireAtLeast(PruningFinalSparsity, PruningInitialSparsity)
            .AddConstraint("structured pruning needs units, heads or neurons (not dlinear)",
                c => !(c.GetStringOrDefault(PruningGranularity, "weight") == "structure" && c.GetString(Model) == "dlinear"));
    }
}
