using System.IO.Compression;
using System.Text;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Reliability;

/// <summary>
/// Files whose component headers ask ML.NET to load something else: <see cref="ForecastingModelLoader.LoadForecaster"/>
/// refuses them before ML.NET's loader runs (so no foreign assembly is loaded), with an <see cref="InvalidDataException"/>
/// naming the entry and the assembly.
/// </summary>
[Collection("Torch")]
public sealed class ForeignComponentTests : IClassFixture<SavedForecasterFixture>
{
    private const string ComponentEntry = "TransformerChain/Model.key";

    // Offsets of ML.NET's 256-byte model header (ModelHeader in Microsoft.ML.Core): loader signature, tail, end, assembly name.
    private const int LoaderSignatureAt = 0x50, FpTailAt = 0x80, FpLimAt = 0x88, FpAssemblyNameAt = 0x90, CbAssemblyNameAt = 0x98;

    private readonly SavedForecasterFixture _f;

    public ForeignComponentTests(SavedForecasterFixture fixture) => _f = fixture;

    [Fact]
    public void ForeignLoaderAssemblyIsRefusedBeforeMlNetLoadsIt()
    {
        // A framework assembly nothing else in the tests loads: if it appears in the process, someone called Assembly.Load.
        const string foreign = "System.Xml.XPath.XDocument";
        Assert.False(IsLoaded(foreign), "precondition: the probe assembly must not be loaded yet");
        string path = Write("foreign-assembly.zip", WithComponent(key => WithAssemblyName(key, foreign)));
        var ml = new MLContext(seed: 1);

        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains($"zip entry '{ComponentEntry}' asks ML.NET to load assembly '{foreign}'", e.Message);
        Assert.Contains("refused before ML.NET's loader ran", e.Message);
        Assert.False(IsLoaded(foreign), "LoadForecaster must not let ML.NET load the foreign assembly");

        // What the check prevents: ML.NET's own Model.Load loads whatever assembly the file names before failing.
        Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        Assert.True(IsLoaded(foreign), "ML.NET's Model.Load is expected to load the named assembly; if it no longer does, update docs/reliability.md");
    }

    [Fact]
    public void ForecasterLoaderClaimedByAnotherAssemblyIsRefused()
    {
        // An admitted assembly (ML.NET's own) that claims the forecaster's loader signature.
        string mlNet = typeof(MLContext).Assembly.FullName!;
        string path = Write("claimed-loader.zip", WithComponent(key => WithAssemblyName(key, mlNet)));
        var e = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Model.LoadForecaster(path, out _));
        Assert.Contains($"zip entry '{ComponentEntry}' declares the forecaster's loader '{PrunedForecastingTransformer.LoaderSignature}' in assembly '{mlNet}'", e.Message);
    }

    [Fact]
    public void ArchiveWhoseOnlyComponentIsNotAForecasterIsRefusedBeforeLoading()
    {
        // Same file, but the component now names ML.NET's transformer chain: a valid ML.NET component, not ours.
        string mlNet = typeof(MLContext).Assembly.FullName!;
        string path = Write("no-forecaster.zip", WithComponent(key => WithLoaderSignature(WithAssemblyName(key, mlNet), "TransformerChain")));
        var e = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Model.LoadForecaster(path, out _));
        Assert.Contains("holds no pruned forecaster: none of its 1 component(s) has the loader signature", e.Message);
    }

    [Theory]
    [InlineData("TransformerChain/Model.key")]
    [InlineData("TransformerChain\\Model.key")]
    [InlineData("transformerchain/model.KEY")]
    public void DuplicateEntryNamesAreRefused(string secondName)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(_f.Bytes), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                byte[] data = Read(entry);
                using (var w = target.CreateEntry(entry.FullName).Open()) w.Write(data);
                if (entry.FullName == ComponentEntry)
                    using (var w = target.CreateEntry(secondName).Open()) w.Write(data);
            }
        }
        string path = Write("duplicate.zip", output.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Model.LoadForecaster(path, out _));
        Assert.Contains($"holds zip entry '{secondName}' twice", e.Message);
    }

    [Fact]
    public void DamagedComponentHeaderIsAnErrorNamingTheEntry()
    {
        string path = Write("bad-header.zip", WithComponent(key =>
        {
            var copy = (byte[])key.Clone();
            BitConverter.GetBytes(0x1234L).CopyTo(copy, FpTailAt); // the tail no longer where the header says
            return copy;
        }));
        var e = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Model.LoadForecaster(path, out _));
        Assert.Contains($"zip entry '{ComponentEntry}' is damaged: its ML.NET model header is invalid", e.Message);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("Microsoft.ML.SynapticPruning, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null", true)]
    [InlineData("Microsoft.ML.Data, Version=1.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", true)]
    [InlineData("Microsoft.ML, Version=1.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", true)]
    [InlineData("Microsoft.ML.Data, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null", false)]          // ML.NET's name without its key
    [InlineData("Microsoft.MLEvil, Version=1.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", false)] // prefix without the dot
    [InlineData("Microsoft.ML.SynapticPruning, Version=0.1.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", false)]
    [InlineData("System.Xml.XPath.XDocument", false)]
    [InlineData("not, a = valid name,,", false)]
    public void LoaderAssemblyPolicyAdmitsOnlyThisLibraryAndMlNet(string? name, bool admitted)
        => Assert.Equal(admitted, LoaderAssemblyPolicy.Admits(name));

    private static bool IsLoaded(string simpleName)
        => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == simpleName);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_f.Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private byte[] WithComponent(Func<byte[], byte[]> change)
        => ModelFileTests.RewriteZip(_f.Bytes, (name, data) => name == ComponentEntry ? change(data) : data);

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Replaces the header's loader assembly name (UTF-16, just before the 8-byte tail) and fixes the offsets after it.</summary>
    internal static byte[] WithAssemblyName(byte[] key, string assemblyName)
    {
        long at = BitConverter.ToInt64(key, FpAssemblyNameAt);
        long tail = BitConverter.ToInt64(key, FpTailAt);
        Assert.True(at > 0 && tail == at + BitConverter.ToUInt32(key, CbAssemblyNameAt), "the saved component must record its assembly name just before the tail");
        byte[] name = Encoding.Unicode.GetBytes(assemblyName);
        var result = key[..(int)at].Concat(name).Concat(key[(int)tail..]).ToArray();
        BitConverter.GetBytes((uint)name.Length).CopyTo(result, CbAssemblyNameAt);
        BitConverter.GetBytes(at + name.Length).CopyTo(result, FpTailAt);
        BitConverter.GetBytes(at + name.Length + sizeof(ulong)).CopyTo(result, FpLimAt);
        return result;
    }

    private static byte[] WithLoaderSignature(byte[] key, string signature)
    {
        var copy = (byte[])key.Clone();
        Array.Clear(copy, LoaderSignatureAt, 24);
        Encoding.ASCII.GetBytes(signature).CopyTo(copy, LoaderSignatureAt);
        return copy;
    }
}
