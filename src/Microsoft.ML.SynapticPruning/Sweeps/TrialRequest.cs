using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// One concrete trial, serialisable to versioned JSON so that any executor (thread, worker process, cluster node)
/// can run it. <see cref="TrialId"/> is deterministic: the first 16 hex digits of the SHA-256 of the canonical JSON
/// of (configuration, seed, rung, epoch budget, max epochs, data SHA-256). The sweep id, dataset name and
/// <see cref="ResumeFromTrialId"/> are not part of it: the same trial in two sweeps has the same id and result.
/// </summary>
public sealed record TrialRequest
{
    /// <summary>The JSON format version this code writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Creates a trial request.</summary>
    /// <exception cref="ArgumentException">Empty sweep id or a resume id that is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Negative rung, epoch budget outside [1, maxEpochs].</exception>
    public TrialRequest(string sweepId, Configuration configuration, int seed, int rung, int epochBudget, int maxEpochs,
        DataReference data, string? resumeFromTrialId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sweepId);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(data);
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpochs), maxEpochs, "MaxEpochs (the full schedule T) must be ≥ 1.");
        if (epochBudget < 1 || epochBudget > maxEpochs)
            throw new ArgumentOutOfRangeException(nameof(epochBudget), epochBudget, $"EpochBudget must be in [1, MaxEpochs = {maxEpochs}].");
        if (rung < 0)
            throw new ArgumentOutOfRangeException(nameof(rung), rung, "Rung must be ≥ 0.");
        if (resumeFromTrialId is { Length: 0 })
            throw new ArgumentException("ResumeFromTrialId must be null or a trial id.", nameof(resumeFromTrialId));
        SweepId = sweepId;
        Configuration = configuration;
        Seed = seed;
        Rung = rung;
        EpochBudget = epochBudget;
        MaxEpochs = maxEpochs;
        Data = data;
        ResumeFromTrialId = resumeFromTrialId;
        TrialId = ComputeTrialId(configuration, seed, rung, epochBudget, maxEpochs, data.Sha256);
    }

    /// <summary>Format version (always <see cref="CurrentVersion"/> for requests built by this code).</summary>
    public int Version => CurrentVersion;
    /// <summary>The sweep this trial belongs to.</summary>
    public string SweepId { get; }
    /// <summary>Deterministic id (16 lowercase hex digits); see the type remarks.</summary>
    public string TrialId { get; }
    /// <summary>Hyper-parameters.</summary>
    public Configuration Configuration { get; }
    /// <summary>Seed of the fit (the runner seeds itself from it).</summary>
    public int Seed { get; }
    /// <summary>Successive-halving rung (0 for tuners without rungs).</summary>
    public int Rung { get; }
    /// <summary>Epochs this trial trains to (a rung truncates the run).</summary>
    public int EpochBudget { get; }
    /// <summary>The full schedule T: pruning schedules and learning-rate schedules use T even when <see cref="EpochBudget"/> &lt; T.</summary>
    public int MaxEpochs { get; }
    /// <summary>The lower-rung trial whose checkpoint (weights, masks, optimizer state) this trial resumes from; null = train from scratch.</summary>
    public string? ResumeFromTrialId { get; }
    /// <summary>The data to train on.</summary>
    public DataReference Data { get; }

    /// <summary>Computes the trial id of the given trial contents.</summary>
    public static string ComputeTrialId(Configuration configuration, int seed, int rung, int epochBudget, int maxEpochs, string dataSha256)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(dataSha256);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            // Keys in ordinal order; configuration keys are sorted by Configuration itself.
            w.WriteStartObject();
            w.WritePropertyName("configuration");
            TrialJson.WriteConfiguration(w, configuration);
            w.WriteString("dataSha256", dataSha256.ToLowerInvariant());
            w.WriteNumber("epochBudget", epochBudget);
            w.WriteNumber("maxEpochs", maxEpochs);
            w.WriteNumber("rung", rung);
            w.WriteNumber("seed", seed);
            w.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..16];
    }

    /// <summary>Single-line JSON (UTF-8 text).</summary>
    public string ToJson() => Encoding.UTF8.GetString(ToJsonBytes());

    /// <summary>Single-line JSON as UTF-8 bytes (the payload cluster contracts carry).</summary>
    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
            TrialJson.WriteRequest(w, this);
        return buffer.ToArray();
    }

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON, missing fields, a newer version, or a trial id that does not match the contents.</exception>
    public static TrialRequest FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return FromJsonBytes(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Parses UTF-8 JSON bytes written by <see cref="ToJsonBytes"/>.</summary>
    /// <exception cref="InvalidDataException">As <see cref="FromJson"/>.</exception>
    public static TrialRequest FromJsonBytes(ReadOnlySpan<byte> utf8Json)
    {
        using var doc = TrialJson.Parse(utf8Json, "trial request");
        return TrialJson.ReadRequest(doc.RootElement);
    }
}
