namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>Which <see cref="ForecasterKind"/> values are networks and which are lag-window models.</summary>
public static class ForecasterKinds
{
    /// <summary>True for RNN, LSTM, GRU, PatchTST and DLinear (TorchSharp networks); false for the lag-window models.</summary>
    public static bool IsNetwork(this ForecasterKind kind) => kind is ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru
        or ForecasterKind.PatchTst or ForecasterKind.DLinear;

    /// <summary>True for the lag-window models: naive, seasonal naive, FastTree, LightGbm.</summary>
    public static bool IsLagWindow(this ForecasterKind kind) => kind is ForecasterKind.Naive or ForecasterKind.SeasonalNaive
        or ForecasterKind.FastTree or ForecasterKind.LightGbm;

    /// <summary>True for the lag-window models that learn (FastTree, LightGbm).</summary>
    public static bool IsTreeEnsemble(this ForecasterKind kind) => kind is ForecasterKind.FastTree or ForecasterKind.LightGbm;
}
