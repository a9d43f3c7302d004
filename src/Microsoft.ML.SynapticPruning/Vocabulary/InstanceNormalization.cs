namespace Microsoft.ML.SynapticPruning;

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
