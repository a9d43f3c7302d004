// A user's console app that consumes the packed SynapticPruning.ML package (see PackageConsumer.csproj).
//   PackageConsumer train DIR   trains a pruned LSTM on a synthetic series, saves DIR/model.zip and the forecasts it made
//   PackageConsumer check DIR   (a second process) loads DIR/model.zip and checks that its forecasts are the same bits
// Exit code 0 when everything matches, 1 on a mismatch.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;

if (args.Length != 2 || args[0] is not ("train" or "check"))
{
    Console.Error.WriteLine("usage: PackageConsumer train|check DIR");
    return 2;
}
string dir = args[1];
Directory.CreateDirectory(dir);
string modelPath = Path.Combine(dir, "model.zip"), forecastsPath = Path.Combine(dir, "forecasts.bin"), nextPath = Path.Combine(dir, "next.bin");

var rows = Enumerable.Range(0, 400)
    .Select(t => new SeriesRow { Value = (float)(10 + 3 * Math.Sin(2 * Math.PI * t / 24) + 0.3 * Math.Sin(0.7 * t * t)) })
    .ToArray();
var ml = new MLContext(seed: 1);
IDataView data = ml.Data.LoadFromEnumerable(rows);

if (args[0] == "train")
{
    var pipeline = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
    {
        LabelColumnName = nameof(SeriesRow.Value), OutputColumnName = "Forecast",
        Lookback = 24, Horizon = 3, MaxEpochs = 4, Seed = 7,
        Regularization = Regularization.SynapticPruning,
    });
    var model = pipeline.Fit(ml.Data.TakeRows(data, 320));
    float[] forecasts = Forecasts(ml, model.Transform(data));
    ml.Model.SaveAtomically(model, data.Schema, modelPath);
    File.WriteAllBytes(forecastsPath, Bytes(forecasts));
    File.WriteAllBytes(nextPath, Bytes(Next(ml, model)));
    Console.WriteLine($"trained: {model.Info.EpochsRun} epochs, sparsity {model.GlobalSparsity:P1}, {forecasts.Length} forecast values; saved {modelPath}");
    return 0;
}

var loadContext = new MLContext(seed: 1);
ITransformer loaded = loadContext.Model.Load(modelPath, out _);
bool same = Check("Transform", Forecasts(loadContext, loaded.Transform(data)), File.ReadAllBytes(forecastsPath))
    & Check("forecast engine", Next(loadContext, loaded), File.ReadAllBytes(nextPath));
return same ? 0 : 1;

static float[] Forecasts(MLContext ml, IDataView scored) =>
    scored.GetColumn<VBuffer<float>>("Forecast").SelectMany(v => v.DenseValues()).ToArray();

static float[] Next(MLContext ml, ITransformer model)
{
    var engine = model.CreateForecastEngine<SeriesRow>(ml);
    engine.Update(Enumerable.Range(0, 400).Select(t => new SeriesRow { Value = (float)(10 + 3 * Math.Sin(2 * Math.PI * t / 24) + 0.3 * Math.Sin(0.7 * t * t)) }));
    return engine.Predict().Forecast;
}

static byte[] Bytes(float[] values)
{
    var bytes = new byte[values.Length * sizeof(float)];
    Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
    return bytes;
}

static bool Check(string what, float[] actual, byte[] expected)
{
    bool same = Bytes(actual).AsSpan().SequenceEqual(expected);
    Console.WriteLine(same
        ? $"{what}: {actual.Length} values identical bit for bit to the training process"
        : $"{what}: MISMATCH ({actual.Length} values vs {expected.Length / sizeof(float)} expected)");
    return same;
}

/// <summary>One row of the user's series.</summary>
public sealed class SeriesRow
{
    /// <summary>The value to forecast.</summary>
    public float Value { get; set; }
}
