using System.Text;
using System.Text.Json;

namespace Samples.Study;

/// <summary>Per-trial series kept beside the CSV for the plots: sparsity per epoch and (first seed) the test forecasts.</summary>
/// <param name="Id">Trial id.</param>
/// <param name="Sparsity">Global sparsity at the end of each epoch (epoch, sparsity) pairs as [e, s].</param>
/// <param name="Actual">Actual values at the first horizon step of the scored test windows, or null.</param>
/// <param name="Forecast">Forecasts aligned with <paramref name="Actual"/>, or null.</param>
public sealed record StudyTrialDetail(string Id, double[][] Sparsity, float[]? Actual, float[]? Forecast);

/// <summary>
/// The results folder's raw store: <c>trials.csv</c> (one line per finished trial) and <c>trial-details.jsonl</c>.
/// Appends are one write of a whole line followed by a flush to disk, so an interrupted run leaves at most one
/// truncated last line; opening the store cuts such a line off, and <see cref="Load"/> ignores any malformed line.
/// </summary>
public sealed class StudyResultStore
{
    /// <summary>File name of the raw results.</summary>
    public const string ResultsFileName = "trials.csv";

    /// <summary>File name of the per-trial series.</summary>
    public const string DetailsFileName = "trial-details.jsonl";

    /// <summary>Most test points kept per trial detail (the last ones).</summary>
    public const int MaxForecastPoints = 1000;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Opens (creating if needed) the store in <paramref name="directory"/> and removes a truncated last line.</summary>
    public StudyResultStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        System.IO.Directory.CreateDirectory(directory);
        Directory = directory;
        ResultsPath = Path.Combine(directory, ResultsFileName);
        DetailsPath = Path.Combine(directory, DetailsFileName);
        TruncatedLinesRemoved = RemoveTruncatedTail(ResultsPath) + RemoveTruncatedTail(DetailsPath);
        if (!File.Exists(ResultsPath) || new FileInfo(ResultsPath).Length == 0)
            AppendLine(ResultsPath, string.Join(",", StudyResultRow.Columns));
    }

    /// <summary>The results folder.</summary>
    public string Directory { get; }

    /// <summary>Path of <c>trials.csv</c>.</summary>
    public string ResultsPath { get; }

    /// <summary>Path of <c>trial-details.jsonl</c>.</summary>
    public string DetailsPath { get; }

    /// <summary>Number of truncated last lines removed on opening (0 or more).</summary>
    public int TruncatedLinesRemoved { get; }

    /// <summary>Malformed lines skipped by the last <see cref="Load"/>.</summary>
    public int SkippedLines { get; private set; }

    /// <summary>Appends one finished trial (and its detail) durably.</summary>
    public void Append(StudyTrial trial, StudyTrialResult result)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(result);
        var history = result.SparsityHistory.Select(p => new[] { p.Epoch, Math.Round(p.Sparsity, 5) }).ToArray();
        float[]? actual = result.TestActual, forecast = result.TestForecast;
        if (actual is not null && forecast is not null && actual.Length == forecast.Length)
        {
            int skip = Math.Max(0, actual.Length - MaxForecastPoints);
            actual = actual[skip..];
            forecast = forecast[skip..];
        }
        else { actual = null; forecast = null; }
        // Detail first: a row in the CSV marks the trial finished, so its detail must already be there.
        AppendLine(DetailsPath, JsonSerializer.Serialize(new StudyTrialDetail(trial.Id, history, actual, forecast)));
        AppendLine(ResultsPath, StudyResultRow.From(trial, result).ToCsvLine());
    }

    /// <summary>All finished trials (the last line for an id wins); malformed lines are skipped and counted.</summary>
    public IReadOnlyList<StudyResultRow> Load()
    {
        var rows = new Dictionary<string, StudyResultRow>(StringComparer.Ordinal);
        int skipped = 0;
        if (File.Exists(ResultsPath))
        {
            bool header = true;
            foreach (var line in File.ReadLines(ResultsPath))
            {
                if (header) { header = false; continue; }
                if (line.Length == 0) continue;
                try { var r = StudyResultRow.Parse(line); rows[r.Id] = r; }
                catch (Exception e) when (e is FormatException or ArgumentException or OverflowException) { skipped++; }
            }
        }
        SkippedLines = skipped;
        return rows.Values.ToList();
    }

    /// <summary>The ids of the finished trials.</summary>
    public HashSet<string> FinishedIds() => Load().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>The stored details by trial id (malformed lines skipped).</summary>
    public IReadOnlyDictionary<string, StudyTrialDetail> LoadDetails()
    {
        var d = new Dictionary<string, StudyTrialDetail>(StringComparer.Ordinal);
        if (!File.Exists(DetailsPath)) return d;
        foreach (var line in File.ReadLines(DetailsPath))
        {
            if (line.Length == 0) continue;
            try
            {
                var detail = JsonSerializer.Deserialize<StudyTrialDetail>(line);
                if (detail is not null) d[detail.Id] = detail;
            }
            catch (JsonException) { }
        }
        return d;
    }

    private static void AppendLine(string path, string line)
    {
        var bytes = s_utf8.GetBytes(line + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static int RemoveTruncatedTail(string path)
    {
        if (!File.Exists(path)) return 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        if (stream.Length == 0) return 0;
        stream.Seek(-1, SeekOrigin.End);
        if (stream.ReadByte() == '\n') return 0;
        // Walk back to the last line break and cut everything after it.
        long pos = stream.Length - 1;
        var buffer = new byte[1];
        while (pos > 0)
        {
            stream.Seek(pos - 1, SeekOrigin.Begin);
            stream.ReadExactly(buffer);
            if (buffer[0] == '\n') break;
            pos--;
        }
        stream.SetLength(pos);
        stream.Flush(flushToDisk: true);
        return 1;
    }
}
