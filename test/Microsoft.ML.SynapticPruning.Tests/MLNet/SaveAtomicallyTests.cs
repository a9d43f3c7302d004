using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Tests.MLNetInternals;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

public sealed class SaveAtomicallyTests : IDisposable
{
    private sealed class Row
    {
        public float X { get; set; }
    }

    /// <summary>A transformer whose save fails after ML.NET has started writing the archive.</summary>
    private sealed class FailingSaveTransformer : ITransformer
    {
        public bool IsRowToRowMapper => false;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();
        public IDataView Transform(IDataView input) => input;
        public void Save(ModelSaveContext ctx) => throw new IOException("simulated failure while saving");
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("sp-save-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SavedModelLoadsAndAFailedSaveKeepsThePreviousFile()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { X = 2f }, new Row { X = -1f } });
        var model = ml.Transforms.CopyColumns("Y", "X")
            .Append(new ScaleColumnEstimator(ml, "Scaled", "Y", new[] { 3f }))
            .Fit(data);
        string path = Path.Combine(_dir, "model.zip");

        ml.Model.SaveAtomically(model, data.Schema, path);
        byte[] good = File.ReadAllBytes(path);
        var loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(new[] { 6f, -3f }, loaded.Transform(data).GetColumn<VBuffer<float>>("Scaled").Select(v => v.GetValues()[0]));

        var broken = new TransformerChain<ITransformer>(model, new FailingSaveTransformer());
        Assert.ThrowsAny<Exception>(() => ml.Model.SaveAtomically(broken, data.Schema, path));
        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));

        // For contrast: ML.NET's own path-based Save truncates the target first and leaves it broken.
        Assert.ThrowsAny<Exception>(() => ml.Model.Save(broken, data.Schema, path));
        Assert.NotEqual(good, File.ReadAllBytes(path));
    }
}
