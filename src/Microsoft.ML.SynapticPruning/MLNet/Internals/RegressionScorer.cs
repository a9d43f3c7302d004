using Microsoft.ML.Data;

namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// Scores feature rows with a trained ML.NET regression model's parameters directly (ML.NET's <c>IValueMapper</c>),
/// without building a data view per call: managed code, thread-safe for tree ensembles.
/// </summary>
internal sealed class RegressionScorer
{
    private readonly IValueMapper _mapper;

    private RegressionScorer(IValueMapper mapper, int features)
    {
        _mapper = mapper;
        Features = features;
    }

    /// <summary>Features per row.</summary>
    public int Features { get; }

    /// <summary>A scorer for <paramref name="parameters"/>, which must map a float vector of <paramref name="features"/> to a float.</summary>
    /// <param name="parameters">The model parameters (e.g. <c>FastTreeRegressionModelParameters</c>).</param>
    /// <param name="features">The expected feature count.</param>
    /// <param name="what">How messages name the model.</param>
    /// <exception cref="InvalidDataException">The parameters cannot score such rows; the message starts with <paramref name="what"/>.</exception>
    public static RegressionScorer Create(object parameters, int features, string what)
    {
        if (parameters is not IValueMapper mapper)
            throw new InvalidDataException($"{what} holds a {parameters.GetType().Name}, which cannot score rows directly.");
        if (mapper.InputType is not VectorDataViewType { ItemType: NumberDataViewType n, Size: var size } || n != NumberDataViewType.Single || size != features)
            throw new InvalidDataException($"{what} reads {mapper.InputType}; the forecaster's windows give {features} features.");
        return new RegressionScorer(mapper, features);
    }

    /// <summary>Scores <paramref name="count"/> rows (each <see cref="Features"/> long) into <paramref name="scores"/>.</summary>
    public void Score(ReadOnlySpan<float> rows, int count, Span<float> scores)
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
