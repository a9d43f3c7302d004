using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Persistence;
using Microsoft.ML.SynapticPruning.Runtime;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Writes a <see cref="NetworkModel"/> into a checksummed <see cref="ModelPayload"/> and back:
/// <c>model.json</c> (self-description), <c>scaler.bin</c> (per-channel mean/std as raw doubles), one
/// <c>param/&lt;name&gt;</c> sparse tensor per parameter (pruned ones store their mask: bitmap or delta-coded indices,
/// whichever is smaller), one <c>buffer/&lt;name&gt;</c> per buffer (BatchNorm statistics) and optional <c>history.bin</c>.
/// Shapes come from the rebuilt network and are checked before any tensor is filled.
/// </summary>
/// <remarks>A lag-window model (naive, seasonal naive, FastTree, LightGbm) is written by <see cref="LagWindowModelSerializer"/>
/// into the same payload format (format version 2, so older releases refuse it with "upgrade"); <see cref="ReadModel"/>
/// dispatches on the kind stored in <c>model.json</c>.</remarks>
internal static class ForecastingModelSerializer
{
    /// <summary>The newest payload format this library reads (1 = networks, 2 = lag-window models).</summary>
    public const int PayloadVersion = 2;
    /// <summary>The format version network payloads are written with (unchanged, so their bytes are too).</summary>
    public const int NetworkPayloadVersion = 1;
    internal const string InfoEntry = "model.json";
    private const string ScalerEntry = "scaler.bin";
    internal const string HistoryEntry = "history.bin";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes a network or a lag-window model.</summary>
    public static ModelPayload Write(IForecastingModel model) => model switch
    {
        NetworkModel network => Write(network),
        LagWindowModel lagWindow => LagWindowModelSerializer.Write(lagWindow),
        _ => throw new ArgumentException($"{model?.GetType().Name ?? "null"} is not a forecaster this library can save.", nameof(model)),
    };

    /// <summary>Reads a network or a lag-window model, whichever <c>model.json</c> describes.</summary>
    public static IForecastingModel ReadModel(ModelPayload payload)
    {
        var info = ReadInfo(payload);
        return info.Spec.Kind.IsLagWindow() ? LagWindowModelSerializer.Read(info, payload) : Read(payload);
    }

    public static ModelPayload Write(NetworkModel model)
    {
        var payload = new ModelPayload();
        payload.AddText(InfoEntry, WriteInfo(NetworkPayloadVersion, model.Info));
        payload.Add(ScalerEntry, WriteScaler(model.Forecaster.Scaler));
        var masks = model.Forecaster.PruningSummary?.Masks;
        foreach (var (name, p) in model.Forecaster.Module.named_parameters())
        {
            bool[]? mask = masks is not null && masks.TryGetValue(name, out var m) ? m : null;
            payload.AddTensor("param/" + name, ReadFloats(p), Shape(p), mask);
        }
        foreach (var (name, b) in model.Forecaster.Module.named_buffers())
        {
            if (b.dtype != ScalarType.Float32) continue; // e.g. BatchNorm's num_batches_tracked is not needed to forecast
            payload.AddTensor("buffer/" + name, ReadFloats(b), Shape(b));
        }
        if (model.History.Length > 0) payload.Add(HistoryEntry, MemoryMarshal.AsBytes(model.History.AsSpan()));
        return payload;
    }

    public static NetworkModel Read(ModelPayload payload)
    {
        var info = ReadInfo(payload);
        var spec = info.Spec;
        if (!spec.Kind.IsNetwork())
            throw new InvalidDataException($"Entry '{InfoEntry}' describes a {spec.Kind} lag-window model, not a network.");
        try { ForecasterFactory.Validate(spec); }
        catch (ArgumentException e) { throw new InvalidDataException($"Entry '{InfoEntry}' describes an invalid architecture: {e.Message}", e); }
        ModelLoadLimits.Check(info, payload, InfoEntry); // before any network exists
        if (info.IntervalHalfWidths is { } hw && hw.Length != spec.Horizon)
            throw new InvalidDataException($"Entry '{InfoEntry}' holds {hw.Length} interval half-widths for horizon {spec.Horizon}.");

        var scaler = ReadScaler(payload.Get(ScalerEntry).Span, spec.TargetChannels + spec.CovariateChannels);
        ForecastingNetwork module;
        var masks = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        using (torch.no_grad())
        {
            module = ForecasterFactory.Create(spec);
            try
            {
                foreach (var (name, p) in module.named_parameters())
                {
                    var tensor = payload.GetTensor("param/" + name, Shape(p));
                    Fill(p, tensor.Values, "param/" + name);
                    if (tensor.Mask is { } mask) masks[name] = mask;
                }
                foreach (var (name, b) in module.named_buffers())
                {
                    if (b.dtype != ScalarType.Float32) continue;
                    Fill(b, payload.GetTensor("buffer/" + name, Shape(b)).Values, "buffer/" + name);
                }
            }
            catch
            {
                module.Dispose();
                throw;
            }
        }
        module.eval();
        // Entry names are not covered by the per-entry SHA-256: a damaged name must not make an entry silently vanish.
        var known = new HashSet<string>(StringComparer.Ordinal) { InfoEntry, ScalerEntry, HistoryEntry };
        foreach (var (name, _) in module.named_parameters()) known.Add("param/" + name);
        foreach (var (name, _) in module.named_buffers()) known.Add("buffer/" + name);
        if (payload.EntryNames.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
        {
            module.Dispose();
            throw new InvalidDataException($"Entry '{unknown}' is not part of a {spec.Kind} forecaster of this version: the file is damaged or was written by a newer release.");
        }
        float[]? history = null;
        if (payload.TryGet(HistoryEntry, out var h))
        {
            if (h.Length % sizeof(float) != 0) throw new InvalidDataException($"Entry '{HistoryEntry}' has {h.Length} bytes, not a whole number of floats.");
            history = MemoryMarshal.Cast<byte, float>(h.Span).ToArray();
        }
        // Keep the masks, so that a loaded model saved again (e.g. a forecast-engine checkpoint) stays sparse on disk.
        var pruning = masks.Count == 0 ? null : new Pruning.PruningSummary(info.GlobalSparsity, info.LayerSparsity.Sum(t => t.Total),
            info.LayerSparsity.Sum(t => t.Pruned), info.LayerSparsity, Array.Empty<Pruning.SparsityHistoryEntry>(), masks, info.PruningSchedule ?? "");
        var forecaster = TrainedForecaster.FromModule(module, scaler, pruning: pruning);
        return new NetworkModel(forecaster, info, history);
    }

    /// <summary>Parses <c>model.json</c>: format version, description and a known kind (nothing else is checked here).</summary>
    internal static ForecastingModelInfo ReadInfo(ModelPayload payload)
    {
        StoredInfo stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredInfo>(payload.GetText(InfoEntry), Json)
                ?? throw new InvalidDataException($"Entry '{InfoEntry}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Entry '{InfoEntry}' is not valid model metadata: {e.Message}", e);
        }
        if (stored.Version > PayloadVersion)
            throw new InvalidDataException($"This model was written with forecaster format version {stored.Version}; this library reads up to version {PayloadVersion}. Upgrade Microsoft.ML.SynapticPruning.");
        var info = stored.Info ?? throw new InvalidDataException($"Entry '{InfoEntry}' has no model description.");
        _ = info.Spec ?? throw new InvalidDataException($"Entry '{InfoEntry}' has no architecture.");
        if (!Enum.IsDefined(info.Spec.Kind))
            throw new InvalidDataException($"Entry '{InfoEntry}' declares an unknown forecaster kind {(int)info.Spec.Kind}.");
        if (info.InputGapFill < 0)
            throw new InvalidDataException($"Entry '{InfoEntry}' declares a negative input gap fill ({info.InputGapFill}).");
        return info;
    }

    /// <summary>Serialises <c>model.json</c> with its format version.</summary>
    internal static string WriteInfo(int version, ForecastingModelInfo info) => JsonSerializer.Serialize(new StoredInfo(version, info), Json);

    private static float[] ReadFloats(Tensor t)
    {
        using var host = HostBytes.Read(t);
        var values = MemoryMarshal.Cast<byte, float>(host.Bytes).ToArray();
        for (int i = 0; i < values.Length; i++) values[i] += 0f; // −0 → +0 so identical models give identical bytes
        return values;
    }

    private static int[] Shape(Tensor t) => t.shape.Select(d => checked((int)d)).ToArray();

    private static void Fill(Tensor t, float[] values, string entry)
    {
        if (values.Length != t.numel())
            throw new InvalidDataException($"Entry '{entry}' holds {values.Length} values; the network expects {t.numel()}.");
        HostBytes.Write(t, MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static byte[] WriteScaler(ChannelScaler scaler)
    {
        int n = scaler.Channels;
        var bytes = new byte[4 + n * 17];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), n);
        for (int c = 0; c < n; c++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(4 + c * 16, 8), scaler.Mean[c]);
            BitConverter.TryWriteBytes(bytes.AsSpan(12 + c * 16, 8), scaler.Std[c]);
            bytes[4 + n * 16 + c] = scaler.ConstantChannels[c] ? (byte)1 : (byte)0;
        }
        return bytes;
    }

    private static ChannelScaler ReadScaler(ReadOnlySpan<byte> bytes, int expectedChannels)
    {
        if (bytes.Length < 4) throw new InvalidDataException($"Entry '{ScalerEntry}' is truncated.");
        int n = BitConverter.ToInt32(bytes[..4]);
        if (n != expectedChannels || bytes.Length != 4 + n * 17)
            throw new InvalidDataException($"Entry '{ScalerEntry}' describes {n} channels in {bytes.Length} bytes; the model has {expectedChannels} input channels.");
        var mean = new double[n];
        var std = new double[n];
        var constant = new bool[n];
        for (int c = 0; c < n; c++)
        {
            mean[c] = BitConverter.ToDouble(bytes.Slice(4 + c * 16, 8));
            std[c] = BitConverter.ToDouble(bytes.Slice(12 + c * 16, 8));
            constant[c] = bytes[4 + n * 16 + c] != 0;
            if (!double.IsFinite(mean[c]) || !double.IsFinite(std[c]) || std[c] <= 0)
                throw new InvalidDataException($"Entry '{ScalerEntry}' holds an invalid statistic for channel {c} (mean {mean[c]}, std {std[c]}).");
        }
        return new ChannelScaler(mean, std, constant);
    }

    private sealed record StoredInfo(int Version, ForecastingModelInfo? Info);
}
