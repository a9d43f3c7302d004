using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// The deterministic forward of a <see cref="RecurrentForecaster"/> by its documented definition, in float64 from the
/// module's named parameters: per-window normalisation of the target channels (covariates pass through), the stacked
/// single-layer recurrent modules <c>{rnn|lstm|gru}.i</c> stepped in time (<see cref="TextbookRecurrentLayer"/>), the last
/// layer's hidden state at the last step through <c>head</c> (Linear hidden → H·C), reshaped to (batch, H, C) and
/// denormalised. Dropout is the identity (inference, or p = 0).
/// </summary>
internal static class RecurrentForecasterReference
{
    /// <summary>The layer-name prefix of <paramref name="kind"/> (rnn, lstm, gru), as documented on RecurrentForecaster.</summary>
    public static string Prefix(ForecasterKind kind) => kind switch
    {
        ForecasterKind.Rnn => "rnn",
        ForecasterKind.Lstm => "lstm",
        ForecasterKind.Gru => "gru",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a recurrent kind."),
    };

    /// <summary>The reference forecast (batch, H, C), float64, for the float32 input <paramref name="x"/> (batch, L, targets + covariates).</summary>
    public static Tensor Forward(ForecastingNetwork module, Tensor x) => Forward(module.Spec, ModuleTensors.Of(module), x);

    /// <summary>The reference forecast from explicit <paramref name="tensors"/> of a model with <paramref name="spec"/>.</summary>
    public static Tensor Forward(ForecasterSpec spec, ModuleTensors tensors, Tensor x)
    {
        var h = LastHidden(spec, tensors, x, out var statistics);
        long batch = x.shape[0];
        var forecast = tensors.Affine("head", h).view(batch, spec.Horizon, spec.TargetChannels);
        return statistics.Denormalize(forecast);
    }

    /// <summary>
    /// The last layer's hidden state at the last time step (batch, hidden), float64, and the window statistics of the
    /// target channels (needed to denormalise a head applied to it).
    /// </summary>
    public static Tensor LastHidden(ForecasterSpec spec, ModuleTensors tensors, Tensor x, out WindowNormalizationReference statistics)
    {
        var input = x.to_type(ScalarType.Float64);
        int targets = spec.TargetChannels;
        var normalization = spec.Normalization ?? InstanceNormalization.None;    // the documented default for recurrent models
        var (normalizedTargets, windowStatistics) = WindowNormalizationReference.Normalize(input.narrow(2, 0, targets), normalization);
        statistics = windowStatistics;
        var sequence = spec.CovariateChannels == 0
            ? normalizedTargets
            : torch.cat(new[] { normalizedTargets, input.narrow(2, targets, spec.CovariateChannels) }, 2);

        var steps = Enumerable.Range(0, (int)sequence.shape[1]).Select(t => sequence.select(1, t)).ToList();
        for (int layer = 0; layer < spec.NumberOfLayers; layer++)
            steps = new TextbookRecurrentLayer(spec.Kind, tensors, $"{Prefix(spec.Kind)}.{layer}").Run(steps);
        return steps[^1];
    }
}
