namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// The forecasters the library trains: five networks (RNN … DLinear) and four lag-window models (naive, seasonal naive,
/// FastTree, LightGbm; <see cref="LagWindowForecasterOptions"/>) that no network is built for.
/// </summary>
public enum ForecasterKind
{
    /// <summary>Elman RNN (tanh), last hidden state → linear head.</summary>
    Rnn,
    /// <summary>LSTM, last hidden state → linear head.</summary>
    Lstm,
    /// <summary>GRU, last hidden state → linear head.</summary>
    Gru,
    /// <summary>PatchTST (Nie et al. 2023): channel-independent patches, RevIN, Transformer encoder, flatten head.</summary>
    PatchTst,
    /// <summary>DLinear (Zeng et al. 2023): moving-average decomposition and two linear maps.</summary>
    DLinear,
    /// <summary>Not a network: the last observed value repeated for every horizon step (lookback 1).</summary>
    Naive,
    /// <summary>Not a network: the value one season earlier (lookback = the season m; step h repeats row h mod m of the window).</summary>
    SeasonalNaive,
    /// <summary>Not a network: ML.NET FastTree regression on lag windows, one model per horizon step (direct strategy).</summary>
    FastTree,
    /// <summary>Not a network: ML.NET LightGbm regression on lag windows, one model per horizon step (direct strategy).</summary>
    LightGbm,
}
