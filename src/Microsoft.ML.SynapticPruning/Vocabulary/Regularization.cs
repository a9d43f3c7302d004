namespace Microsoft.ML.SynapticPruning;

/// <summary>The regularizer a forecaster is trained with.</summary>
public enum Regularization
{
    /// <summary>No regularization (early stopping only).</summary>
    None,

    /// <summary>Dropout during training; deterministic forecasts. The module must be built with <c>Spec.DropoutRate</c> &gt; 0.</summary>
    Dropout,

    /// <summary>Dropout during training and Monte-Carlo dropout at scoring. The module must be built with <c>Spec.DropoutRate</c> &gt; 0.</summary>
    MonteCarloDropout,

    /// <summary>Synaptic pruning (global magnitude masks on a cubic schedule). Default.</summary>
    SynapticPruning,

    /// <summary>Synaptic pruning plus dropout. The module must be built with <c>Spec.DropoutRate</c> &gt; 0.</summary>
    SynapticPruningWithDropout,
}

internal static class RegularizationExtensions
{
    public static bool UsesPruning(this Regularization r) => r is Regularization.SynapticPruning or Regularization.SynapticPruningWithDropout;

    public static bool UsesDropout(this Regularization r)
        => r is Regularization.Dropout or Regularization.MonteCarloDropout or Regularization.SynapticPruningWithDropout;
}
