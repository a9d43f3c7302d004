using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Microsoft.ML.SynapticPruning;

/// <summary>Fits one FastTree or LightGbm regression per horizon step on lag-window features (single-threaded, seeded: deterministic).</summary>
internal static class TreeStepTrainer
{
    private sealed class Row
    {
        [VectorType] public float[] Features { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    /// <summary>
    /// Fits the step model of step <paramref name="step"/> (0-based) on <paramref name="features"/> (one row per window)
    /// and targets y[t+1+step] − y[t]. Its .zip bytes are written when the forecaster is first saved.
    /// </summary>
    public static TreeStepModel Fit(LagWindowForecasterOptions o, float[][] features, float[] targets, int step, int seed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int width = features[0].Length;
        var ml = new MLContext(seed: seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var rows = features.Select((f, i) => new Row { Features = f, Label = targets[i] }).ToArray();
        var view = ml.Data.LoadFromEnumerable(rows, schema);
        int minLeaf = o.MinimumExampleCountPerLeaf ?? Math.Max(2, Math.Min(20, rows.Length / 20));
        ITransformer model = o.Kind switch
        {
            ForecasterKind.FastTree => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, LearningRate = o.LearningRate,
                MinimumExampleCountPerLeaf = minLeaf, NumberOfThreads = 1, Seed = seed,
                FeatureColumnName = nameof(Row.Features), LabelColumnName = nameof(Row.Label),
            }).Fit(view),
            ForecasterKind.LightGbm => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                NumberOfIterations = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, LearningRate = o.LearningRate,
                MinimumExampleCountPerLeaf = minLeaf, NumberOfThreads = 1, Seed = seed, Deterministic = true, Silent = true,
                FeatureColumnName = nameof(Row.Features), LabelColumnName = nameof(Row.Label),
            }).Fit(view),
            _ => throw new ArgumentOutOfRangeException(nameof(o), o.Kind, "Only FastTree and LightGbm fit step models."),
        };
        var schemaOfInput = view.Schema;
        return TreeStepModel.FromTrained(model, o.Kind, width, () =>
        {
            using var stream = new MemoryStream();
            ml.Model.Save(model, schemaOfInput, stream);
            return stream.ToArray();
        });
    }
}
