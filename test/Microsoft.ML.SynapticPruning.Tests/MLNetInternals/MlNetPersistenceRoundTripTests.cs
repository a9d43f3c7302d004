using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNetInternals;

public sealed class MlNetPersistenceRoundTripTests : IDisposable
{
    private sealed class Row
    {
        public float X { get; set; }
    }

    private static readonly float[] Xs = { 1.5f, -2f, 0f, 3.25f, 1e-3f };
    private static readonly float[] Factors = { 2f, -0.5f, 10f };

    private readonly string _dir = Directory.CreateTempSubdirectory("sp-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(Xs.Select(x => new Row { X = x }));

    private static float[][] Scaled(IDataView view)
        => view.GetColumn<VBuffer<float>>("Scaled").Select(v => v.DenseValues().ToArray()).ToArray();

    private string SaveChain(ModelFormat? writeFormat = null)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var pipeline = ml.Transforms.CopyColumns("Y", "X")
            .Append(new ScaleColumnEstimator(ml, "Scaled", "Y", Factors, writeFormat));
        var model = pipeline.Fit(data);
        string path = Path.Combine(_dir, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        return path;
    }

    [Fact]
    public void SavedChainLoadsInFreshContextWithIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var model = ml.Transforms.CopyColumns("Y", "X")
            .Append(new ScaleColumnEstimator(ml, "Scaled", "Y", Factors))
            .Fit(data);
        float[][] before = Scaled(model.Transform(data));
        string path = Path.Combine(_dir, "model.zip");
        ml.Model.Save(model, data.Schema, path);

        var fresh = new MLContext(seed: 2);
        ITransformer loaded = fresh.Model.Load(path, out DataViewSchema inputSchema);
        Assert.NotNull(inputSchema.GetColumnOrNull("X"));
        float[][] after = Scaled(loaded.Transform(Data(fresh)));

        // Independent expectation: out[j] = x * factor[j], exact in float arithmetic.
        for (int i = 0; i < Xs.Length; i++)
            Assert.Equal(Factors.Select(f => Xs[i] * f).ToArray(), after[i]);
        Assert.Equal(before, after);

        var chain = Assert.IsAssignableFrom<TransformerChain<ITransformer>>(loaded);
        var restored = Assert.IsType<ScaleColumnTransformer>(chain.Last());
        Assert.Equal(Factors, restored.Factors);
        Assert.Equal("Y", restored.InputColumn);
        Assert.Equal("Scaled", restored.OutputColumn);
    }

    [Fact]
    public void LoadingAPartWrittenByANewerVersionFailsWithAClearMessage()
    {
        string path = SaveChain(ScaleColumnTransformer.Format.WithWrittenVersion(verWrittenCur: 2, verReadableCur: 2));

        var ex = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        var inner = FindInChain<InvalidDataException>(ex);
        Assert.NotNull(inner);
        Assert.Contains(ScaleColumnTransformer.LoaderSignature, inner!.Message);
        Assert.Contains("newer version", inner.Message);
        Assert.Contains("format version 2", inner.Message);
        Assert.Contains("reads up to format version 1", inner.Message);
        Assert.Contains("Upgrade", inner.Message);
    }

    [Fact]
    public void LoadingAnUnregisteredLoaderSignatureFails()
    {
        var unknown = new ModelFormat("SPTSCALE", 1, 1, 1, "SPTestNoSuchLoader", typeof(ScaleColumnTransformer));
        string path = SaveChain(unknown);

        var ex = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        // ML.NET itself reports the unknown loader; it names the chain element that could not be loaded.
        string messages = AllMessages(ex);
        Assert.Contains("Couldn't load model", messages);
        Assert.Contains("Transform_001", messages);
    }

    [Fact]
    public void ModelFormatRejectsSignaturesMlNetCannotStore()
    {
        var t = typeof(ScaleColumnTransformer);
        Assert.Equal("modelSignature", Assert.Throws<ArgumentException>(() => new ModelFormat("SHORT", 1, 1, 1, "Loader", t)).ParamName);
        Assert.Equal("modelSignature", Assert.Throws<ArgumentException>(() => new ModelFormat("NINECHARS", 1, 1, 1, "Loader", t)).ParamName);
        Assert.Equal("loaderSignature", Assert.Throws<ArgumentException>(() => new ModelFormat("EIGHTCHR", 1, 1, 1, new string('L', 25), t)).ParamName);
        Assert.Equal("loaderSignature", Assert.Throws<ArgumentException>(() => new ModelFormat("EIGHTCHR", 1, 1, 1, "Lödér", t)).ParamName);
        Assert.Equal("verReadableCur", Assert.Throws<ArgumentOutOfRangeException>(() => new ModelFormat("EIGHTCHR", 1, 2, 1, "Loader", t)).ParamName);
        // 24 characters is the documented maximum and must be accepted.
        Assert.Equal(24, new ModelFormat("EIGHTCHR", 1, 1, 1, new string('L', 24), t).LoaderSignature.Length);
    }

    private static T? FindInChain<T>(Exception? ex) where T : Exception
    {
        for (; ex != null; ex = ex.InnerException)
        {
            if (ex is T t)
                return t;
        }
        return null;
    }

    private static string AllMessages(Exception? ex)
    {
        var parts = new List<string>();
        for (; ex != null; ex = ex.InnerException)
            parts.Add(ex.Message);
        return string.Join(" | ", parts);
    }
}
