using System.Buffers.Binary;
using System.Numerics;

namespace Microsoft.ML.SynapticPruning.Persistence;

/// <summary>
/// Encodes one float tensor, optionally with a pruning mask, into a compact self-describing byte array, and decodes
/// it back bit-exactly (except that −0.0f is stored as +0.0f).
/// </summary>
/// <remarks>
/// <para>Layout (all integers little-endian):</para>
/// <code>
/// "SPTN"                     4 bytes magic
/// version                    1 byte  (FormatVersion = 1)
/// encoding                   1 byte  (SparseTensorEncoding)
/// rank                       1 byte  (0..MaxRank)
/// reserved                   1 byte  (0)
/// shape                      rank × int32 (each ≥ 0)
/// element count              int64   (= product of shape)
/// kept count                 int64   (surviving elements; = element count when Dense)
/// Bitmap:        ceil(n/8) bytes, bit i = byte[i/8] &gt;&gt; (i%8), padding bits 0
/// DeltaIndices:  int64 entry count, then entries × uint16
/// values                     kept × float32 (Dense: all n)
/// </code>
/// <para>
/// With a mask the encoder picks whichever of Bitmap and DeltaIndices is smaller (ties go to Bitmap). The decoder
/// validates every length against the bytes actually present before it allocates anything proportional to them,
/// and throws only <see cref="InvalidDataException"/> for malformed input.
/// </para>
/// </remarks>
internal static class SparseTensorCodec
{
    /// <summary>Version of the tensor layout written by this library.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Largest supported rank.</summary>
    public const int MaxRank = 8;

    /// <summary>Default cap on the element count accepted by <see cref="Decode"/> (2^28 elements = 1 GiB of floats).</summary>
    public const long DefaultMaxElements = 1L << 28;

    private const uint Magic = 0x4E545053; // "SPTN" little-endian
    private const int FixedHeaderSize = 4 + 4 + 8 + 8;
    private const ushort Escape = 0xFFFF;
    private const int MaxGap = Escape - 1;          // largest gap stored in one entry
    private const int EscapeSkip = Escape;          // positions skipped by one escape entry

    /// <summary>Encodes a tensor.</summary>
    /// <param name="values">Elements in row-major order; length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Dimensions (each ≥ 0, at most <see cref="MaxRank"/> of them; empty for a scalar).</param>
    /// <param name="mask">Optional mask, same length as <paramref name="values"/>; only elements with true are stored.
    /// Null stores every element densely.</param>
    /// <returns>The encoded bytes.</returns>
    public static byte[] Encode(float[] values, int[] shape, bool[]? mask = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length > MaxRank)
            throw new ArgumentException($"Rank {shape.Length} exceeds the supported maximum {MaxRank}.", nameof(shape));
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
            n *= d;
            if (n > Array.MaxLength)
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has more elements than an array can hold.", nameof(shape));
        }
        if (values.Length != n)
            throw new ArgumentException($"values has {values.Length} elements but shape [{string.Join(", ", shape)}] needs {n}.", nameof(values));
        if (mask is not null && mask.Length != n)
            throw new ArgumentException($"mask has {mask.Length} elements but shape [{string.Join(", ", shape)}] needs {n}.", nameof(mask));

        int count = (int)n;
        SparseTensorEncoding encoding;
        int kept;
        long entries = 0;
        if (mask is null)
        {
            encoding = SparseTensorEncoding.Dense;
            kept = count;
        }
        else
        {
            (kept, entries) = CountKeptAndIndexEntries(mask);
            encoding = Choose(n, entries);
        }

        long indexBytes = encoding switch
        {
            SparseTensorEncoding.Bitmap => (n + 7) / 8,
            SparseTensorEncoding.DeltaIndices => 8 + 2 * entries,
            _ => 0,
        };
        long total = HeaderSize(shape.Length) + indexBytes + 4L * kept;
        if (total > Array.MaxLength)
            throw new ArgumentException("The encoded tensor would exceed the maximum array size.", nameof(values));

        var output = new byte[total];
        var span = output.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        span[4] = FormatVersion;
        span[5] = (byte)encoding;
        span[6] = (byte)shape.Length;
        span[7] = 0;
        int pos = 8;
        foreach (int d in shape)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[pos..], d);
            pos += 4;
        }
        BinaryPrimitives.WriteInt64LittleEndian(span[pos..], n);
        BinaryPrimitives.WriteInt64LittleEndian(span[(pos + 8)..], kept);
        pos += 16;

        if (encoding == SparseTensorEncoding.Bitmap)
        {
            for (int i = 0; i < count; i++)
            {
                if (mask![i])
                    span[pos + (i >> 3)] |= (byte)(1 << (i & 7));
            }
            pos += (int)indexBytes;
        }
        else if (encoding == SparseTensorEncoding.DeltaIndices)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[pos..], entries);
            pos += 8;
            int cursor = 0;
            for (int i = 0; i < count; i++)
            {
                if (!mask![i])
                    continue;
                int gap = i - cursor;
                while (gap > MaxGap)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(span[pos..], Escape);
                    pos += 2;
                    gap -= EscapeSkip;
                }
                BinaryPrimitives.WriteUInt16LittleEndian(span[pos..], (ushort)gap);
                pos += 2;
                cursor = i + 1;
            }
        }

        for (int i = 0; i < count; i++)
        {
            if (mask is not null && !mask[i])
                continue;
            float v = values[i];
            if (v == 0f)
                v = 0f; // normalises −0.0f to +0.0f
            BinaryPrimitives.WriteSingleLittleEndian(span[pos..], v);
            pos += 4;
        }
        System.Diagnostics.Debug.Assert(pos == output.Length);
        return output;
    }

    /// <summary>
    /// Reads only the header of an encoded tensor and returns its shape: magic, version, encoding, rank and dimensions
    /// are checked, and the element count against <paramref name="maxElements"/>, without decoding or allocating the
    /// values (e.g. to compare a model file's declared sizes with its architecture before building anything).
    /// </summary>
    /// <exception cref="InvalidDataException">The header is malformed or declares too many elements; the message names <paramref name="name"/>.</exception>
    public static int[] ReadShape(ReadOnlySpan<byte> bytes, string name = "tensor", long maxElements = DefaultMaxElements)
        => ReadShape(bytes, name ?? "tensor", maxElements, out _, out _, out _);

    private static int[] ReadShape(ReadOnlySpan<byte> bytes, string name, long maxElements, out SparseTensorEncoding encoding, out long n, out int pos)
    {
        if (bytes.Length < 8)
            throw Corrupt(name, $"{bytes.Length} bytes is shorter than the header");
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
            throw Corrupt(name, "it is not an encoded tensor (bad magic)");
        byte version = bytes[4];
        if (version > FormatVersion)
            throw new InvalidDataException(
                $"Tensor '{name}' was written in tensor format version {version}; this library reads up to version {FormatVersion}. Upgrade the Microsoft.ML.SynapticPruning package.");
        if (version == 0)
            throw Corrupt(name, "format version 0 is invalid");
        encoding = (SparseTensorEncoding)bytes[5];
        if (encoding is not (SparseTensorEncoding.Dense or SparseTensorEncoding.Bitmap or SparseTensorEncoding.DeltaIndices))
            throw Corrupt(name, $"unknown encoding {bytes[5]}");
        int rank = bytes[6];
        if (rank > MaxRank)
            throw Corrupt(name, $"rank {rank} exceeds {MaxRank}");
        if (bytes[7] != 0)
            throw Corrupt(name, "reserved header byte is not 0");
        int headerSize = HeaderSize(rank);
        if (bytes.Length < headerSize)
            throw Corrupt(name, $"{bytes.Length} bytes is shorter than the {headerSize}-byte header");

        var shape = new int[rank];
        n = 1;
        pos = 8;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[pos..]);
            pos += 4;
            if (shape[i] < 0)
                throw Corrupt(name, $"dimension {i} is negative ({shape[i]})");
            n *= shape[i];
            if (n > maxElements || n > Array.MaxLength)
                throw Corrupt(name, $"shape [{string.Join(", ", shape.Take(i + 1))}...] exceeds the limit of {Math.Min(maxElements, Array.MaxLength)} elements");
        }
        return shape;
    }

    /// <summary>Decodes bytes produced by <see cref="Encode"/>.</summary>
    /// <param name="bytes">Exactly one encoded tensor (no trailing bytes).</param>
    /// <param name="name">Name used in error messages, e.g. the payload entry name.</param>
    /// <param name="expectedShape">If given, the stored shape must equal it; checked before any allocation.</param>
    /// <param name="maxElements">Largest element count accepted (default <see cref="DefaultMaxElements"/>).</param>
    /// <exception cref="InvalidDataException">The bytes are malformed, truncated, or do not match
    /// <paramref name="expectedShape"/>; the message names <paramref name="name"/>.</exception>
    public static SparseTensor Decode(ReadOnlySpan<byte> bytes, string name = "tensor", int[]? expectedShape = null,
        long maxElements = DefaultMaxElements)
    {
        name ??= "tensor";
        var shape = ReadShape(bytes, name, maxElements, out var encoding, out long n, out int pos);
        long declaredCount = BinaryPrimitives.ReadInt64LittleEndian(bytes[pos..]);
        long kept = BinaryPrimitives.ReadInt64LittleEndian(bytes[(pos + 8)..]);
        pos += 16;
        if (declaredCount != n)
            throw Corrupt(name, $"element count {declaredCount} does not match shape [{string.Join(", ", shape)}]");
        if (expectedShape is not null && !expectedShape.AsSpan().SequenceEqual(shape))
            throw Corrupt(name, $"shape [{string.Join(", ", shape)}] differs from the expected [{string.Join(", ", expectedShape)}]");
        if (kept < 0 || kept > n)
            throw Corrupt(name, $"kept count {kept} is outside [0, {n}]");
        if (encoding == SparseTensorEncoding.Dense && kept != n)
            throw Corrupt(name, $"dense tensor declares {kept} of {n} elements");

        long remaining = bytes.Length - pos;
        long valueBytes = 4 * kept;
        long indexBytes;
        long entries = 0;
        switch (encoding)
        {
            case SparseTensorEncoding.Bitmap:
                indexBytes = (n + 7) / 8;
                break;
            case SparseTensorEncoding.DeltaIndices:
                if (remaining < 8)
                    throw Corrupt(name, "truncated before the index entry count");
                entries = BinaryPrimitives.ReadInt64LittleEndian(bytes[pos..]);
                if (entries < kept || entries > remaining / 2)
                    throw Corrupt(name, $"index entry count {entries} is inconsistent with {kept} kept elements and {remaining} bytes");
                indexBytes = 8 + 2 * entries;
                break;
            default:
                indexBytes = 0;
                break;
        }
        // Every size is now known: the total must match the bytes present exactly, before allocating.
        if (indexBytes + valueBytes != remaining)
            throw Corrupt(name, $"expected {indexBytes + valueBytes} bytes after the header, found {remaining}");

        var values = new float[n];
        bool[]? mask = encoding == SparseTensorEncoding.Dense ? null : new bool[n];
        var indexSpan = bytes.Slice(pos, (int)indexBytes);
        var valueSpan = bytes.Slice(pos + (int)indexBytes);
        if (encoding == SparseTensorEncoding.Dense)
        {
            for (int i = 0; i < n; i++)
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(valueSpan[(4 * i)..]);
            return new SparseTensor(values, shape, null, encoding);
        }

        int v = 0;
        if (encoding == SparseTensorEncoding.Bitmap)
        {
            long popCount = 0;
            foreach (byte b in indexSpan)
                popCount += BitOperations.PopCount(b);
            if (popCount != kept)
                throw Corrupt(name, $"bitmap marks {popCount} elements but the header declares {kept}");
            int padding = (int)(indexBytes * 8 - n);
            if (padding > 0 && (indexSpan[^1] >> (8 - padding)) != 0)
                throw Corrupt(name, "bitmap padding bits are not 0");
            for (int i = 0; i < n; i++)
            {
                if ((indexSpan[i >> 3] & (1 << (i & 7))) == 0)
                    continue;
                mask![i] = true;
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(valueSpan[(4 * v++)..]);
            }
        }
        else
        {
            long cursor = 0;
            bool lastWasEscape = false;
            for (long e = 0; e < entries; e++)
            {
                ushort entry = BinaryPrimitives.ReadUInt16LittleEndian(indexSpan[(int)(8 + 2 * e)..]);
                if (entry == Escape)
                {
                    cursor += EscapeSkip;
                    lastWasEscape = true;
                    if (cursor >= n)
                        throw Corrupt(name, "index escape runs past the end of the tensor");
                    continue;
                }
                lastWasEscape = false;
                long index = cursor + entry;
                if (index >= n)
                    throw Corrupt(name, $"index {index} is outside the tensor of {n} elements");
                if (v >= kept)
                    throw Corrupt(name, $"more than the declared {kept} indices");
                mask![index] = true;
                values[index] = BinaryPrimitives.ReadSingleLittleEndian(valueSpan[(4 * v++)..]);
                cursor = index + 1;
            }
            if (lastWasEscape)
                throw Corrupt(name, "index list ends with an escape");
        }
        if (v != kept)
            throw Corrupt(name, $"found {v} kept elements, the header declares {kept}");
        return new SparseTensor(values, shape, mask, encoding);
    }

    /// <summary>Returns the encoding <see cref="Encode"/> would choose, without encoding.</summary>
    public static SparseTensorEncoding ChooseEncoding(bool[]? mask)
    {
        if (mask is null)
            return SparseTensorEncoding.Dense;
        return Choose(mask.Length, CountKeptAndIndexEntries(mask).Entries);
    }

    // Ties go to the bitmap: it is faster to decode.
    private static SparseTensorEncoding Choose(long n, long deltaEntries)
        => (n + 7) / 8 <= 8 + 2 * deltaEntries ? SparseTensorEncoding.Bitmap : SparseTensorEncoding.DeltaIndices;

    /// <summary>Survivors, and uint16 entries needed to delta-code them (one per survivor plus one per escape).</summary>
    private static (int Kept, long Entries) CountKeptAndIndexEntries(bool[] mask)
    {
        int kept = 0;
        long entries = 0;
        int cursor = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (!mask[i])
                continue;
            kept++;
            entries += 1 + (i - cursor) / EscapeSkip;
            cursor = i + 1;
        }
        return (kept, entries);
    }

    private static int HeaderSize(int rank) => FixedHeaderSize + 4 * rank;

    private static InvalidDataException Corrupt(string name, string detail)
        => new($"Tensor '{name}' is damaged: {detail}.");
}
