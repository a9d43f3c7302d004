using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning;

/// <summary>Options shared by the recurrent forecasters (RNN, LSTM, GRU).</summary>
public abstract class PrunedRecurrentOptions : PrunedForecasterOptions
{
    /// <summary>Hidden units per recurrent layer. Default 64 (the paper's).</summary>
    public int HiddenSize { get; set; } = 64;

    /// <summary>Stacked recurrent layers. Default 1 (the paper's).</summary>
    public int NumberOfLayers { get; set; } = 1;

    internal override ForecasterSpec ApplyArchitecture(ForecasterSpec spec) => spec with { HiddenSize = HiddenSize, NumberOfLayers = NumberOfLayers };
}
