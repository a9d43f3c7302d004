using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Fits a lag-window forecaster (naive, seasonal naive, FastTree or LightGbm; <see cref="LagWindowForecasterOptions"/>) on
/// a time-ordered <see cref="IDataView"/>. Created by <c>mlContext.Forecasting.LagWindow</c>. The result is a
/// <see cref="PrunedForecastingTransformer"/> like the networks': same forecast and bound columns, evaluation, forecast
/// engine and .zip format.
/// </summary>
public sealed class LagWindowForecastingEstimator : IEstimator<PrunedForecastingTransformer>
{
    private readonly IHost _host;

    internal LagWindowForecastingEstimator(IHostEnvironment env, LagWindowForecasterOptions options)
    {
        _host = MlNetEnvironment.Register(env, nameof(LagWindowForecastingEstimator));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>The options this estimator fits with.</summary>
    public LagWindowForecasterOptions Options { get; }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var o = Options;
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var (name, role) in o.EffectiveFeatureColumnNames.Select(f => (f, "Feature")).Prepend((o.LabelColumnName, "Label")))
        {
            if (!columns.TryGetValue(name, out var c))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"{role} column '{name}' was not found in the input.");
            if (c.Kind != SchemaShape.Column.VectorKind.Scalar || c.ItemType is not NumberDataViewType)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"{role} column '{name}' must be a numeric scalar (got {c.ItemType}).");
        }
        columns[o.OutputColumnName] = Vector(o.OutputColumnName);
        if (o.Confidence is not null)
        {
            string lower = ForecastingModelInfo.BoundColumn(o.LowerBoundColumnName, o.OutputColumnName, "Lower");
            string upper = ForecastingModelInfo.BoundColumn(o.UpperBoundColumnName, o.OutputColumnName, "Upper");
            columns[lower] = Vector(lower);
            columns[upper] = Vector(upper);
        }
        return new SchemaShape(columns.Values);
    }

    /// <summary>Fits on <paramref name="input"/> (time-ordered rows).</summary>
    /// <exception cref="ArgumentException">Missing columns, or a series too short for the lags, season and horizon (the message names the option).</exception>
    public PrunedForecastingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        o.Validate();
        GetOutputSchema(SchemaShape.Create(input.Schema));
        string[] features = o.EffectiveFeatureColumnNames;
        var train = SeriesReader.Read(input, o.LabelColumnName, features, o.TimeColumnName, o.MissingValues, o.MaxInterpolatedGap, "training");
        int L = o.EffectiveLookback, H = o.Horizon, W = 1 + features.Length;
        int windows = train.WindowCount(L, H);
        int calibration = o.Confidence is null ? 0 : Math.Max(1, (int)Math.Floor(windows * (double)o.CalibrationFraction));
        int minimum = (o.Kind.IsTreeEnsemble() ? 2 : 1) + calibration;
        if (windows < minimum)
        {
            string option = o.Kind == ForecasterKind.SeasonalNaive ? nameof(o.SeasonalPeriod) : o.Kind == ForecasterKind.Naive ? nameof(o.Horizon) : nameof(o.Lookback);
            object value = o.Kind == ForecasterKind.SeasonalNaive ? o.SeasonalPeriod : o.Kind == ForecasterKind.Naive ? o.Horizon : o.Lookback;
            throw new ArgumentOutOfRangeException(option, value,
                $"LagWindowForecasterOptions.{option} ({value}) is too long for the {train.Length}-row training series: a {o.Kind} model reads {L} rows per window and forecasts {H} steps, " +
                $"so it needs at least {L + H - 1 + minimum} rows for {minimum} window(s){(calibration > 0 ? $" ({calibration} held out for interval calibration)" : "")}. Use a longer series or a shorter {option}.");
        }
        int fitWindows = windows - calibration;
        int seed = o.Seed ?? MlNetEnvironment.SeedOf(_host) ?? 0;
        var steps = o.Kind.IsTreeEnsemble() ? FitSteps(o, train, fitWindows, L, W, seed) : Array.Empty<TreeStepModel>();
        int scaleRows = Math.Max(2, Math.Min(train.Length, fitWindows + L + H - 1));
        var info = new ForecastingModelInfo
        {
            Spec = new ForecasterSpec { Kind = o.Kind, Lookback = L, Horizon = H, TargetChannels = 1, CovariateChannels = features.Length },
            LabelColumnName = o.LabelColumnName,
            FeatureColumnNames = features,
            TimeColumnName = o.TimeColumnName,
            OutputColumnName = o.OutputColumnName,
            LowerBoundColumnName = o.LowerBoundColumnName,
            UpperBoundColumnName = o.UpperBoundColumnName,
            Regularization = Regularization.None,
            Seed = seed,
            Confidence = o.Confidence,
            SeasonalPeriod = o.SeasonalPeriod,
            MaseScale = ForecastEvaluator.SeasonalNaiveMae(train.Target(0)[..scaleRows], o.SeasonalPeriod),
            InputGapFill = o.MissingValues == MissingValuePolicy.Error ? 0 : o.MaxInterpolatedGap,
        };
        var model = new LagWindowModel(info, steps);
        if (o.Confidence is float confidence)
        {
            var (halfWidths, n) = Conformal.HalfWidths(model, train, new WindowRange(fitWindows, calibration), confidence);
            using var ch = _host.Start("Calibration");
            if (n == 0 || halfWidths.Any(float.IsPositiveInfinity))
                MlNetEnvironment.Warning(ch, $"Only {n} calibration windows for confidence {confidence}: some interval half-widths are infinite. Use more data, a larger CalibrationFraction, or a lower Confidence.");
            model = new LagWindowModel(info with { IntervalHalfWidths = halfWidths, CalibrationWindows = n }, steps);
        }
        return new PrunedForecastingTransformer(_host, model);
    }

    private static TreeStepModel[] FitSteps(LagWindowForecasterOptions o, TimeSeriesData train, int fitWindows, int L, int W, int seed)
    {
        int H = o.Horizon, count = LagWindowFeatures.Count(L, W);
        var used = Enumerable.Range(0, fitWindows).Where(w => !train.WindowHasImputedTargets(w, L, H)).ToArray();
        if (used.Length < 2)
            throw new ArgumentException($"Only {used.Length} training window(s) have observed targets; trees need at least 2. Use a longer series or fewer imputed rows.", nameof(o.MissingValues));
        var windows = new float[(long)used.Length * L * W];
        train.CopyWindows(used, L, windows);
        var rows = new float[used.Length][];
        var last = new float[used.Length];
        for (int k = 0; k < used.Length; k++)
        {
            rows[k] = new float[count];
            last[k] = LagWindowFeatures.Write(windows.AsSpan(k * L * W, L * W), L, W, rows[k]);
        }
        var target = train.Target(0);
        var steps = new TreeStepModel[H];
        var labels = new float[used.Length];
        for (int h = 0; h < H; h++)
        {
            for (int k = 0; k < used.Length; k++) labels[k] = target[used[k] + L + h] - last[k];
            steps[h] = TreeStepTrainer.Fit(o, rows, labels, h, seed, o.CancellationToken);
        }
        return steps;
    }

    private static SchemaShape.Column Vector(string name)
        => new(name, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
}
