namespace Microsoft.ML.SynapticPruning.Persistence;

/// <summary>
/// Reads a declared number of bytes without trusting the declaration: a seekable stream is checked against its
/// remaining length first; otherwise the data is read in 1 MiB chunks, so a corrupt length fails at the end of the
/// stream instead of allocating the declared size up front.
/// </summary>
internal static class BoundedStreamReader
{
    private const int Chunk = 1 << 20;

    /// <summary>Reads exactly <paramref name="length"/> bytes or throws the exception from <paramref name="truncated"/>.</summary>
    public static byte[] ReadExactly(Stream stream, long length, Func<long?, Exception> truncated)
    {
        if (length < 0 || length > Array.MaxLength)
            throw truncated(null);
        if (stream.CanSeek && length > stream.Length - stream.Position)
            throw truncated(stream.Length - stream.Position);
        if (length <= Chunk)
        {
            var small = new byte[length];
            if (stream.ReadAtLeast(small, small.Length, throwOnEndOfStream: false) != small.Length)
                throw truncated(null);
            return small;
        }
        using var ms = new MemoryStream();
        var buffer = new byte[Chunk];
        long left = length;
        while (left > 0)
        {
            int want = (int)Math.Min(Chunk, left);
            if (stream.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false) != want)
                throw truncated(null);
            ms.Write(buffer, 0, want);
            left -= want;
        }
        return ms.ToArray();
    }
}
