using System.Globalization;
using System.Text;

namespace Samples.Study;

/// <summary>One line of the raw results CSV: a finished trial and its scores. Immutable.</summary>
public sealed record StudyResultRow
{
    /// <summary>The CSV header, in column order.</summary>
    public static readonly string[] Columns =
    [
        "id", "protocol", "dataset", "data_variant", "model", "method", "is_baseline", "lookback", "horizon", "seed",
        "max_epochs", "mae", "rmse", "mape", "naive_mae", "train_seconds", "epochs", "final_sparsity", "layer_sparsity", "fold",
    ];

    /// <summary>Trial id.</summary>
    public required string Id { get; init; }
    /// <summary>Protocol.</summary>
    public required StudyProtocol Protocol { get; init; }
    /// <summary>Dataset name.</summary>
    public required string Dataset { get; init; }
    /// <summary>Data variant (<c>full</c>, <c>last2000</c>).</summary>
    public required string DataVariant { get; init; }
    /// <summary>Model (or <c>baseline</c>).</summary>
    public required string Model { get; init; }
    /// <summary>Method (arm or baseline).</summary>
    public required string Method { get; init; }
    /// <summary>Whether the method is a baseline.</summary>
    public required bool IsBaseline { get; init; }
    /// <summary>Lookback.</summary>
    public required int Lookback { get; init; }
    /// <summary>Horizon.</summary>
    public required int Horizon { get; init; }
    /// <summary>Seed.</summary>
    public required int Seed { get; init; }
    /// <summary>Most epochs.</summary>
    public required int MaxEpochs { get; init; }
    /// <summary>Test MAE.</summary>
    public required double Mae { get; init; }
    /// <summary>Test RMSE.</summary>
    public required double Rmse { get; init; }
    /// <summary>Test MAPE (%).</summary>
    public required double Mape { get; init; }
    /// <summary>Naive MAE on the same test windows.</summary>
    public required double NaiveMae { get; init; }
    /// <summary>Training seconds.</summary>
    public required double TrainSeconds { get; init; }
    /// <summary>Epochs run.</summary>
    public required int Epochs { get; init; }
    /// <summary>Final global sparsity.</summary>
    public required double FinalSparsity { get; init; }
    /// <summary>Final sparsity per prunable tensor.</summary>
    public required IReadOnlyDictionary<string, double> LayerSparsity { get; init; }
    /// <summary>Backtest fold (0 without a backtest).</summary>
    public int Fold { get; init; }

    /// <summary>Number of backtest folds of the run that wrote the row, read from the <c>/f{fold}of{folds}</c> tail of
    /// <see cref="Id"/> (<see cref="StudyTrial.MakeId"/>); 1 without a backtest.</summary>
    public int Folds
    {
        get
        {
            // The last path segment is "f{fold}of{folds}" in a backtest, "E{epochs}" otherwise.
            var tail = Id.AsSpan(Id.LastIndexOf('/') + 1);
            int of = tail.IndexOf("of", StringComparison.Ordinal);
            return tail.Length > 0 && tail[0] == 'f' && of > 1
                && int.TryParse(tail[1..of], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && int.TryParse(tail[(of + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 1 ? k : 1;
        }
    }

    /// <summary>The block (dataset, model, lookback, horizon, backtest fold).</summary>
    public string BlockId => MakeBlockId(Dataset, Model, Lookback, Horizon, Fold, Folds);

    /// <summary>MAE relative to the naive forecast on the same windows (MAE / naive MAE).</summary>
    public double RelativeMae => NaiveMae > 0 ? Mae / NaiveMae : double.NaN;

    /// <summary>Block id <c>dataset/model/L{L}/H{H}</c>, followed by <c>/f{fold}of{folds}</c> in a rolling-origin
    /// backtest (<paramref name="folds"/> &gt; 1): every fold is a block of its own (docs/study.md, "Statistics").</summary>
    public static string MakeBlockId(string dataset, string model, int lookback, int horizon, int fold = 0, int folds = 1) =>
        string.Create(CultureInfo.InvariantCulture, $"{dataset}/{model}/L{lookback}/H{horizon}{(folds > 1 ? $"/f{fold}of{folds}" : "")}");

    /// <summary>The row of a finished trial.</summary>
    public static StudyResultRow From(StudyTrial trial, StudyTrialResult result) => new()
    {
        Id = trial.Id, Protocol = trial.Protocol, Dataset = trial.Dataset, DataVariant = trial.DataVariant, Model = trial.Model,
        Method = trial.Method, IsBaseline = trial.IsBaseline, Lookback = trial.Lookback, Horizon = trial.Horizon, Seed = trial.Seed,
        MaxEpochs = trial.MaxEpochs, Mae = result.Mae, Rmse = result.Rmse, Mape = result.Mape, NaiveMae = result.NaiveMae,
        TrainSeconds = result.TrainSeconds, Epochs = result.EpochsRun, FinalSparsity = result.FinalSparsity,
        LayerSparsity = new Dictionary<string, double>(result.LayerSparsity), Fold = trial.Fold,
    };

    /// <summary>Per-layer sparsity as a compact string: <c>name=0.7012;name2=0.6500</c> (names in ordinal order).</summary>
    public static string FormatLayerSparsity(IReadOnlyDictionary<string, double> layers) =>
        string.Join(";", layers.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:0.####}")));

    /// <summary>Parses <see cref="FormatLayerSparsity"/>'s output.</summary>
    public static Dictionary<string, double> ParseLayerSparsity(string text)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.LastIndexOf('=');
            if (eq <= 0) throw new FormatException($"Layer sparsity entry '{part}' is not name=value.");
            d[part[..eq]] = double.Parse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return d;
    }

    /// <summary>The CSV line (no line break).</summary>
    public string ToCsvLine()
    {
        var c = CultureInfo.InvariantCulture;
        string[] fields =
        [
            Id, Protocol.ToString().ToLowerInvariant(), Dataset, DataVariant, Model, Method, IsBaseline ? "true" : "false",
            Lookback.ToString(c), Horizon.ToString(c), Seed.ToString(c), MaxEpochs.ToString(c),
            D(Mae), D(Rmse), D(Mape), D(NaiveMae), TrainSeconds.ToString("0.###", c), Epochs.ToString(c),
            FinalSparsity.ToString("0.####", c), FormatLayerSparsity(LayerSparsity), Fold.ToString(c),
        ];
        return string.Join(",", fields.Select(Quote));
        static string D(double v) => double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a CSV line written by <see cref="ToCsvLine"/>.</summary>
    /// <exception cref="FormatException">The line does not have the expected fields.</exception>
    public static StudyResultRow Parse(string line)
    {
        var f = SplitCsv(line);
        if (f.Count != Columns.Length) throw new FormatException($"Expected {Columns.Length} fields, found {f.Count}.");
        // Every field must be present: a line cut short by a crash fails here or in a number parse below.
        var c = CultureInfo.InvariantCulture;
        double D(string s) => double.Parse(s, NumberStyles.Float, c);
        int I(string s) => int.Parse(s, NumberStyles.Integer, c);
        return new StudyResultRow
        {
            Id = f[0],
            Protocol = Enum.Parse<StudyProtocol>(f[1], ignoreCase: true),
            Dataset = f[2], DataVariant = f[3], Model = f[4], Method = f[5], IsBaseline = bool.Parse(f[6]),
            Lookback = I(f[7]), Horizon = I(f[8]), Seed = I(f[9]), MaxEpochs = I(f[10]),
            Mae = D(f[11]), Rmse = D(f[12]), Mape = D(f[13]), NaiveMae = D(f[14]), TrainSeconds = D(f[15]), Epochs = I(f[16]),
            FinalSparsity = D(f[17]), LayerSparsity = ParseLayerSparsity(f[18]), Fold = I(f[19]),
        };
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(ch);
        }
        if (quoted) throw new FormatException("Unterminated quoted field.");
        fields.Add(sb.ToString());
        return fields;
    }
}
