using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// One horizon step's regression model of a FastTree or LightGbm lag-window forecaster: the tree ensemble and its ML.NET
/// model .zip bytes (written with <c>mlContext.Model.Save</c> when first needed, then kept verbatim so a re-saved model
/// is byte-identical). Prediction runs the managed ensemble (no native LightGbm call), so it is thread-safe.
/// </summary>
internal sealed class TreeStepModel
{
    private readonly RegressionScorer _scorer;
    private readonly Lazy<byte[]> _bytes;

    private TreeStepModel(Func<byte[]> bytes, RegressionScorer scorer, int features)
    {
        _bytes = new Lazy<byte[]>(bytes, LazyThreadSafetyMode.ExecutionAndPublication);
        _scorer = scorer;
        Features = features;
    }

    /// <summary>The ML.NET model .zip of this step.</summary>
    public byte[] Bytes => _bytes.Value;

    /// <summary>
    /// Wraps a just-trained step model; its .zip bytes are written by <paramref name="save"/> only when the forecaster is
    /// saved (trials never save, so they skip the serialisation).
    /// </summary>
    public static TreeStepModel FromTrained(ITransformer transformer, ForecasterKind kind, int features, Func<byte[]> save)
        => new(save, Check(transformer, kind, features, "the trained step model"), features);

    /// <summary>Features the model reads.</summary>
    public int Features { get; }

    /// <summary>
    /// Loads a step model from ML.NET .zip bytes and checks that it is a <paramref name="kind"/> regression over
    /// <paramref name="features"/> features.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not such a model; the message names <paramref name="entry"/>.</exception>
    public static TreeStepModel Load(byte[] bytes, ForecasterKind kind, int features, string entry)
    {
        // The loader finds FastTree/LightGbm through their LoadableClass registrations: make sure both assemblies are loaded.
        _ = typeof(FastTreeRegressionModelParameters).Assembly;
        _ = typeof(LightGbmRegressionModelParameters).Assembly;
        // The same whole-archive check as LoadForecaster, before ML.NET's loader sees the nested file: it may name only
        // ML.NET's (or this library's) assemblies and must not nest a forecaster.
        var contents = ModelArchiveCheck.Verify(bytes, $"Entry '{entry}' (a nested ML.NET model)");
        if (contents.Forecasters > 0)
            throw new InvalidDataException($"Entry '{entry}' nests a pruned forecaster inside a {kind} step model; a step model holds one ML.NET regression.");
        ITransformer transformer;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            transformer = new MLContext(seed: 0).Model.Load(stream, out _);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"Entry '{entry}' is not a readable ML.NET model: {e.GetBaseException().Message}", e);
        }
        return new TreeStepModel(() => bytes, Check(transformer, kind, features, $"Entry '{entry}'"), features);
    }

    private static RegressionScorer Check(ITransformer transformer, ForecasterKind kind, int features, string what)
    {
        object? parameters = (transformer as IPredictionTransformer<object>)?.Model;
        bool expected = kind switch
        {
            ForecasterKind.FastTree => parameters is FastTreeRegressionModelParameters,
            ForecasterKind.LightGbm => parameters is LightGbmRegressionModelParameters,
            _ => false,
        };
        if (!expected)
            throw new InvalidDataException($"{what} holds a {parameters?.GetType().Name ?? transformer.GetType().Name}, not a {kind} regression model.");
        return RegressionScorer.Create(parameters!, features, what);
    }

    /// <summary>Scores <paramref name="count"/> feature rows (each <see cref="Features"/> long) into <paramref name="scores"/>.</summary>
    public void Predict(ReadOnlySpan<float> rows, int count, Span<float> scores) => _scorer.Score(rows, count, scores);
}
