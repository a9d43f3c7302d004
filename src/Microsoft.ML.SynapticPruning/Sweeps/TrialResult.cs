using System.Text;
using System.Text.Json;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// The outcome of one trial, serialisable to versioned JSON (a worker process prints it as the last line of its
/// standard output). <see cref="Objective"/> is minimised; failed and cancelled trials carry +∞.
/// </summary>
public sealed record TrialResult
{
    /// <summary>The JSON format version this code writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>Id of the trial this result belongs to.</summary>
    public required string TrialId { get; init; }
    /// <summary>How the trial ended.</summary>
    public required TrialStatus Status { get; init; }
    /// <summary>The value to minimise (e.g. validation MAE); +∞ unless <see cref="Status"/> is Succeeded.</summary>
    public double Objective { get; init; } = double.PositiveInfinity;
    /// <summary>Further metrics by name (e.g. "rmse", "sparsity"). Never null.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    /// <summary>Wall-clock seconds the trial took (0 when unknown).</summary>
    public double Seconds { get; init; }
    /// <summary>Epochs actually trained, counting from epoch 0 (a resumed trial counts the epochs it inherited).</summary>
    public int EpochsRun { get; init; }
    /// <summary>Why the trial failed, or null.</summary>
    public string? Error { get; init; }
    /// <summary>Which worker ran the trial (host/process/thread), informative only.</summary>
    public string? Worker { get; init; }

    /// <summary>A succeeded result.</summary>
    public static TrialResult Succeeded(string trialId, double objective, IReadOnlyDictionary<string, double>? metrics = null, int epochsRun = 0, double seconds = 0)
    {
        if (double.IsNaN(objective))
            throw new ArgumentOutOfRangeException(nameof(objective), "A succeeded trial needs a non-NaN objective; report a failure instead.");
        return new TrialResult
        {
            TrialId = trialId,
            Status = TrialStatus.Succeeded,
            Objective = objective,
            Metrics = metrics ?? new Dictionary<string, double>(),
            EpochsRun = epochsRun,
            Seconds = seconds,
        };
    }

    /// <summary>A failed result with an error message.</summary>
    public static TrialResult Failed(string trialId, string error, double seconds = 0)
        => new() { TrialId = trialId, Status = TrialStatus.Failed, Error = error, Seconds = seconds };

    /// <summary>A cancelled result.</summary>
    public static TrialResult Cancelled(string trialId, double seconds = 0)
        => new() { TrialId = trialId, Status = TrialStatus.Cancelled, Error = "cancelled", Seconds = seconds };

    /// <summary>Single-line JSON text. Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity".</summary>
    public string ToJson() => Encoding.UTF8.GetString(ToJsonBytes());

    /// <summary>Single-line JSON as UTF-8 bytes.</summary>
    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
            TrialJson.WriteResult(w, this);
        return buffer.ToArray();
    }

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON, missing fields or a newer version.</exception>
    public static TrialResult FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return FromJsonBytes(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Parses UTF-8 JSON bytes.</summary>
    /// <exception cref="InvalidDataException">As <see cref="FromJson"/>.</exception>
    public static TrialResult FromJsonBytes(ReadOnlySpan<byte> utf8Json)
    {
        using var doc = TrialJson.Parse(utf8Json, "trial result");
        return TrialJson.ReadResult(doc.RootElement);
    }
}
