using System.Text;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// The results file of a sweep — the single source of truth on one machine: one JSON line
/// (<see cref="TrialRecord"/>) per finished trial, appended and flushed to disk as each trial ends.
/// </summary>
/// <remarks>
/// <para>Appends are safe across threads and processes: each line is written with a single write call while an
/// exclusive lock file (<c>path + ".lock"</c>) is held, with the data file opened in shared read/write mode. If the
/// file does not end with a newline (a writer crashed mid-line), a newline is written first so that the damaged
/// line stays isolated.</para>
/// <para>Reading skips lines that are not valid records (a crash mid-write leaves a truncated line) and reports each
/// in <see cref="Warnings"/>; it never fails for them. A well-formed record of a newer format version is an error
/// (<see cref="InvalidDataException"/>): it was written by newer code that this library cannot interpret. When a
/// trial id occurs more than once (written by older code or by hand), the first record wins.</para>
/// </remarks>
public sealed class SweepResultsStore
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly List<string> _warnings = new();

    /// <summary>Creates a store on <paramref name="path"/> (the file and its folder are created on first append).</summary>
    public SweepResultsStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>Full path of the .jsonl file.</summary>
    public string Path { get; }

    /// <summary>Warnings from the last <see cref="Load"/> (skipped lines, with their line numbers).</summary>
    public IReadOnlyList<string> Warnings
    {
        get { lock (_gate) return _warnings.ToArray(); }
    }

    /// <summary>Reads every record in the file (empty when the file does not exist), first occurrence per trial id.</summary>
    /// <exception cref="InvalidDataException">A record of a newer format version.</exception>
    public IReadOnlyList<TrialRecord> Load()
    {
        lock (_gate)
        {
            _warnings.Clear();
            var records = new List<TrialRecord>();
            if (!File.Exists(Path))
                return records;
            string text;
            using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
                text = reader.ReadToEnd();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r');
                if (line.Trim().Length == 0)
                    continue;
                TrialRecord record;
                try
                {
                    record = TrialRecord.FromJson(line);
                }
                catch (InvalidDataException ex) when (!TrialJson.IsNewerVersion(ex))
                {
                    bool last = lines.Skip(i + 1).All(l => l.Trim().Length == 0);
                    _warnings.Add($"{Path}: line {i + 1}{(last ? " (the last line, probably truncated by an interrupted write)" : "")} is not a valid trial record and was ignored: {ex.Message}");
                    continue;
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"{Path}: line {i + 1}: {ex.Message}", ex);
                }
                if (seen.Add(record.TrialId))
                    records.Add(record);
            }
            return records;
        }
    }

    /// <summary>
    /// Appends one finished trial as a line and flushes it to disk, unless the file already holds a valid record of
    /// the same trial id (idempotent, so a cluster client can mirror completions safely).
    /// </summary>
    /// <returns>True when the line was written; false when the trial was already recorded.</returns>
    /// <exception cref="ArgumentException">The trial was cancelled (cancelled trials are not recorded, so they rerun on resume).</exception>
    /// <exception cref="IOException">The lock file stayed locked by another process for 30 s.</exception>
    public bool Append(TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Result.Status == TrialStatus.Cancelled)
            throw new ArgumentException($"Trial {record.TrialId} was cancelled; only finished trials are recorded.", nameof(record));
        byte[] line = Encoding.UTF8.GetBytes(record.ToJson() + "\n");
        lock (_gate)
        {
            string? folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
                Directory.CreateDirectory(folder);
            using var fileLock = AcquireLock();
            using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > 0)
            {
                if (Contains(stream, record.TrialId))
                    return false;
                stream.Seek(-1, SeekOrigin.End);
                if (stream.ReadByte() != '\n')
                {
                    stream.Seek(0, SeekOrigin.End);
                    stream.WriteByte((byte)'\n');
                }
            }
            stream.Seek(0, SeekOrigin.End);
            stream.Write(line, 0, line.Length);
            stream.Flush(flushToDisk: true);
            return true;
        }
    }

    // Whether a complete, valid record of the trial is in the file (a truncated line with that id does not count).
    private static bool Contains(FileStream stream, string trialId)
    {
        stream.Seek(0, SeekOrigin.Begin);
        string needle = $"\"trialId\":\"{trialId}\"";
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            if (!line.Contains(needle, StringComparison.Ordinal))
                continue;
            try
            {
                if (TrialRecord.FromJson(line).TrialId == trialId)
                    return true;
            }
            catch (InvalidDataException)
            {
                // Damaged line: not a record.
            }
        }
        return false;
    }

    private FileStream AcquireLock()
    {
        string lockPath = Path + ".lock";
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
            }
        }
    }
}
