using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Microsoft.ML.SynapticPruning.MLNet;

/// <summary>
/// One horizon step's regression model of a FastTree or LightGbm lag-window forecaster: the ML.NET model .zip bytes
/// (written with <c>mlContext.Model.Save</c>, kept verbatim so a re-saved model is byte-identical) and the tree
/// ensemble loaded from them. Prediction runs the managed ensemble (no native LightGbm call), so it is thread-safe.
/// </summary>
internal sealed class TreeStepModel
{
    private readonly IValueMapper _mapper;

    private TreeStepModel(byte[] bytes, IValueMapper mapper, int features)
    {
        Bytes = bytes;
        _mapper = mapper;
        Features = features;
    }

    /// <summary>The ML.NET model .zip of this step.</summary>
    public byte[] Bytes { get; }

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
        object? parameters = (transformer as IPredictionTransformer<object>)?.Model;
        bool expected = kind switch
        {
            ForecasterKind.FastTree => parameters is FastTreeRegressionModelParameters,
            ForecasterKind.LightGbm => parameters is LightGbmRegressionModelParameters,
            _ => false,
        };
        if (!expected || parameters is not IValueMapper mapper)
            throw new InvalidDataException($"Entry '{entry}' holds a {parameters?.GetType().Name ?? transformer.GetType().Name}, not a {kind} regression model.");
        if (mapper.InputType is not VectorDataViewType { ItemType: NumberDataViewType n, Size: var size } || n != NumberDataViewType.Single || size != features)
            throw new InvalidDataException($"Entry '{entry}' reads {mapper.InputType}; the forecaster's windows give {features} features.");
        return new TreeStepModel(bytes, mapper, features);
    }

    /// <summary>Scores <paramref name="count"/> feature rows (each <see cref="Features"/> long) into <paramref name="scores"/>.</summary>
    public void Predict(ReadOnlySpan<float> rows, int count, Span<float> scores)
    {
        var map = _mapper.GetMapper<VBuffer<float>, float>();
        var values = new float[Features];
        for (int i = 0; i < count; i++)
        {
            rows.Slice(i * Features, Features).CopyTo(values);
            var input = new VBuffer<float>(Features, values);
            float score = 0;
            map(in input, ref score);
            scores[i] = score;
        }
    }
}
