using System.Buffers.Binary;
using System.Text;
using Microsoft.ML.SynapticPruning.Persistence;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Persistence;

public sealed class ModelPayloadTests
{
    private const string OptionsJson = "{\"horizon\":3,\"lookback\":12}";
    private static readonly int[] HeadShape = { 3, 8 };
    private static readonly int[] BiasShape = { 3 };

    private static (ModelPayload Payload, float[] Head, bool[] HeadMask, float[] Bias) Sample()
    {
        float[] head = SparseTensorCodecTests.RandomValues(24, 1);
        bool[] headMask = SparseTensorCodecTests.RandomMask(24, 0.5, 2);
        float[] bias = { 0.5f, -0.25f, 3f };
        var payload = new ModelPayload();
        payload.AddText("options.json", OptionsJson);
        payload.AddTensor("weights/head.weight", head, HeadShape, headMask);
        payload.AddTensor("weights/head.bias", bias, BiasShape);
        payload.Add("scaler", new byte[] { 1, 2, 3, 4, 5 });
        return (payload, head, headMask, bias);
    }

    /// <summary>Offset of the named entry's data inside a serialized payload, computed from the documented layout.</summary>
    private static (int NameAt, int LengthAt, int HashAt, int DataAt) Locate(byte[] bytes, string name)
    {
        int pos = 12;
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        for (int e = 0; e < count; e++)
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos));
            string entryName = Encoding.UTF8.GetString(bytes, pos + 2, nameLength);
            int lengthAt = pos + 2 + nameLength;
            long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(lengthAt));
            if (entryName == name)
                return (pos + 2, lengthAt, lengthAt + 8, lengthAt + 8 + 32);
            pos = lengthAt + 8 + 32 + (int)length;
        }
        throw new InvalidOperationException(name);
    }

    [Fact]
    public void RoundTripPreservesEntriesAndOrder()
    {
        var (payload, head, headMask, bias) = Sample();
        var read = ModelPayload.FromBytes(payload.ToArray());

        Assert.Equal(new[] { "options.json", "weights/head.weight", "weights/head.bias", "scaler" }, read.EntryNames);
        Assert.Equal(OptionsJson, read.GetText("options.json"));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, read.Get("scaler").ToArray());
        var h = read.GetTensor("weights/head.weight", HeadShape);
        Assert.Equal(headMask, h.Mask);
        Assert.Equal(head.Select((v, i) => headMask[i] && v != 0f ? BitConverter.SingleToInt32Bits(v) : 0),
            h.Values.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(bias, read.GetTensor("weights/head.bias", BiasShape).Values);
    }

    [Fact]
    public void ShaMismatchNamesTheEntry()
    {
        byte[] bytes = Sample().Payload.ToArray();
        var (_, _, _, dataAt) = Locate(bytes, "weights/head.weight");
        bytes[dataAt + 30] ^= 0x40;
        var ex = Assert.Throws<InvalidDataException>(() => ModelPayload.FromBytes(bytes));
        Assert.Contains("'weights/head.weight'", ex.Message);
        Assert.Contains("SHA-256", ex.Message);
    }

    [Fact]
    public void FutureVersionIsRejectedWithAnUpgradeHint()
    {
        byte[] bytes = Sample().Payload.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 2);
        var ex = Assert.Throws<InvalidDataException>(() => ModelPayload.FromBytes(bytes));
        Assert.Contains("newer version", ex.Message);
        Assert.Contains("format version 2", ex.Message);
        Assert.Contains("reads up to format version 1", ex.Message);
        Assert.Contains("Upgrade", ex.Message);
    }

    [Fact]
    public void WrongMagicIsNotAPayload()
    {
        byte[] bytes = Sample().Payload.ToArray();
        bytes[0] = (byte)'X';
        var ex = Assert.Throws<InvalidDataException>(() => ModelPayload.FromBytes(bytes));
        Assert.Contains("not a SynapticPruning.ML model payload", ex.Message);
        Assert.Contains("not a SynapticPruning.ML model payload",
            Assert.Throws<InvalidDataException>(() => ModelPayload.FromBytes(Array.Empty<byte>())).Message);
    }

    [Fact]
    public void MissingEntryNamesIt()
    {
        var payload = new ModelPayload();
        payload.AddText("options.json", "{}");
        var read = ModelPayload.FromBytes(payload.ToArray());
        var ex = Assert.Throws<InvalidDataException>(() => read.GetTensor("weights/head.weight"));
        Assert.Contains("entry 'weights/head.weight' is missing", ex.Message);
        Assert.False(read.TryGet("weights/head.weight", out _));
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        var payload = new ModelPayload();
        payload.Add("masks/a", new byte[] { 1 });
        Assert.Throws<ArgumentException>(() => payload.Add("masks/a", new byte[] { 2 }));

        // Forge a file with a duplicate: rename "masks/b" to "masks/a" (same length; the SHA covers data only).
        payload.Add("masks/b", new byte[] { 2 });
        byte[] bytes = payload.ToArray();
        var (nameAt, _, _, _) = Locate(bytes, "masks/b");
        bytes[nameAt + 6] = (byte)'a';
        var ex = Assert.Throws<InvalidDataException>(() => ModelPayload.FromBytes(bytes));
        Assert.Contains("'masks/a'", ex.Message);
        Assert.Contains("more than once", ex.Message);
    }

    [Fact]
    public void LengthsBeyondTheStreamAreRejectedWithoutHugeAllocations()
    {
        byte[] bytes = Sample().Payload.ToArray();
        var (_, lengthAt, _, _) = Locate(bytes, "scaler");
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(lengthAt), 1L << 40);
        var ex = Assert.Throws<InvalidDataException>(() => ModelPayload.FromBytes(bytes));
        Assert.Contains("'scaler'", ex.Message);

        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(lengthAt), int.MaxValue - 100);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var ex2 = Assert.Throws<InvalidDataException>(() => ModelPayload.ReadFrom(new NonSeekableStream(bytes)));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains("'scaler'", ex2.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for a 2 GB declared length");
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        byte[] bytes = Sample().Payload.ToArray().Concat(new byte[] { 0 }).ToArray();
        Assert.Throws<InvalidDataException>(() => ModelPayload.FromBytes(bytes));
        Assert.Throws<InvalidDataException>(() => ModelPayload.ReadFrom(new NonSeekableStream(bytes)));
    }

    [Fact]
    public void MutationsAndTruncationsEitherLoadIdenticallyOrThrowInvalidDataException()
    {
        var (payload, _, _, _) = Sample();
        byte[] original = payload.ToArray();
        var expected = Materialize(ModelPayload.FromBytes(original));
        var rng = new Random(2024);
        int identical = 0, rejected = 0;
        for (int trial = 0; trial < 500; trial++)
        {
            byte[] bytes;
            if (trial % 5 == 4)
            {
                bytes = original.AsSpan(0, rng.Next(original.Length)).ToArray(); // truncation
            }
            else
            {
                bytes = (byte[])original.Clone();
                bytes[rng.Next(bytes.Length)] ^= (byte)rng.Next(1, 256);       // single-byte change
            }
            try
            {
                var actual = Materialize(ModelPayload.FromBytes(bytes));
                Assert.Equal(expected, actual);
                identical++;
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
        }
        Assert.Equal(500, identical + rejected);
        Assert.True(rejected > 0);
    }

    /// <summary>Everything a model loader would read, in a comparable form.</summary>
    private static List<string> Materialize(ModelPayload p)
    {
        var h = p.GetTensor("weights/head.weight", HeadShape);
        var b = p.GetTensor("weights/head.bias", BiasShape);
        return new List<string>
        {
            string.Join(",", p.EntryNames),
            p.GetText("options.json"),
            Convert.ToHexString(p.Get("scaler").Span),
            string.Join(",", h.Values.Select(BitConverter.SingleToInt32Bits)),
            string.Join(",", h.Mask!),
            string.Join(",", b.Values.Select(BitConverter.SingleToInt32Bits)),
        };
    }

    private sealed class NonSeekableStream : MemoryStream
    {
        public NonSeekableStream(byte[] bytes) : base(bytes, writable: false) { }
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
