namespace Microsoft.ML.SynapticPruning;

/// <summary>How a forecasting sweep proposes trials.</summary>
public enum SweepTuner
{
    /// <summary>Asynchronous successive halving on epochs (<see cref="Sweeps.SuccessiveHalvingTuner"/>, η = 3, rung 0 = 1 epoch). Default.</summary>
    SuccessiveHalving,
    /// <summary>Independent random draws, each trained to MaxEpochs (<see cref="Sweeps.RandomSearchTuner"/>).</summary>
    Random,
    /// <summary>Tree-structured Parzen estimator, each trial trained to MaxEpochs (<see cref="Sweeps.TpeTuner"/>).</summary>
    Tpe,
}
