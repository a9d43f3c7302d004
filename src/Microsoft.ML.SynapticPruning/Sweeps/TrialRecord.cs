using System.Text;
using System.Text.Json;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>A finished trial: its request and its result (one line of the results file).</summary>
public sealed record TrialRecord
{
    /// <summary>Creates a record.</summary>
    /// <exception cref="ArgumentException">The result belongs to another trial.</exception>
    public TrialRecord(TrialRequest request, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        if (!string.Equals(request.TrialId, result.TrialId, StringComparison.Ordinal))
            throw new ArgumentException($"Result for trial '{result.TrialId}' cannot be paired with request '{request.TrialId}'.", nameof(result));
        Request = request;
        Result = result;
    }

    /// <summary>The request.</summary>
    public TrialRequest Request { get; }
    /// <summary>The result.</summary>
    public TrialResult Result { get; }
    /// <summary>The trial id.</summary>
    public string TrialId => Request.TrialId;

    /// <summary>Single-line JSON: <c>{"request":{…},"result":{…}}</c>.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("request");
            TrialJson.WriteRequest(w, Request);
            w.WritePropertyName("result");
            TrialJson.WriteResult(w, Result);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses a line written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON, missing fields, a newer version, or mismatched ids.</exception>
    public static TrialRecord FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = TrialJson.Parse(Encoding.UTF8.GetBytes(json), "trial record");
        var root = doc.RootElement;
        var request = TrialJson.ReadRequest(TrialJson.Required(root, "request", JsonValueKind.Object, "trial record"));
        var result = TrialJson.ReadResult(TrialJson.Required(root, "result", JsonValueKind.Object, "trial record"));
        if (request.TrialId != result.TrialId)
            throw new InvalidDataException($"Trial record pairs request '{request.TrialId}' with result '{result.TrialId}'.");
        return new TrialRecord(request, result);
    }
}
