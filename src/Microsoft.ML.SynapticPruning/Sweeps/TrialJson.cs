using System.Globalization;
using System.Text.Json;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>Hand-written JSON for trials: canonical key order, explicit versions, precise errors.</summary>
internal static class TrialJson
{
    /// <summary>Key set in <see cref="Exception.Data"/> when a payload has a newer format version.</summary>
    public const string NewerVersionKey = "SynapticPruning.Sweeps.NewerVersion";

    public static bool IsNewerVersion(Exception ex) => ex.Data.Contains(NewerVersionKey) || (ex.InnerException is not null && IsNewerVersion(ex.InnerException));

    public static JsonDocument Parse(ReadOnlySpan<byte> utf8Json, string what)
    {
        try
        {
            var doc = JsonDocument.Parse(utf8Json.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new InvalidDataException($"A {what} must be a JSON object.");
            }
            return doc;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The {what} is not valid JSON: {ex.Message}", ex);
        }
    }

    public static void WriteConfiguration(Utf8JsonWriter w, Configuration configuration)
    {
        w.WriteStartObject();
        foreach (var (k, v) in configuration)
            w.WriteString(k, v);
        w.WriteEndObject();
    }

    public static void WriteRequest(Utf8JsonWriter w, TrialRequest r)
    {
        w.WriteStartObject();
        w.WriteNumber("version", r.Version);
        w.WriteString("sweepId", r.SweepId);
        w.WriteString("trialId", r.TrialId);
        w.WritePropertyName("configuration");
        WriteConfiguration(w, r.Configuration);
        w.WriteNumber("seed", r.Seed);
        w.WriteNumber("rung", r.Rung);
        w.WriteNumber("epochBudget", r.EpochBudget);
        w.WriteNumber("maxEpochs", r.MaxEpochs);
        if (r.ResumeFromTrialId is null)
            w.WriteNull("resumeFromTrialId");
        else
            w.WriteString("resumeFromTrialId", r.ResumeFromTrialId);
        w.WriteStartObject("data");
        w.WriteString("name", r.Data.Name);
        w.WriteString("sha256", r.Data.Sha256);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static TrialRequest ReadRequest(JsonElement e)
    {
        const string What = "trial request";
        CheckVersion(e, What, TrialRequest.CurrentVersion);
        var configElement = Required(e, "configuration", JsonValueKind.Object, What);
        var values = new List<KeyValuePair<string, string>>();
        foreach (var p in configElement.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"Trial request configuration value '{p.Name}' must be a JSON string (canonical text).");
            values.Add(new(p.Name, p.Value.GetString()!));
        }
        var data = Required(e, "data", JsonValueKind.Object, What);
        string? resume = null;
        if (e.TryGetProperty("resumeFromTrialId", out var rv) && rv.ValueKind != JsonValueKind.Null)
            resume = rv.ValueKind == JsonValueKind.String ? rv.GetString() : throw new InvalidDataException("Trial request field 'resumeFromTrialId' must be a string or null.");
        TrialRequest request;
        try
        {
            request = new TrialRequest(
                String(e, "sweepId", What),
                new Configuration(values),
                Int(e, "seed", What),
                Int(e, "rung", What),
                Int(e, "epochBudget", What),
                Int(e, "maxEpochs", What),
                new DataReference(String(data, "name", What), String(data, "sha256", What)),
                resume);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"The trial request is invalid: {ex.Message}", ex);
        }
        string id = String(e, "trialId", What);
        if (!string.Equals(id, request.TrialId, StringComparison.Ordinal))
            throw new InvalidDataException($"Trial request id '{id}' does not match its contents (expected '{request.TrialId}'); the payload was altered or written by incompatible code.");
        return request;
    }

    public static void WriteResult(Utf8JsonWriter w, TrialResult r)
    {
        w.WriteStartObject();
        w.WriteNumber("version", r.Version);
        w.WriteString("trialId", r.TrialId);
        w.WriteString("status", r.Status.ToString());
        WriteDouble(w, "objective", r.Objective);
        w.WriteStartObject("metrics");
        foreach (var (k, v) in r.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            WriteDouble(w, k, v);
        w.WriteEndObject();
        WriteDouble(w, "seconds", r.Seconds);
        w.WriteNumber("epochsRun", r.EpochsRun);
        if (r.Error is null) w.WriteNull("error"); else w.WriteString("error", r.Error);
        if (r.Worker is null) w.WriteNull("worker"); else w.WriteString("worker", r.Worker);
        w.WriteEndObject();
    }

    public static TrialResult ReadResult(JsonElement e)
    {
        const string What = "trial result";
        int version = CheckVersion(e, What, TrialResult.CurrentVersion);
        string statusText = String(e, "status", What);
        if (!Enum.TryParse<TrialStatus>(statusText, ignoreCase: false, out var status) || !Enum.IsDefined(status))
            throw new InvalidDataException($"Trial result status '{statusText}' is not one of {string.Join(", ", Enum.GetNames<TrialStatus>())}.");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (e.TryGetProperty("metrics", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException("Trial result field 'metrics' must be an object.");
            foreach (var p in m.EnumerateObject())
                metrics[p.Name] = ReadDouble(p.Value, $"metrics.{p.Name}", What);
        }
        return new TrialResult
        {
            Version = version,
            TrialId = String(e, "trialId", What),
            Status = status,
            Objective = e.TryGetProperty("objective", out var o) && o.ValueKind != JsonValueKind.Null ? ReadDouble(o, "objective", What) : double.PositiveInfinity,
            Metrics = metrics,
            Seconds = e.TryGetProperty("seconds", out var s) && s.ValueKind != JsonValueKind.Null ? ReadDouble(s, "seconds", What) : 0,
            EpochsRun = e.TryGetProperty("epochsRun", out var er) && er.ValueKind != JsonValueKind.Null ? Int(e, "epochsRun", What) : 0,
            Error = OptionalString(e, "error", What),
            Worker = OptionalString(e, "worker", What),
        };
    }

    private static int CheckVersion(JsonElement e, string what, int current)
    {
        if (!e.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version))
            throw new InvalidDataException($"The {what} has no integer 'version' field.");
        if (version > current)
        {
            var ex = new InvalidDataException($"The {what} has format version {version}, newer than the newest this library reads ({current}); update the library on this machine.");
            ex.Data[NewerVersionKey] = version;
            throw ex;
        }
        if (version < 1)
            throw new InvalidDataException($"The {what} has an invalid format version {version}.");
        return version;
    }

    public static JsonElement Required(JsonElement e, string name, JsonValueKind kind, string what)
    {
        if (!e.TryGetProperty(name, out var v))
            throw new InvalidDataException($"The {what} lacks the field '{name}'.");
        if (v.ValueKind != kind)
            throw new InvalidDataException($"The {what} field '{name}' must be a JSON {kind} (found {v.ValueKind}).");
        return v;
    }

    private static string String(JsonElement e, string name, string what) => Required(e, name, JsonValueKind.String, what).GetString()!;

    private static string? OptionalString(JsonElement e, string name, string what)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new InvalidDataException($"The {what} field '{name}' must be a string or null.");
    }

    private static int Int(JsonElement e, string name, string what)
    {
        var v = Required(e, name, JsonValueKind.Number, what);
        return v.TryGetInt32(out int i) ? i : throw new InvalidDataException($"The {what} field '{name}' must be a 32-bit integer.");
    }

    private static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
            w.WriteNumber(name, value);
        else
            w.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    private static double ReadDouble(JsonElement v, string name, string what)
    {
        if (v.ValueKind == JsonValueKind.Number)
            return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String)
        {
            switch (v.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
        }
        throw new InvalidDataException($"The {what} field '{name}' must be a number (or \"NaN\"/\"Infinity\"/\"-Infinity\").");
    }
}

