using System.Runtime.InteropServices;

namespace Microsoft.ML.SynapticPruning.Persistence;

/// <summary>
/// Replaces a file atomically: readers see either the complete previous file or the complete new one, never a
/// partially written file, and a failed write leaves the previous file untouched.
/// </summary>
/// <remarks>
/// Writes to a temporary file in the same folder (same file system, so the final rename is atomic), flushes it to
/// disk with <see cref="FileStream.Flush(bool)"/>, renames it over <c>path</c> with
/// <see cref="File.Move(string, string, bool)"/>, then, on Linux and macOS, fsyncs the folder so the rename itself
/// survives a power loss (Windows has no folder fsync; NTFS journals the rename). Temporary files of the same target
/// left by a process that crashed mid-write (<c>.name.GUID.tmp</c>, untouched for <see cref="StaleTempAge"/>) are deleted
/// by the next write. ML.NET's <c>Model.Save(model, schema, path)</c> truncates the
/// target before writing and so is not atomic; use <c>SaveAtomically</c> instead.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>How long a temporary file of the same target must have been untouched before a write deletes it as stale.</summary>
    public static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(1);

    /// <summary>Writes <paramref name="path"/> atomically with the content produced by <paramref name="write"/>.</summary>
    /// <param name="path">Target file; its folder must exist.</param>
    /// <param name="write">Writes the content. It may dispose the stream it is given; the file is still flushed.</param>
    /// <exception cref="DirectoryNotFoundException">The target folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot save '{fullPath}': the folder '{directory}' does not exist.");

        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
            {
                write(new KeepOpenStream(file));
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        SyncDirectory(directory);
        DeleteStaleTemps(directory, Path.GetFileName(fullPath));
    }

    /// <summary>
    /// fsyncs <paramref name="directory"/> (Linux and macOS) so a rename inside it is durable. Returns false where the OS
    /// has no such call (Windows) or the file system refuses it; the write has succeeded either way.
    /// </summary>
    internal static bool SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return false;
        int fd = NativeMethods.open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return false;
        try
        {
            return NativeMethods.fsync(fd) == 0;
        }
        finally
        {
            NativeMethods.close(fd);
        }
    }

    /// <summary>Deletes temporary files of <paramref name="fileName"/> in <paramref name="directory"/> untouched for <see cref="StaleTempAge"/>.</summary>
    internal static int DeleteStaleTemps(string directory, string fileName)
    {
        int deleted = 0;
        try
        {
            var cutoff = DateTime.UtcNow - StaleTempAge;
            foreach (string temp in Directory.EnumerateFiles(directory, $".{fileName}.*.tmp"))
            {
                string guid = Path.GetFileName(temp)[(fileName.Length + 2)..^4];
                if (guid.Length != 32 || !Guid.TryParseExact(guid, "N", out _)) continue; // not one of ours
                if (File.GetLastWriteTimeUtc(temp) >= cutoff) continue;                  // maybe another writer's, in progress
                TryDelete(temp);
                if (!File.Exists(temp)) deleted++;
            }
        }
        catch (IOException)
        {
            // Best effort: clean-up never fails a save that succeeded.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return deleted;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc")]
        public static extern int close(int fd);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception matters more than a leftover temp file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Forwards everything to the inner stream but ignores Dispose/Close, so the caller can still fsync.</summary>
    private sealed class KeepOpenStream : Stream
    {
        private readonly Stream _inner;

        public KeepOpenStream(Stream inner) => _inner = inner;

        public override bool CanRead => _inner.CanRead;
        public override bool CanSeek => _inner.CanSeek;
        public override bool CanWrite => _inner.CanWrite;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => _inner.Position = value; }
        public override void Flush() => _inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
        public override void SetLength(long value) => _inner.SetLength(value);
        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);
        public override void WriteByte(byte value) => _inner.WriteByte(value);
        protected override void Dispose(bool disposing) => _inner.Flush();
    }
}
