using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Persistence;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Writes a <see cref="LagWindowModel"/> into a checksummed <see cref="ModelPayload"/> and back: <c>model.json</c>
/// (format version 2; the kind, lookback, horizon and columns), one <c>step/NNNN</c> per horizon step for the trees (the
/// step's ML.NET model .zip, written by ML.NET's own <c>Model.Save</c>) and optional <c>history.bin</c>. Every bound of
/// <see cref="ModelLoadLimits.CheckLagWindow"/> is checked before any step model is loaded.
/// </summary>
internal static class LagWindowModelSerializer
{
    /// <summary>The payload format version of lag-window models.</summary>
    public const int LagWindowPayloadVersion = 2;

    /// <summary>The entry name of step <paramref name="step"/>'s model.</summary>
    public static string StepEntry(int step) => "step/" + step.ToString("D4", CultureInfo.InvariantCulture);

    public static ModelPayload Write(LagWindowModel model)
    {
        var payload = new ModelPayload();
        payload.AddText(ForecastingModelSerializer.InfoEntry, ForecastingModelSerializer.WriteInfo(LagWindowPayloadVersion, model.Info));
        for (int h = 0; h < model.Steps.Count; h++) payload.Add(StepEntry(h), model.Steps[h].Bytes);
        if (model.History.Length > 0) payload.Add(ForecastingModelSerializer.HistoryEntry, MemoryMarshal.AsBytes(model.History.AsSpan()));
        return payload;
    }

    public static LagWindowModel Read(ForecastingModelInfo info, ModelPayload payload)
    {
        const string infoEntry = ForecastingModelSerializer.InfoEntry;
        ModelLoadLimits.CheckLagWindow(info, payload, infoEntry); // before any step model is loaded
        var spec = info.Spec;
        int steps = spec.Kind.IsTreeEnsemble() ? spec.Horizon : 0;
        var known = new HashSet<string>(StringComparer.Ordinal) { infoEntry, ForecastingModelSerializer.HistoryEntry };
        for (int h = 0; h < steps; h++) known.Add(StepEntry(h));
        if (payload.EntryNames.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            throw new InvalidDataException($"Entry '{unknown}' is not part of a {spec.Kind} forecaster of horizon {spec.Horizon}: the file is damaged or was written by a newer release.");
        int features = LagWindowFeatures.Count(spec.Lookback, spec.TargetChannels + spec.CovariateChannels);
        var models = new TreeStepModel[steps];
        for (int h = 0; h < steps; h++)
        {
            string entry = StepEntry(h);
            if (!payload.TryGet(entry, out var bytes))
                throw new InvalidDataException($"Entry '{entry}' is missing: a {spec.Kind} forecaster of horizon {spec.Horizon} stores one model per step.");
            models[h] = TreeStepModel.Load(bytes.ToArray(), spec.Kind, features, entry);
        }
        float[]? history = null;
        if (payload.TryGet(ForecastingModelSerializer.HistoryEntry, out var stored))
        {
            if (stored.Length % sizeof(float) != 0)
                throw new InvalidDataException($"Entry '{ForecastingModelSerializer.HistoryEntry}' has {stored.Length} bytes, not a whole number of floats.");
            history = MemoryMarshal.Cast<byte, float>(stored.Span).ToArray();
        }
        return new LagWindowModel(info, models, history);
    }
}
