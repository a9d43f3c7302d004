using System.Diagnostics;
using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Persistence;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Reliability;

/// <summary>One small pruned LSTM with intervals, trained once and saved, shared by the model-file tests.</summary>
public sealed class SavedForecasterFixture : IDisposable
{
    public SavedForecasterFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("sp-modelfile-").FullName;
        var ml = new MLContext(seed: 1);
        Rows = ForecastingTestData.NoisySine(150);
        var data = ml.Data.LoadFromEnumerable(Rows);
        using var model = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            LabelColumnName = "Value", FeatureColumnNames = new[] { "Other" }, Lookback = 8, Horizon = 2, HiddenSize = 4, MaxEpochs = 3,
            WarmupEpochs = 1, BatchSize = 16, Seed = 5, CalibrationFraction = 0.5, ValidationFraction = 0.3,
        }).Fit(data);
        Path = System.IO.Path.Combine(Directory, "good.zip");
        ml.Model.SaveAtomically(model, data.Schema, Path);
        Bytes = File.ReadAllBytes(Path);
        (Forecast, Lower) = Score(model, ml);
        Assert.True(model.GlobalSparsity > 0, "the fixture must hold masks, so the fuzz reaches the sparse tensor decoder");
    }

    public string Directory { get; }
    public string Path { get; }
    public byte[] Bytes { get; }
    public SeriesRow[] Rows { get; }
    public float[][] Forecast { get; }
    public float[][] Lower { get; }

    public (float[][] Forecast, float[][] Lower) Score(ITransformer model, MLContext ml)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(Rows));
        return (ForecastingTestData.ReadVectors(scored, "Forecast"), ForecastingTestData.ReadVectors(scored, "ForecastLower"));
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>Damaged, foreign and future model files: a clear <see cref="InvalidDataException"/>, never a crash or a silently different forecast.</summary>
[Collection("Torch")]
public sealed class ModelFileTests : IClassFixture<SavedForecasterFixture>
{
    private const string PayloadEntry = "TransformerChain/Forecaster.bin";
    private readonly SavedForecasterFixture _f;
    private readonly ITestOutputHelper _output;

    public ModelFileTests(SavedForecasterFixture fixture, ITestOutputHelper output)
    {
        _f = fixture;
        _output = output;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_f.Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Rebuilds the zip entry by entry; <paramref name="map"/> returns new contents, or null to drop the entry.</summary>
    internal static byte[] RewriteZip(byte[] zipBytes, Func<string, byte[], byte[]?> map)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var ms = new MemoryStream();
                using (var s = entry.Open()) s.CopyTo(ms);
                var data = map(entry.FullName, ms.ToArray());
                if (data is null) continue;
                using var w = target.CreateEntry(entry.FullName).Open();
                w.Write(data);
            }
        }
        return output.ToArray();
    }

    private static byte[] EntryBytes(byte[] zipBytes, string name)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        using var s = zip.GetEntry(name)!.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Rewrites our payload (the blob after its 8-byte length prefix) with valid zip CRCs.</summary>
    private byte[] WithPayload(Func<byte[], byte[]> change) => RewriteZip(_f.Bytes, (name, data) =>
    {
        if (name != PayloadEntry) return data;
        var payload = change(data[8..]);
        return BitConverter.GetBytes((long)payload.Length).Concat(payload).ToArray();
    });

    private static string Messages(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) parts.Add($"{x.GetType().Name}: {x.Message}");
        return string.Join(" | ", parts);
    }

    private static InvalidDataException InnerInvalidData(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is InvalidDataException d) return d;
        throw new Xunit.Sdk.XunitException("No InvalidDataException inside: " + Messages(e));
    }

    [Fact]
    public void PayloadIsAStoredEntryOfTheTransformer()
    {
        using var zip = new ZipArchive(new MemoryStream(_f.Bytes), ZipArchiveMode.Read);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        _output.WriteLine(string.Join(", ", names));
        Assert.Contains(PayloadEntry, names);
    }

    [Fact]
    public void IntactFileLoadsThroughBothPathsWithBitIdenticalForecasts()
    {
        var ml = new MLContext();
        using var viaHelper = (PrunedForecastingTransformer)ml.Model.LoadForecaster(_f.Path, out var schema);
        Assert.NotNull(schema.GetColumnOrNull("Value"));
        var (forecast, lower) = _f.Score(viaHelper, ml);
        Assert.True(ForecastingTestData.BitIdentical(_f.Forecast, forecast) && ForecastingTestData.BitIdentical(_f.Lower, lower));
        using var viaMlNet = (PrunedForecastingTransformer)ml.Model.Load(_f.Path, out _);
        Assert.True(ForecastingTestData.BitIdentical(_f.Forecast, _f.Score(viaMlNet, ml).Forecast));
        using var viaStatic = (PrunedForecastingTransformer)ForecastingModelLoader.Load(ml, _f.Path, out _);
        Assert.True(ForecastingTestData.BitIdentical(_f.Forecast, _f.Score(viaStatic, ml).Forecast));
    }

    [Fact]
    public void TruncatedZipIsAClearError()
    {
        string path = Write("truncated.zip", _f.Bytes[..(_f.Bytes.Length / 2)]);
        var ml = new MLContext();
        var plain = Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        _output.WriteLine("Model.Load: " + Messages(plain));
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a readable model .zip", e.Message);
    }

    [Fact]
    public void MissingPayloadEntryIsAnErrorNamingIt()
    {
        string path = Write("missing.zip", RewriteZip(_f.Bytes, (name, data) => name == PayloadEntry ? null : data));
        var ml = new MLContext();
        var plain = Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        Assert.Contains("Forecaster.bin", InnerInvalidData(plain).Message);
        Assert.Contains("missing", InnerInvalidData(plain).Message);
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains("binary stream 'Forecaster.bin' is missing", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CorruptWeightInsideThePayloadIsAnErrorNamingThePayloadEntry()
    {
        // Locate a weight tensor's bytes through the container's own layout, then flip one bit of its data.
        var original = ModelPayload.FromBytes(EntryBytes(_f.Bytes, PayloadEntry)[8..]);
        string weight = original.EntryNames.First(n => n.StartsWith("param/", StringComparison.Ordinal) && n.EndsWith("weight_ih_l0", StringComparison.Ordinal));
        byte[] bytes = WithPayload(p =>
        {
            var copy = (byte[])p.Clone();
            byte[] data = original.Get(weight).ToArray();
            int at = IndexOf(copy, data) + data.Length - 3; // inside the surviving float values
            copy[at] ^= 0x10;
            return copy;
        });
        string path = Write("corrupt-weight.zip", bytes);
        var ml = new MLContext();
        var plain = Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        Assert.Contains($"SHA-256 of entry '{weight}'", InnerInvalidData(plain).Message);
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains($"zip entry '{PayloadEntry}'", e.Message);
        Assert.Contains($"entry '{weight}'", e.Message);
    }

    [Fact]
    public void CorruptCompressedBytesAreCaughtByTheZipChecksum()
    {
        // Flip a bit in the middle of the compressed payload stream: inflate fails or the CRC-32 differs.
        using var zip = new ZipArchive(new MemoryStream(_f.Bytes), ZipArchiveMode.Read);
        long compressed = zip.GetEntry(PayloadEntry)!.CompressedLength;
        int nameAt = IndexOf(_f.Bytes, System.Text.Encoding.ASCII.GetBytes(PayloadEntry));
        var bytes = (byte[])_f.Bytes.Clone();
        bytes[nameAt + PayloadEntry.Length + (int)(compressed / 2)] ^= 0x04;
        string path = Write("corrupt-deflate.zip", bytes);
        var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadForecaster(path, out _));
        Assert.Contains($"zip entry '{PayloadEntry}' is damaged", e.Message);
    }

    [Theory]
    [InlineData("ml.net header")]
    [InlineData("payload container")]
    [InlineData("forecaster metadata")]
    public void FileFromAFutureFormatVersionIsRefusedWithUpgradeAdvice(string layer)
    {
        byte[] bytes = layer switch
        {
            "ml.net header" => RewriteZip(_f.Bytes, (name, data) => name == "TransformerChain/Model.key" ? WithModelHeaderVersion(data, 0x00020001) : data),
            "payload container" => WithPayload(p => { var c = (byte[])p.Clone(); BitConverter.GetBytes(ModelPayload.FormatVersion + 1).CopyTo(c, 4); return c; }),
            _ => WithPayload(p =>
            {
                var old = ModelPayload.FromBytes(p);
                var rebuilt = new ModelPayload();
                foreach (var name in old.EntryNames)
                    rebuilt.Add(name, name == "model.json" ? System.Text.Encoding.UTF8.GetBytes(old.GetText(name).Replace("{\"Version\":1,", "{\"Version\":3,")) : old.Get(name).Span);
                Assert.Contains("\"Version\":3", rebuilt.GetText("model.json"));
                return rebuilt.ToArray();
            }),
        };
        string path = Write($"future-{layer.Replace(' ', '-')}.zip", bytes);
        var ml = new MLContext();
        var plain = Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        Assert.Contains("Upgrade", InnerInvalidData(plain).Message);
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains("newer version", e.Message.Replace("written with forecaster format version 3", "newer version"));
        Assert.Contains("Upgrade", e.Message);
    }

    /// <summary>
    /// A hostile model.json, re-hashed so every SHA-256 matches: huge dimensions or Monte-Carlo samples, or an architecture
    /// that does not match the stored weights, are refused before any network exists (the test would run out of memory
    /// or time otherwise), through ML.NET's Model.Load and through LoadForecaster, naming the option and the limit.
    /// </summary>
    [Theory]
    [InlineData("Spec", "HiddenSize", 30_000L, "parameters")]
    [InlineData("Spec", "Layers", 1_000_000L, "at most 100,000,000")]
    [InlineData("Spec", "Lookback", 1_000_000_000L, "Lookback = 1,000,000,000")]
    [InlineData("Spec", "Horizon", 50_000_000L, "Horizon = 50,000,000")]
    [InlineData("Info", "MonteCarloSamples", 1_000_000_000L, "MonteCarloSamples = 1000000000")]
    [InlineData("Spec", "HiddenSize", 5L, "does not match the stored weights")]
    public void RehashedHostileArchitectureIsRefusedBeforeAnythingIsAllocated(string where, string property, long value, string expected)
    {
        string path = Write($"hostile-{property}-{value}.zip", WithPayload(p =>
        {
            var old = ModelPayload.FromBytes(p);
            var json = System.Text.Json.Nodes.JsonNode.Parse(old.GetText("model.json"))!;
            var info = json["Info"]!;
            var target = where == "Spec" ? info["Spec"]! : info;
            Assert.NotNull(target[property]);
            target[property] = value;
            var rebuilt = new ModelPayload();
            foreach (var name in old.EntryNames)
                rebuilt.Add(name, name == "model.json" ? System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()) : old.Get(name).Span);
            return rebuilt.ToArray(); // fresh SHA-256 per entry: integrity checks pass
        }));
        var watch = Stopwatch.StartNew();
        var ml = new MLContext();
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains("model.json", e.Message);
        Assert.Contains(expected, e.Message);
        var plain = Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        Assert.Contains(expected, InnerInvalidData(plain).Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public void ZipBombIsRefusedFromItsDeclaredSizesBeforeInflating()
    {
        // 1.1 GiB of zeros deflate to about a megabyte: the declared size alone must stop it.
        string path = Path.Combine(_f.Directory, "bomb.zip");
        using (var file = File.Create(path))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            using var entry = zip.CreateEntry("TransformerChain/Forecaster.bin", CompressionLevel.Fastest).Open();
            var zeros = new byte[1 << 20];
            for (long written = 0; written < ForecastingModelLoader.MaxInflatedBytes + (100L << 20); written += zeros.Length) entry.Write(zeros);
        }
        Assert.True(new FileInfo(path).Length < 16L << 20);
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadForecaster(path, out _));
        Assert.Contains("MaxInflatedBytes", e.Message);
        Assert.Contains("Forecaster.bin", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void FileLargerThanTheLimitIsRefusedWithoutReadingIt()
    {
        string path = Path.Combine(_f.Directory, "huge.zip");
        using (var file = File.Create(path)) file.SetLength(ForecastingModelLoader.MaxFileBytes + 1); // sparse: no disk used
        var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadForecaster(path, out _));
        Assert.Contains("MaxFileBytes", e.Message);
        File.Delete(path);
    }

    [Fact]
    public void UnknownPayloadEntryIsRefusedSoADamagedNameCannotDropAnEntrySilently()
    {
        // Entry names are outside the per-entry SHA-256: "history.bin" damaged to "histpry.bin" must not simply vanish.
        string path = Write("renamed-entry.zip", WithPayload(p =>
        {
            var old = ModelPayload.FromBytes(p);
            var rebuilt = new ModelPayload();
            foreach (var name in old.EntryNames) rebuilt.Add(name, old.Get(name).Span);
            rebuilt.Add("histpry.bin", new byte[8]);
            return rebuilt.ToArray();
        }));
        var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadForecaster(path, out _));
        Assert.Contains("Entry 'histpry.bin' is not part of a Lstm forecaster", e.Message);
    }

    /// <summary>Sets ModelVerWritten and ModelVerReadable, the two uint32 after our 8-byte model signature in ML.NET's header.</summary>
    private static byte[] WithModelHeaderVersion(byte[] key, uint version)
    {
        var copy = (byte[])key.Clone();
        int at = IndexOf(copy, "SPFORCST"u8.ToArray());
        Assert.True(at >= 0, "model signature not found in Model.key");
        Assert.Equal(0x00010001u, BitConverter.ToUInt32(copy, at + 8));  // the layout we rely on: written, readable
        Assert.Equal(0x00010001u, BitConverter.ToUInt32(copy, at + 12));
        BitConverter.GetBytes(version).CopyTo(copy, at + 8);
        BitConverter.GetBytes(version).CopyTo(copy, at + 12);
        return copy;
    }

    [Fact]
    public void ZipOfADifferentModelTypeIsRefusedByTheHelperAndByTheForecastEngine()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(_f.Rows);
        var other = ml.Transforms.NormalizeMinMax("Value").Fit(data);
        string path = Path.Combine(_f.Directory, "normalizer.zip");
        ml.Model.SaveAtomically(other, data.Schema, path);
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains("holds no pruned forecaster", e.Message);
        Assert.Contains("refused before ML.NET's loader ran", e.Message);
        var loaded = ml.Model.Load(path, out _); // ML.NET itself loads it fine…
        var engine = Assert.Throws<ArgumentException>(() => loaded.CreateForecastEngine<SeriesRow>(ml)); // …but it cannot forecast
        Assert.Contains("contains no pruned forecaster", engine.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    public void RandomBytesAreAClearError(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        string path = Write($"random-{length}.zip", bytes);
        var ml = new MLContext();
        Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
        Assert.Contains("not a readable model .zip", e.Message);
    }

    private sealed class FailingSaveTransformer : ITransformer
    {
        public bool IsRowToRowMapper => false;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();
        public IDataView Transform(IDataView input) => input;
        public void Save(ModelSaveContext ctx) => throw new IOException("simulated disk failure while saving");
    }

    [Fact]
    public void FailedAtomicSaveKeepsThePreviousForecasterLoadableAndLeavesNoTemporaryFile()
    {
        string dir = Directory.CreateDirectory(Path.Combine(_f.Directory, "atomic")).FullName;
        string path = Path.Combine(dir, "model.zip");
        File.Copy(_f.Path, path);
        var ml = new MLContext();
        using var good = (PrunedForecastingTransformer)ml.Model.LoadForecaster(path, out var schema);
        // The forecaster's part is written first, then the failing part: a half-written archive existed at that moment.
        var broken = new TransformerChain<ITransformer>(good, new FailingSaveTransformer());
        Assert.Throws<IOException>(() => ml.Model.SaveAtomically(broken, schema, path));
        Assert.Equal(_f.Bytes, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir));
        using var reloaded = (PrunedForecastingTransformer)ml.Model.LoadForecaster(path, out _);
        Assert.True(ForecastingTestData.BitIdentical(_f.Forecast, _f.Score(reloaded, ml).Forecast));

        Assert.Throws<DirectoryNotFoundException>(() => ml.Model.SaveAtomically(good, schema, Path.Combine(dir, "no-such-folder", "m.zip")));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir));

        // For contrast: ML.NET's path-based Save truncates the target before writing, so the same failure destroys it.
        Assert.ThrowsAny<Exception>(() => ml.Model.Save(broken, schema, path));
        Assert.Throws<InvalidDataException>(() => ml.Model.LoadForecaster(path, out _));
    }

    [Fact]
    public void MissingFileIsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => new MLContext().Model.LoadForecaster(Path.Combine(_f.Directory, "nope.zip"), out _));

    /// <summary>
    /// Mutates the saved model (bit flips, truncations, entry deletions, byte changes inside our payload with valid zip
    /// checksums, re-hashed hostile metadata) and checks that each mutant either loads to bit-identical forecasts and
    /// intervals (a re-hashed edit: loads and forecasts or refuses cleanly) or fails with an <see cref="InvalidDataException"/>
    /// naming the file (and, for payload damage, the entry) that hides no bug exception — within a timeout.
    /// 200 cases with a fresh printed seed by default; SP_FUZZ_CASES and SP_FUZZ_SEED override (docs/reliability.md).
    /// </summary>
    [Fact]
    public async Task FuzzedModelFilesLoadIdenticallyOrFailClearly()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("SP_FUZZ_CASES"), out int n) && n > 0 ? n : 200;
        // A fresh seed every run (printed, so a failure reproduces with SP_FUZZ_SEED=<seed>).
        int seed = int.TryParse(Environment.GetEnvironmentVariable("SP_FUZZ_SEED"), out int s) ? s : Random.Shared.Next();
        _output.WriteLine($"fuzz seed {seed} (rerun with SP_FUZZ_SEED={seed}), {cases} cases");
        Console.WriteLine($"ModelFileTests fuzz seed {seed}");
        var rng = new Random(seed);
        byte[] payload = EntryBytes(_f.Bytes, PayloadEntry);
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            string kind;
            byte[] mutant;
            switch (i % 5)
            {
                case 4:
                {
                    // A re-hashed hostile model.json: one numeric field of the metadata set to an extreme value, every
                    // SHA-256 recomputed, so only the loader's own checks stand between the file and libtorch.
                    kind = "re-hashed metadata";
                    var old = ModelPayload.FromBytes(payload[8..]);
                    var json = System.Text.Json.Nodes.JsonNode.Parse(old.GetText("model.json"))!;
                    var fields = new List<(System.Text.Json.Nodes.JsonNode Owner, string Name)>();
                    void Collect(System.Text.Json.Nodes.JsonNode? node)
                    {
                        if (node is System.Text.Json.Nodes.JsonObject o)
                            foreach (var (k, v) in o.ToList())
                            {
                                if (v is System.Text.Json.Nodes.JsonValue jv && jv.TryGetValue<double>(out _)) fields.Add((o, k));
                                else Collect(v);
                            }
                        else if (node is System.Text.Json.Nodes.JsonArray a)
                            foreach (var v in a) Collect(v);
                    }
                    Collect(json);
                    var (owner, field) = fields[rng.Next(fields.Count)];
                    long[] extremes = { 0, -1, 2, int.MaxValue, int.MinValue, 1_000_000, 1_000_000_000, 30_000 };
                    owner[field] = extremes[rng.Next(extremes.Length)];
                    var rebuilt = new ModelPayload();
                    foreach (var name in old.EntryNames)
                        rebuilt.Add(name, name == "model.json" ? System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()) : old.Get(name).Span);
                    var bytes = rebuilt.ToArray();
                    var changed = BitConverter.GetBytes((long)bytes.Length).Concat(bytes).ToArray();
                    mutant = RewriteZip(_f.Bytes, (name, data) => name == PayloadEntry ? changed : data);
                    kind += $" ({field})";
                    break;
                }
                case 0:
                    kind = "bit flips";
                    mutant = (byte[])_f.Bytes.Clone();
                    for (int k = rng.Next(1, 4); k > 0; k--) mutant[rng.Next(mutant.Length)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1:
                    kind = "truncation";
                    mutant = _f.Bytes[..rng.Next(_f.Bytes.Length)];
                    break;
                case 2:
                {
                    kind = "entry deletion";
                    using var zip = new ZipArchive(new MemoryStream(_f.Bytes), ZipArchiveMode.Read);
                    string victim = zip.Entries[rng.Next(zip.Entries.Count)].FullName;
                    mutant = RewriteZip(_f.Bytes, (name, data) => name == victim ? null : data);
                    break;
                }
                default:
                {
                    kind = "payload bytes";
                    int count = rng.Next(1, 5);
                    var changed = (byte[])payload.Clone();
                    for (int k = 0; k < count; k++)
                    {
                        int at = rng.Next(8, changed.Length);
                        changed[at] = (byte)(changed[at] ^ rng.Next(1, 256));
                    }
                    mutant = RewriteZip(_f.Bytes, (name, data) => name == PayloadEntry ? changed : data);
                    break;
                }
            }
            string path = Write($"fuzz-{i}.zip", mutant);
            string result;
            try
            {
                result = await Task.Run(() => Check(path, kind)).WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"case {i} ({kind}) did not finish within 30 s");
            }
            string outcome = $"{kind}: {result}";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            File.Delete(path);
        }
        foreach (var (k, v) in outcomes.OrderBy(x => x.Key)) _output.WriteLine($"{v,5}  {k}");
        _output.WriteLine($"{cases} cases in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains(outcomes.Keys, k => k.StartsWith("payload bytes: rejected", StringComparison.Ordinal));
    }

    private string Check(string path, string kind)
    {
        var ml = new MLContext();
        ITransformer model;
        try
        {
            model = ml.Model.LoadForecaster(path, out _);
        }
        catch (InvalidDataException e)
        {
            // LoadForecaster reports every rejection as InvalidDataException; what went wrong underneath must be a
            // documented rejection too, never a bug (a NullReferenceException or IndexOutOfRangeException inside counts
            // as a failure of this test, not as a clean rejection; validation's ArgumentOutOfRangeException naming an option is fine).
            for (Exception? x = e; x is not null; x = x.InnerException)
                if (x is NullReferenceException or IndexOutOfRangeException or OverflowException
                    or InvalidCastException or DivideByZeroException or AccessViolationException or OutOfMemoryException or StackOverflowException)
                    throw new Xunit.Sdk.XunitException($"{kind}: the rejection hides a {x.GetType().Name}: {Messages(e)}");
            Assert.Contains(path, e.Message);
            if (kind == "payload bytes")
                Assert.True(e.Message.Contains($"zip entry '{PayloadEntry}'") || e.Message.Contains("entry '", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("Forecaster"), e.Message);
            else
                Assert.True(e.Message.Contains("entry") || e.Message.Contains(".zip") || e.Message.Contains("stream") || e.Message.Contains("could not be loaded"), e.Message);
            return "rejected";
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{kind}: unexpected exception type {Messages(e)}");
        }
        using (model as IDisposable)
        {
            if (kind.StartsWith("re-hashed", StringComparison.Ordinal))
            {
                // An edit with valid hashes is indistinguishable from a real file: it may load and forecast differently,
                // but forecasting must then run to the end or fail with a documented error, never crash.
                try
                {
                    _ = _f.Score(model, ml);
                    return "loaded, edited";
                }
                catch (Exception e) when (e is InvalidOperationException or InvalidDataException or ArgumentException
                    && e is not ArgumentOutOfRangeException)
                {
                    return "loaded, forecast refused";
                }
            }
            var (forecast, lower) = _f.Score(model, ml);
            Assert.True(ForecastingTestData.BitIdentical(_f.Forecast, forecast) && ForecastingTestData.BitIdentical(_f.Lower, lower),
                $"{kind}: a damaged file loaded and forecast differently ({path})");
        }
        return "loaded, identical";
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
