using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Persistence;

namespace Microsoft.ML.SynapticPruning;

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

    /// <summary>Most step models a FastTree/LightGbm lag-window file may hold (one per horizon step).</summary>
    public const int MaxTreeSteps = 10_000;

    /// <summary>Most features (lags × input columns) a lag-window window may have; a forecast block allocates this many floats per row.</summary>
    public const int MaxLagFeatures = 1_000_000;

    /// <summary>Largest ML.NET model .zip one step entry may hold (256 MiB).</summary>
    public const int MaxTreeStepBytes = 256 << 20;

    /// <summary>
    /// The bounds of a lag-window model (naive, seasonal naive, FastTree, LightGbm), checked before any step model is
    /// loaded: one target channel, lookback, horizon, channels and lags × channels within their limits, naive lookback 1,
    /// seasonal-naive lookback = the season, one interval half-width per step, at most <see cref="MaxTreeSteps"/> step
    /// entries of at most <see cref="MaxTreeStepBytes"/> each, and no network weights.
    /// </summary>
    /// <exception cref="InvalidDataException">A bound is broken; the message names <paramref name="infoEntry"/> (or the entry) and the limit.</exception>
    public static void CheckLagWindow(ForecastingModelInfo info, ModelPayload payload, string infoEntry)
    {
        var spec = info.Spec;
        Bound(spec.Lookback, MaxLookback, nameof(ForecasterSpec.Lookback), infoEntry);
        Bound(spec.Horizon, MaxHorizon, nameof(ForecasterSpec.Horizon), infoEntry);
        Bound((long)spec.TargetChannels + spec.CovariateChannels, MaxChannels, "TargetChannels + CovariateChannels", infoEntry);
        if (spec.Lookback < 1 || spec.Horizon < 1 || spec.TargetChannels != 1 || spec.CovariateChannels < 0)
            throw new InvalidDataException($"Entry '{infoEntry}' declares a {spec.Kind} model with Lookback {spec.Lookback}, Horizon {spec.Horizon}, {spec.TargetChannels} target and {spec.CovariateChannels} covariate channels; a lag-window model has Lookback ≥ 1, Horizon ≥ 1 and one target.");
        Bound((long)spec.Lookback * (spec.TargetChannels + spec.CovariateChannels), MaxLagFeatures, "Lookback × (TargetChannels + CovariateChannels)", infoEntry);
        if (spec.Kind == ForecasterKind.Naive && spec.Lookback != 1)
            throw new InvalidDataException($"Entry '{infoEntry}' declares a Naive model with Lookback {spec.Lookback}; the naive forecast reads 1 row.");
        if (spec.Kind == ForecasterKind.SeasonalNaive && spec.Lookback != info.SeasonalPeriod)
            throw new InvalidDataException($"Entry '{infoEntry}' declares a SeasonalNaive model with Lookback {spec.Lookback} and SeasonalPeriod {info.SeasonalPeriod}; they must be equal.");
        if (!spec.Kind.IsTreeEnsemble() && spec.CovariateChannels != 0)
            throw new InvalidDataException($"Entry '{infoEntry}' declares a {spec.Kind} model with {spec.CovariateChannels} covariates; the naive models read none.");
        if (info.FeatureColumnNames is null || info.FeatureColumnNames.Length != spec.CovariateChannels)
            throw new InvalidDataException($"Entry '{infoEntry}' names {info.FeatureColumnNames?.Length ?? 0} feature columns for {spec.CovariateChannels} covariate channels.");
        if (info.IntervalHalfWidths is { } hw && hw.Length != spec.Horizon)
            throw new InvalidDataException($"Entry '{infoEntry}' holds {hw.Length} interval half-widths for horizon {spec.Horizon}.");
        if (spec.Kind.IsTreeEnsemble()) Bound(spec.Horizon, MaxTreeSteps, "Horizon (one tree model per step)", infoEntry);
        int steps = 0;
        foreach (string name in payload.EntryNames)
        {
            if (name.StartsWith("param/", StringComparison.Ordinal) || name.StartsWith("buffer/", StringComparison.Ordinal))
                throw new InvalidDataException($"Entry '{name}' holds network weights, but '{infoEntry}' describes a {spec.Kind} lag-window model. The file is damaged or was edited.");
            if (!name.StartsWith("step/", StringComparison.Ordinal)) continue;
            if (++steps > MaxTreeSteps)
                throw new InvalidDataException($"This file holds more than {MaxTreeSteps:N0} step models (at '{name}'); a model file may hold at most {MaxTreeSteps:N0}.");
            int length = payload.Get(name).Length;
            if (length > MaxTreeStepBytes)
                throw new InvalidDataException($"Entry '{name}' holds {length:N0} bytes; a step model may hold at most {MaxTreeStepBytes:N0}. The file is damaged or not a model of this library.");
        }
    }

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
