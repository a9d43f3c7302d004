using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.SynapticPruning.Persistence;

/// <summary>
/// A versioned, checksummed container of named binary entries — the learned state of one model, e.g.
/// <c>"options.json"</c>, <c>"scaler"</c>, <c>"weights/&lt;parameter&gt;"</c>, <c>"masks/..."</c>.
/// </summary>
/// <remarks>
/// <para>Layout (all integers little-endian):</para>
/// <code>
/// "SPML"            4 bytes magic
/// format version    int32 (FormatVersion = 1)
/// entry count       int32
/// per entry:
///   name length     uint16, then the name as UTF-8
///   data length     int64
///   SHA-256         32 bytes of the data
///   data
/// </code>
/// <para>
/// <see cref="ReadFrom"/> consumes the stream to its end and verifies the magic, the version, every length against
/// the bytes present, every entry's SHA-256, and that names are unique. Any damage surfaces as an
/// <see cref="InvalidDataException"/> that names the entry when one is involved.
/// </para>
/// </remarks>
internal sealed class ModelPayload
{
    /// <summary>Version of the container layout written by this library; readers accept versions up to this one.</summary>
    public const int FormatVersion = 1;

    /// <summary>Maximum length of an entry name in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>Maximum number of entries.</summary>
    public const int MaxEntries = 1 << 20;

    private static readonly byte[] MagicBytes = "SPML"u8.ToArray();
    private const int HashSize = 32;

    private readonly List<string> _names = new();
    private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    /// <summary>Names of the entries in the order they were added or read.</summary>
    public IReadOnlyList<string> EntryNames => _names;

    /// <summary>Number of entries.</summary>
    public int Count => _names.Count;

    /// <summary>Adds an entry (the bytes are copied).</summary>
    /// <exception cref="ArgumentException">The name is empty, too long, or already present.</exception>
    public void Add(string name, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            throw new ArgumentException($"Entry name '{name}' is longer than {MaxNameBytes} UTF-8 bytes.", nameof(name));
        if (_entries.ContainsKey(name))
            throw new ArgumentException($"Entry '{name}' was already added; entry names must be unique.", nameof(name));
        if (_names.Count >= MaxEntries)
            throw new InvalidOperationException($"A payload holds at most {MaxEntries} entries.");
        _entries.Add(name, data.ToArray());
        _names.Add(name);
    }

    /// <summary>Adds a UTF-8 text entry, e.g. <c>"options.json"</c>.</summary>
    public void AddText(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Add(name, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Adds a tensor encoded with <see cref="SparseTensorCodec.Encode"/>.</summary>
    public void AddTensor(string name, float[] values, int[] shape, bool[]? mask = null)
        => Add(name, SparseTensorCodec.Encode(values, shape, mask));

    /// <summary>Whether an entry with this name exists.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>Looks an entry up by name.</summary>
    public bool TryGet(string name, out ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_entries.TryGetValue(name, out var bytes))
        {
            data = bytes;
            return true;
        }
        data = default;
        return false;
    }

    /// <summary>Returns the entry's bytes.</summary>
    /// <exception cref="InvalidDataException">No entry has this name ("entry '…' is missing").</exception>
    public ReadOnlyMemory<byte> Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_entries.TryGetValue(name, out var bytes))
            throw new InvalidDataException($"The model payload is incomplete: entry '{name}' is missing.");
        return bytes;
    }

    /// <summary>Returns a UTF-8 text entry.</summary>
    /// <exception cref="InvalidDataException">The entry is missing or not valid UTF-8.</exception>
    public string GetText(string name)
    {
        var bytes = Get(name);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes.Span);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException($"Entry '{name}' is not valid UTF-8 text.", ex);
        }
    }

    /// <summary>Decodes a tensor entry written by <see cref="AddTensor"/>.</summary>
    /// <param name="name">Entry name.</param>
    /// <param name="expectedShape">If given, the stored shape must equal it (checked before allocating).</param>
    /// <exception cref="InvalidDataException">The entry is missing, malformed or has another shape.</exception>
    public SparseTensor GetTensor(string name, int[]? expectedShape = null)
        => SparseTensorCodec.Decode(Get(name).Span, name, expectedShape);

    /// <summary>Writes the payload to <paramref name="stream"/> (which stays open).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> scratch = stackalloc byte[8];
        stream.Write(MagicBytes);
        BinaryPrimitives.WriteInt32LittleEndian(scratch, FormatVersion);
        stream.Write(scratch[..4]);
        BinaryPrimitives.WriteInt32LittleEndian(scratch, _names.Count);
        stream.Write(scratch[..4]);
        foreach (string name in _names)
        {
            byte[] data = _entries[name];
            byte[] nameBytes = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)nameBytes.Length);
            stream.Write(scratch[..2]);
            stream.Write(nameBytes);
            BinaryPrimitives.WriteInt64LittleEndian(scratch, data.LongLength);
            stream.Write(scratch);
            stream.Write(SHA256.HashData(data));
            stream.Write(data);
        }
    }

    /// <summary>Returns the serialized payload.</summary>
    public byte[] ToArray()
    {
        using var ms = new MemoryStream();
        WriteTo(ms);
        return ms.ToArray();
    }

    /// <summary>Reads a payload from <paramref name="bytes"/>.</summary>
    /// <exception cref="InvalidDataException">See <see cref="ReadFrom"/>.</exception>
    public static ModelPayload FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var ms = new MemoryStream(bytes, writable: false);
        return ReadFrom(ms);
    }

    /// <summary>Reads a payload from the current position of <paramref name="stream"/> to its end.</summary>
    /// <exception cref="InvalidDataException">The data is not a payload, was written by a newer version, is
    /// truncated or damaged (the message names the entry), or has duplicate or trailing data.</exception>
    public static ModelPayload ReadFrom(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new BoundedReader(stream);
        Span<byte> head = stackalloc byte[12];
        if (!reader.TryReadExactly(head[..4]) || !head[..4].SequenceEqual(MagicBytes))
            throw new InvalidDataException("The data is not a SynapticPruning.ML model payload (missing 'SPML' header).");
        reader.ReadExactly(head[4..12], "header");
        int version = BinaryPrimitives.ReadInt32LittleEndian(head[4..]);
        if (version > FormatVersion)
            throw new InvalidDataException(
                $"The model payload was written by a newer version of SynapticPruning.ML (format version {version}); this library reads up to format version {FormatVersion}. Upgrade the Microsoft.ML.SynapticPruning package.");
        if (version < 1)
            throw new InvalidDataException($"The model payload is damaged: format version {version} is invalid.");
        int count = BinaryPrimitives.ReadInt32LittleEndian(head[8..]);
        if (count < 0 || count > MaxEntries)
            throw new InvalidDataException($"The model payload is damaged: entry count {count} is outside [0, {MaxEntries}].");

        var payload = new ModelPayload();
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Span<byte> fixedPart = stackalloc byte[8 + HashSize];
        Span<byte> hash = stackalloc byte[HashSize];
        for (int e = 0; e < count; e++)
        {
            string where = $"entry #{e}";
            reader.ReadExactly(head[..2], where);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(head);
            if (nameLength == 0 || nameLength > MaxNameBytes)
                throw new InvalidDataException($"The model payload is damaged: {where} has a name of {nameLength} bytes (allowed 1..{MaxNameBytes}).");
            byte[] nameBytes = reader.ReadBytes(nameLength, where);
            string name;
            try
            {
                name = utf8.GetString(nameBytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new InvalidDataException($"The model payload is damaged: the name of {where} is not valid UTF-8.", ex);
            }
            where = $"entry '{name}'";
            if (payload._entries.ContainsKey(name))
                throw new InvalidDataException($"The model payload is damaged: {where} appears more than once.");

            reader.ReadExactly(fixedPart, where);
            long length = BinaryPrimitives.ReadInt64LittleEndian(fixedPart);
            if (length < 0 || length > Array.MaxLength)
                throw new InvalidDataException($"The model payload is damaged: {where} declares {length} bytes.");
            byte[] data = reader.ReadBytes(length, where);
            SHA256.HashData(data, hash);
            if (!hash.SequenceEqual(fixedPart[8..]))
                throw new InvalidDataException($"The model payload is damaged: the SHA-256 of {where} does not match its contents.");
            payload._entries.Add(name, data);
            payload._names.Add(name);
        }
        if (reader.HasMore())
            throw new InvalidDataException("The model payload is damaged: unexpected bytes after the last entry.");
        return payload;
    }

    /// <summary>Reads exact byte counts and never allocates more than the stream can still deliver.</summary>
    private readonly struct BoundedReader
    {
        private readonly Stream _stream;

        public BoundedReader(Stream stream) => _stream = stream;

        public bool TryReadExactly(Span<byte> buffer) => _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;

        public void ReadExactly(Span<byte> buffer, string where)
        {
            if (!TryReadExactly(buffer))
                throw Truncated(where);
        }

        public byte[] ReadBytes(long length, string where)
            => BoundedStreamReader.ReadExactly(_stream, length, remaining => remaining is long r
                ? new InvalidDataException($"The model payload is damaged: {where} declares {length} bytes but only {r} remain.")
                : Truncated(where));

        public bool HasMore()
        {
            if (_stream.CanSeek)
                return _stream.Position < _stream.Length;
            Span<byte> one = stackalloc byte[1];
            return _stream.Read(one) > 0;
        }

        private static InvalidDataException Truncated(string where)
            => new($"The model payload is truncated: {where} ends early.");
    }
}
