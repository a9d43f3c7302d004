using System.Buffers.Binary;
using Microsoft.ML.SynapticPruning.Persistence;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Persistence;

public sealed class SparseTensorCodecTests
{
    private const int Rows = 64, Cols = 256, N = Rows * Cols;
    // Header of a rank-r tensor: magic 4 + version/kind/rank/reserved 4 + 4r shape + 8 count + 8 kept.
    private static int Header(int rank) => 24 + 4 * rank;

    internal static float[] RandomValues(int n, int seed)
    {
        var rng = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
            values[i] = (float)(rng.NextDouble() * 4 - 2);
        // A few negative zeros and special values that must survive bit-exactly (−0 becomes +0).
        values[1] = -0.0f;
        values[2] = float.NaN;
        values[3] = float.NegativeInfinity;
        values[4] = float.Epsilon;
        return values;
    }

    /// <summary>A mask with exactly round(sparsity·n) pruned elements at random positions.</summary>
    internal static bool[] RandomMask(int n, double sparsity, int seed)
    {
        var mask = Enumerable.Repeat(true, n).ToArray();
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        int pruned = (int)Math.Round(sparsity * n);
        for (int i = 0; i < pruned; i++)
            mask[order[i]] = false;
        // Make sure the special values are kept (unless everything is pruned) so they are really exercised.
        if (pruned < n - 4)
        {
            for (int i = 1; i <= 4; i++)
            {
                if (!mask[i])
                {
                    mask[i] = true;
                    int j = Array.IndexOf(mask, true, 5);
                    mask[j] = false;
                }
            }
        }
        return mask;
    }

    private static int Bits(float f) => BitConverter.SingleToInt32Bits(f);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.7)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    public void MaskedRoundTripIsBitExactAndUsesTheSmallerIndexEncoding(double sparsity)
    {
        float[] values = RandomValues(N, 7);
        bool[] mask = RandomMask(N, sparsity, 11);
        int kept = mask.Count(m => m);
        Assert.Equal(N - (int)Math.Round(sparsity * N), kept);

        byte[] bytes = SparseTensorCodec.Encode(values, new[] { Rows, Cols }, mask);
        var decoded = SparseTensorCodec.Decode(bytes, "weights/w");

        Assert.Equal(new[] { Rows, Cols }, decoded.Shape);
        Assert.Equal(mask, decoded.Mask);
        for (int i = 0; i < N; i++)
        {
            float expected = mask[i] && values[i] != 0f ? values[i] : 0f; // pruned and −0 → +0
            Assert.Equal(Bits(expected), Bits(decoded.Values[i]));
        }

        // Sizes derived from the layout: bitmap = N/8 bytes; delta = 8 + 2 bytes per survivor (all gaps < 65535).
        int bitmap = N / 8, delta = 8 + 2 * kept;
        var expectedKind = bitmap <= delta ? SparseTensorEncoding.Bitmap : SparseTensorEncoding.DeltaIndices;
        Assert.Equal(expectedKind, decoded.Encoding);
        Assert.Equal(expectedKind, SparseTensorCodec.ChooseEncoding(mask));
        Assert.Equal(Header(2) + Math.Min(bitmap, delta) + 4 * kept, bytes.Length);
    }

    [Fact]
    public void SeventyPercentSparsityIsAtMostFortyPercentOfDense()
    {
        float[] values = RandomValues(N, 3);
        int[] shape = { Rows, Cols };
        int sparse = SparseTensorCodec.Encode(values, shape, RandomMask(N, 0.7, 5)).Length;
        int dense = SparseTensorCodec.Encode(values, shape).Length;
        Assert.Equal(Header(2) + 4 * N, dense);
        Assert.True(sparse <= 0.4 * dense, $"sparse {sparse} bytes vs dense {dense} bytes");
    }

    [Fact]
    public void DenseRoundTripNormalisesNegativeZeroOnly()
    {
        float[] values = { -0.0f, 0.0f, float.NaN, -1.5f, float.MaxValue, float.NegativeInfinity };
        var decoded = SparseTensorCodec.Decode(SparseTensorCodec.Encode(values, new[] { 2, 3 }));
        Assert.Equal(SparseTensorEncoding.Dense, decoded.Encoding);
        Assert.Null(decoded.Mask);
        Assert.Equal(0, Bits(decoded.Values[0]));
        Assert.Equal(values.Skip(1).Select(Bits), decoded.Values.Skip(1).Select(Bits));
    }

    [Fact]
    public void ScalarsAndEmptyTensorsRoundTrip()
    {
        var scalar = SparseTensorCodec.Decode(SparseTensorCodec.Encode(new[] { 4.25f }, Array.Empty<int>()));
        Assert.Empty(scalar.Shape);
        Assert.Equal(new[] { 4.25f }, scalar.Values);

        var empty = SparseTensorCodec.Decode(SparseTensorCodec.Encode(Array.Empty<float>(), new[] { 3, 0 }, Array.Empty<bool>()));
        Assert.Equal(new[] { 3, 0 }, empty.Shape);
        Assert.Empty(empty.Values);
    }

    [Fact]
    public void IndexGapsBeyondUInt16AreEscaped()
    {
        const int n = 200_000;
        var values = new float[n];
        var mask = new bool[n];
        values[3] = 1.25f; mask[3] = true;
        values[199_998] = -7.5f; mask[199_998] = true;
        values[100] = 9f; // not kept: must decode as 0

        byte[] bytes = SparseTensorCodec.Encode(values, new[] { n }, mask);
        var decoded = SparseTensorCodec.Decode(bytes, "weights/far");

        Assert.Equal(SparseTensorEncoding.DeltaIndices, decoded.Encoding);
        // Gap 3 → 1 entry; gap 199998 − 4 = 199994 = 3 × 65535 + 3389 → 3 escapes + 1 entry. 5 entries in all.
        Assert.Equal(Header(1) + 8 + 2 * 5 + 4 * 2, bytes.Length);
        Assert.Equal(new[] { 3, 199_998 }, Enumerable.Range(0, n).Where(i => decoded.Mask![i]));
        Assert.Equal(1.25f, decoded.Values[3]);
        Assert.Equal(-7.5f, decoded.Values[199_998]);
        Assert.Equal(0f, decoded.Values[100]);
    }

    [Theory]
    [InlineData(65_534)] // largest gap that fits one entry
    [InlineData(65_535)] // exactly one escape + a zero gap
    [InlineData(65_536)]
    [InlineData(131_070)] // two escapes + a zero gap
    public void GapsAtTheEscapeBoundaryRoundTrip(int gap)
    {
        int n = gap + 10;
        var values = new float[n];
        var mask = new bool[n];
        mask[0] = true; values[0] = 1f;
        mask[gap + 1] = true; values[gap + 1] = 2f; // gap positions between the two survivors
        var decoded = SparseTensorCodec.Decode(SparseTensorCodec.Encode(values, new[] { n }, mask));
        Assert.Equal(mask, decoded.Mask);
        Assert.Equal(values, decoded.Values);
    }

    [Fact]
    public void EveryTruncationThrowsInvalidDataException()
    {
        foreach (double sparsity in new[] { 0.0, 0.5, 0.99 })
        {
            byte[] bytes = SparseTensorCodec.Encode(RandomValues(300, 1), new[] { 3, 100 }, RandomMask(300, sparsity, 2));
            for (int len = 0; len < bytes.Length; len++)
            {
                var ex = Assert.Throws<InvalidDataException>(() => SparseTensorCodec.Decode(bytes.AsSpan(0, len), "weights/t"));
                Assert.Contains("'weights/t'", ex.Message);
            }
            var longer = bytes.Concat(new byte[] { 0 }).ToArray();
            Assert.Throws<InvalidDataException>(() => SparseTensorCodec.Decode(longer, "weights/t"));
        }
    }

    [Fact]
    public void RandomMutationsEitherDecodeOrThrowInvalidDataException()
    {
        byte[] original = SparseTensorCodec.Encode(RandomValues(200, 4), new[] { 10, 20 }, RandomMask(200, 0.6, 6));
        var rng = new Random(123);
        int rejected = 0;
        for (int trial = 0; trial < 500; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int at = rng.Next(bytes.Length);
            bytes[at] ^= (byte)rng.Next(1, 256);
            try
            {
                SparseTensorCodec.Decode(bytes, "fuzz");
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
            // Any other exception type fails the test. Without a checksum a mutated value byte legitimately decodes.
        }
        Assert.InRange(rejected, 1, 500);
    }

    [Fact]
    public void HugeDeclaredShapesAreRejectedBeforeAllocation()
    {
        // Rank-2 header declaring 2^31−1 × 2^31−1 elements, followed by nothing.
        var header = new byte[Header(2)];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x4E545053);
        header[4] = 1; header[5] = (byte)SparseTensorEncoding.DeltaIndices; header[6] = 2;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), int.MaxValue);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), int.MaxValue);
        var ex = Assert.Throws<InvalidDataException>(() => SparseTensorCodec.Decode(header, "weights/huge"));
        Assert.Contains("'weights/huge'", ex.Message);

        // A legitimately tiny encoding of a large, fully pruned tensor is refused by the shape and element caps.
        byte[] pruned = SparseTensorCodec.Encode(new float[1 << 20], new[] { 1 << 20 }, new bool[1 << 20]);
        Assert.True(pruned.Length < 64);
        Assert.Throws<InvalidDataException>(() => SparseTensorCodec.Decode(pruned, "w", expectedShape: new[] { 1024 }));
        Assert.Throws<InvalidDataException>(() => SparseTensorCodec.Decode(pruned, "w", maxElements: 1 << 19));
        Assert.Equal(1 << 20, SparseTensorCodec.Decode(pruned, "w", expectedShape: new[] { 1 << 20 }).Values.Length);
    }

    [Fact]
    public void NewerTensorFormatVersionIsRejectedWithAnUpgradeHint()
    {
        byte[] bytes = SparseTensorCodec.Encode(new[] { 1f }, new[] { 1 });
        bytes[4] = 2;
        var ex = Assert.Throws<InvalidDataException>(() => SparseTensorCodec.Decode(bytes, "weights/x"));
        Assert.Contains("version 2", ex.Message);
        Assert.Contains("Upgrade", ex.Message);
    }

    [Fact]
    public void EncodeValidatesItsArguments()
    {
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => SparseTensorCodec.Encode(new float[5], new[] { 2, 3 })).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => SparseTensorCodec.Encode(new float[6], new[] { 2, 3 }, new bool[5])).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => SparseTensorCodec.Encode(new float[0], new[] { -1 })).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => SparseTensorCodec.Encode(new float[1], new int[9].Select(_ => 1).ToArray())).ParamName);
    }
}
