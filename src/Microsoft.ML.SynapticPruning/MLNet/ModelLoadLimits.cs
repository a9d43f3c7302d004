using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Persistence;

namespace Microsoft.ML.SynapticPruning.MLNet;

/// <summary>
/// Hard limits a model file must respect before any network is built from it, so a hostile or damaged
/// <c>model.json</c> (the per-entry SHA-256 proves integrity, not authenticity: anyone can recompute it) cannot make
/// libtorch allocate an arbitrary amount of memory or make forecasting run unbounded work. The architecture's parameter
/// count, computed from the spec alone, must also equal the number of parameter values the file really stores (read
/// from the tensor headers), so the network built next is no larger than the payload already read.
/// </summary>
internal static class ModelLoadLimits
{
    /// <summary>Largest network a file may describe (400 MB of float32 weights).</summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>Largest lookback (rows per window) a file may declare.</summary>
    public const int MaxLookback = 1_000_000;

    /// <summary>Largest horizon a file may declare.</summary>
    public const int MaxHorizon = 100_000;

    /// <summary>Largest number of input channels (targets + covariates) a file may declare.</summary>
    public const int MaxChannels = 100_000;

    /// <summary>Largest number of Monte-Carlo samples a file may declare (each forecast runs that many passes).</summary>
    public const int MaxMonteCarloSamples = 10_000;

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="infoEntry"/> and the limit when a bound is broken.</summary>
    public static void Check(ForecastingModelInfo info, ModelPayload payload, string infoEntry)
    {
        var spec = info.Spec;
        Bound(spec.Lookback, MaxLookback, nameof(ForecasterSpec.Lookback), infoEntry);
        Bound(spec.Horizon, MaxHorizon, nameof(ForecasterSpec.Horizon), infoEntry);
        Bound((long)spec.TargetChannels + spec.CovariateChannels, MaxChannels, "TargetChannels + CovariateChannels", infoEntry);
        if (info.MonteCarloSamples < 0 || info.MonteCarloSamples > MaxMonteCarloSamples)
            throw new InvalidDataException($"Entry '{infoEntry}' declares MonteCarloSamples = {info.MonteCarloSamples}; a model file may declare 0 to {MaxMonteCarloSamples:N0}. The file is damaged or not a model of this library.");

        long declared;
        try
        {
            declared = ForecasterFactory.CountParameters(spec);
        }
        catch (OverflowException)
        {
            declared = long.MaxValue;
        }
        if (declared > MaxParameters)
            throw new InvalidDataException(
                $"Entry '{infoEntry}' describes a {spec.Kind} network of {(declared == long.MaxValue ? "more than 2^63" : declared.ToString("N0"))} parameters; " +
                $"a model file may describe at most {MaxParameters:N0}. The file is damaged or not a model of this library; nothing was allocated.");
        long stored = 0;
        foreach (string name in payload.EntryNames)
        {
            if (!name.StartsWith("param/", StringComparison.Ordinal)) continue;
            stored += SparseTensorCodec.ReadShape(payload.Get(name).Span, name).Aggregate(1L, (a, d) => a * d);
            if (stored > MaxParameters)
                throw new InvalidDataException($"The param/ entries of this file hold more than {MaxParameters:N0} values (at '{name}'); a model file may hold at most {MaxParameters:N0}.");
        }
        if (stored != declared)
            throw new InvalidDataException(
                $"Entry '{infoEntry}' describes a {spec.Kind} network of {declared:N0} parameters but the file's param/ entries hold {stored:N0} values: " +
                "the architecture does not match the stored weights (the file is damaged or was edited); nothing was allocated.");
    }

    private static void Bound(long value, long max, string option, string infoEntry)
    {
        if (value > max)
            throw new InvalidDataException($"Entry '{infoEntry}' declares {option} = {value:N0}; a model file may declare at most {max:N0}. The file is damaged or not a model of this library.");
    }
}
