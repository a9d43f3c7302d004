namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>The forecasting architectures the library trains.</summary>
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
}

/// <summary>Per-window normalisation applied inside the model and undone at its output.</summary>
public enum InstanceNormalization
{
    /// <summary>No per-window normalisation (inputs arrive globally scaled by the training-part scaler).</summary>
    None,
    /// <summary>Per-window, per-channel mean/std (RevIN without affine parameters). PatchTST's published default.</summary>
    Window,
    /// <summary>Subtract the window's last value and divide by the window's std, per channel.</summary>
    WindowLast,
}
