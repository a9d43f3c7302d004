using Microsoft.ML.SynapticPruning.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Models;

/// <summary>
/// DLinear (Zeng et al., AAAI 2023), shared ("non-individual") variant: a moving-average decomposition
/// (kernel <see cref="ForecasterSpec.MovingAverageKernel"/>, edge-replicated) splits each channel's window into trend and
/// remainder, <c>Linear(L → H)</c> maps each part along time, and the two forecasts are summed. Channel-independent:
/// every channel uses the same two linear maps; covariates are not accepted. Optional per-window normalisation
/// (default <see cref="InstanceNormalization.None"/>). The spec's dropout is applied to both parts' inputs.
/// </summary>
public sealed class DLinearForecaster : ForecastingNetwork
{
    private readonly InstanceNormalization _normalization;

#pragma warning disable IDE1006 // TorchSharp names submodules after the fields.
    private readonly MovingAverageDecomposition decomposition;
    private readonly ContextDropout input_dropout;
    private readonly Linear trend_linear;
    private readonly Linear remainder_linear;
#pragma warning restore IDE1006

    /// <summary>Builds the network described by <paramref name="spec"/> (validated with <see cref="ForecasterFactory.Validate"/>).</summary>
    public DLinearForecaster(ForecasterSpec spec) : base("dlinear", spec)
    {
        if (spec.Kind != ForecasterKind.DLinear)
            throw new ArgumentException($"The spec describes a {spec.Kind} model; DLinearForecaster needs Kind = DLinear.", nameof(spec));
        ForecasterFactory.Validate(spec);
        _normalization = ForecasterFactory.ResolveNormalization(spec);
        decomposition = new MovingAverageDecomposition(spec.MovingAverageKernel);
        input_dropout = new ContextDropout(spec.DropoutRate, "input_dropout");
        trend_linear = nn.Linear(spec.Lookback, spec.Horizon);
        remainder_linear = nn.Linear(spec.Lookback, spec.Horizon);
        RegisterComponents();
    }

    /// <summary>The per-window normalisation in use.</summary>
    public InstanceNormalization Normalization => _normalization;

    /// <summary>The decomposition of <paramref name="x"/> (batch, time, channels) into (trend, remainder), without normalisation.</summary>
    public (Tensor Trend, Tensor Remainder) Decompose(Tensor x) => decomposition.Decompose(x);

    /// <summary>
    /// The trend path alone: the forecast (batch, horizon, channels) that <c>trend_linear</c> makes from the trend of
    /// <paramref name="x"/>, without normalisation or dropout. Exposed for tests and diagnostics.
    /// </summary>
    public Tensor TrendForecast(Tensor x)
    {
        var (trend, _) = decomposition.Decompose(x);
        return trend_linear.forward(trend.permute(0, 2, 1)).permute(0, 2, 1);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(context);
        ForecasterFactory.CheckInput(x, Spec);
        var (normalized, normalizer) = WindowNormalizer.Normalize(x, _normalization);
        var (trend, remainder) = decomposition.Decompose(normalized);
        var trendPart = trend_linear.forward(input_dropout.Forward(trend.permute(0, 2, 1), context));         // (B, C, H)
        var remainderPart = remainder_linear.forward(input_dropout.Forward(remainder.permute(0, 2, 1), context));
        return normalizer.Denormalize((trendPart + remainderPart).permute(0, 2, 1));
    }
}
