namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// Reads one component's state from its part of an ML.NET model .zip, in the order <see cref="ModelPartWriter"/>
/// wrote it. Obtained from <see cref="ModelIO.BeginLoad"/>. Every read is bounds-checked and fails with an
/// <see cref="InvalidDataException"/> naming the component.
/// </summary>
internal sealed class ModelPartReader
{
    private readonly ModelLoadContext _ctx;
    private readonly ModelFormat _format;

    internal ModelPartReader(ModelLoadContext ctx, ModelFormat format, uint versionWritten)
    {
        _ctx = ctx;
        _format = format;
        VersionWritten = versionWritten;
    }

    /// <summary>Format version the part was written with (between VerWeCanReadBack and VerWrittenCur).</summary>
    public uint VersionWritten { get; }

    private BinaryReader Reader => _ctx.Reader;

    /// <summary>Reads a 32-bit integer.</summary>
    public int ReadInt32() => Guard(() => Reader.ReadInt32());

    /// <summary>Reads a 32-bit integer and checks it lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int ReadInt32(int min, int max, string what)
    {
        int v = ReadInt32();
        if (v < min || v > max)
            throw Corrupt($"{what} = {v} is outside [{min}, {max}]");
        return v;
    }

    /// <summary>Reads a 64-bit integer.</summary>
    public long ReadInt64() => Guard(() => Reader.ReadInt64());

    /// <summary>Reads a single-precision float.</summary>
    public float ReadSingle() => Guard(() => Reader.ReadSingle());

    /// <summary>Reads a double-precision float.</summary>
    public double ReadDouble() => Guard(() => Reader.ReadDouble());

    /// <summary>Reads a Boolean written as one byte.</summary>
    public bool ReadBoolean() => Guard(() => Reader.ReadBoolean());

    /// <summary>Reads a string written by <see cref="ModelPartWriter.WriteString"/>.</summary>
    public string ReadString() => Guard(() => _ctx.LoadString());

    /// <summary>Reads a length-prefixed float array of at most <paramref name="maxLength"/> elements.</summary>
    public float[] ReadSingleArray(int maxLength)
    {
        int n = ReadInt32(0, maxLength, "float array length");
        return Guard(() =>
        {
            var result = new float[n];
            for (int i = 0; i < n; i++)
                result[i] = Reader.ReadSingle();
            return result;
        });
    }

    /// <summary>
    /// Reads the binary stream <paramref name="name"/> written by <see cref="ModelPartWriter.WriteBlob"/>.
    /// The declared length is checked against <paramref name="maxLength"/> before anything is allocated.
    /// </summary>
    public byte[] ReadBlob(string name, long maxLength = int.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[]? result = null;
        bool found = Guard(() => _ctx.TryLoadBinaryStream(name, r =>
        {
            long n = r.ReadInt64();
            if (n < 0 || n > maxLength || n > Array.MaxLength)
                throw Corrupt($"binary stream '{name}' declares {n} bytes (allowed: 0..{Math.Min(maxLength, Array.MaxLength)})");
            result = Persistence.BoundedStreamReader.ReadExactly(r.BaseStream, n,
                _ => Corrupt($"binary stream '{name}' is shorter than its declared {n} bytes"));
        }));
        if (!found || result is null)
            throw Corrupt($"binary stream '{name}' is missing");
        return result;
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException ex)
        {
            throw Corrupt("unexpected end of data", ex);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            throw Corrupt(ex.Message, ex);
        }
    }

    private InvalidDataException Corrupt(string detail, Exception? inner = null)
        => new($"The model part '{_format.LoaderSignature}' is damaged: {detail}.", inner);
}
