using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// Base class of every forecaster network. Input <c>x</c> has shape (batch, lookback, targetChannels + covariateChannels)
/// — the target channels first, then covariates — already scaled by the fitted global scaler; the output has shape
/// (batch, horizon, targetChannels) on the same scale. Per-window normalisation (<see cref="InstanceNormalization"/>)
/// happens inside <see cref="Forward(Tensor, ForwardContext)"/> and is undone at its output.
/// </summary>
public abstract class ForecastingNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; derived classes register their components.</summary>
    protected ForecastingNetwork(string name, ForecasterSpec spec) : base(name)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
    }

    /// <summary>The architecture this module was built from (enough to rebuild it).</summary>
    public ForecasterSpec Spec { get; }

    /// <summary>Runs the network with explicit control of stochastic layers.</summary>
    public abstract Tensor Forward(Tensor x, ForwardContext context);

    /// <summary>Deterministic inference forward pass (<see cref="ForwardContext.Inference"/>).</summary>
    public override Tensor forward(Tensor x) => Forward(x, ForwardContext.Inference);
}
