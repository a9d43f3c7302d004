namespace Microsoft.ML.SynapticPruning.MLNet.Internals;

/// <summary>
/// Writes one component's state into its part of an ML.NET model .zip. Obtained from
/// <see cref="ModelIO.BeginSave"/>; values are read back in the same order by <see cref="ModelPartReader"/>.
/// </summary>
internal sealed class ModelPartWriter
{
    private readonly ModelSaveContext _ctx;

    internal ModelPartWriter(ModelSaveContext ctx) => _ctx = ctx;

    private BinaryWriter Writer => _ctx.Writer;

    /// <summary>Writes a 32-bit integer.</summary>
    public void WriteInt32(int value) => Writer.Write(value);

    /// <summary>Writes a 64-bit integer.</summary>
    public void WriteInt64(long value) => Writer.Write(value);

    /// <summary>Writes a single-precision float.</summary>
    public void WriteSingle(float value) => Writer.Write(value);

    /// <summary>Writes a double-precision float.</summary>
    public void WriteDouble(double value) => Writer.Write(value);

    /// <summary>Writes a Boolean as one byte.</summary>
    public void WriteBoolean(bool value) => Writer.Write(value);

    /// <summary>Writes a string (possibly empty, not null) through ML.NET's shared string table.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _ctx.SaveString(value);
    }

    /// <summary>Writes a length-prefixed float array.</summary>
    public void WriteSingleArray(ReadOnlySpan<float> values)
    {
        Writer.Write(values.Length);
        foreach (float v in values)
            Writer.Write(v);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> as a separate binary stream <paramref name="name"/> next to the model part
    /// (ML.NET's <c>SaveBinaryStream</c>), length-prefixed. Use it for large payloads.
    /// </summary>
    public void WriteBlob(string name, ReadOnlySpan<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[] copy = bytes.ToArray();
        _ctx.SaveBinaryStream(name, w =>
        {
            w.Write((long)copy.Length);
            w.Write(copy);
        });
    }
}
