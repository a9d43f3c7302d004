namespace Microsoft.ML.SynapticPruning;

/// <summary>How prediction intervals are made.</summary>
public enum PredictionIntervalMethod
{
    /// <summary>Split-conformal intervals from residuals on a calibration tail that early stopping never saw (docs/design.md, "Conformal intervals").</summary>
    Conformal,
    /// <summary>The (1 ∓ confidence)/2 quantiles of the MC-dropout samples (requires <c>Regularization.MonteCarloDropout</c>).</summary>
    MonteCarloSpread,
}
