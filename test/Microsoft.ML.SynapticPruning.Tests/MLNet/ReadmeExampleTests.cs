// README's "Quick example" with exactly the two usings README shows: compiling this file is the test that a user needs
// `using Microsoft.ML;` and `using Microsoft.ML.SynapticPruning;` and nothing else (no global using of the library in
// this project; the file's namespace is outside Microsoft.ML.SynapticPruning, so the library's root namespace is reached
// only through the using). Xunit and Microsoft.ML.Data are named in full for the same reason.
using Microsoft.ML;
using Microsoft.ML.SynapticPruning;

namespace ReadmeExample;

/// <summary>README's quick example compiles with two usings (this file), README shows exactly this code, and the
/// example's pipeline builds an estimator.</summary>
public sealed class ReadmeExampleTests
{
    private const string BeginMarker = "// README quick example: begin", EndMarker = "// README quick example: end";

    /// <summary>README's code block, verbatim between the markers (<see cref="ReadmeShowsThisCode"/>); compiled, not run
    /// (it trains on the Bitcoin file and writes model files).</summary>
    internal static void QuickExample(IEnumerable<BitcoinRow> newRows)
    {
        // README quick example: begin
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<BitcoinRow>("data/bitcoin/bitcoin.csv", separatorChar: ',', hasHeader: true);
        IDataView train = ml.Data.TakeRows(data, 292);                       // first 80%, time-ordered

        var pipeline = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            LabelColumnName = "Close", Lookback = 30, Horizon = 7, OutputColumnName = "Forecast",
            Regularization = Regularization.SynapticPruning, InitialSparsity = 0.3, FinalSparsity = 0.7,
            Normalization = InstanceNormalization.WindowLast, SeasonalPeriod = 7,
        });
        var model = pipeline.Fit(train);
        IDataView scored = model.Transform(data);                          // adds Forecast, ForecastLower, ForecastUpper: float[7]
                                                                           // (bounds renamable: LowerBoundColumnName/UpperBoundColumnName;
                                                                           //  Confidence = null drops them and the calibration hold-out)
        var metrics = ml.Forecasting.Evaluate(scored, "Close", "Forecast", firstScoredRow: 292);   // MAE, RMSE, MAPE, sMAPE, MASE per step
        ml.Model.SaveAtomically(model, data.Schema, "model.zip");          // temp file + move; Model.Save(path) truncates first

        var loaded = new MLContext().Model.LoadForecaster("model.zip", out var schema); // checks the file before ML.NET loads it
        using var engine = loaded.CreateForecastEngine<BitcoinRow>(ml);    // forecast the next Horizon from the latest history
        engine.Update(newRows); var next = engine.Predict();               // next.Forecast, next.Lower, next.Upper
        engine.CheckPoint(ml, "model-with-history.zip");            // atomic; also CheckPoint(ml, stream); the engine is IDisposable
        // README quick example: end
    }

    [Xunit.Fact]
    public void TheExamplePipelineBuildsAnEstimator()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<BitcoinRow>(Path.Combine(AppContext.BaseDirectory, "data", "bitcoin", "bitcoin.csv"), separatorChar: ',', hasHeader: true);
        var pipeline = ml.Forecasting.PrunedLstm(new PrunedLstmOptions
        {
            LabelColumnName = "Close", Lookback = 30, Horizon = 7, OutputColumnName = "Forecast",
            Regularization = Regularization.SynapticPruning, InitialSparsity = 0.3, FinalSparsity = 0.7,
            Normalization = InstanceNormalization.WindowLast, SeasonalPeriod = 7,
        });
        Xunit.Assert.IsType<PrunedForecastingEstimator>(pipeline);
        var output = pipeline.GetOutputSchema(SchemaShape.Create(data.Schema));
        Xunit.Assert.True(output.TryFindColumn("Forecast", out var forecast));
        Xunit.Assert.Equal(SchemaShape.Column.VectorKind.Vector, forecast.Kind);
        Xunit.Assert.True(output.TryFindColumn("ForecastLower", out _));
    }

    [Xunit.Fact]
    public void ReadmeShowsThisCode()
    {
        string root = Microsoft.ML.SynapticPruning.Tests.RepositoryFiles.Root;
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        string section = readme[readme.IndexOf("## Quick example", StringComparison.Ordinal)..];
        section = section[(section.IndexOf("```csharp\n", StringComparison.Ordinal) + 10)..];
        string[] shown = section[..section.IndexOf("```", StringComparison.Ordinal)].Split('\n');
        Xunit.Assert.Equal(["using Microsoft.ML;", "using Microsoft.ML.SynapticPruning;"],
            shown.Where(l => l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("using var", StringComparison.Ordinal))
                .Select(l => l.Split("//")[0].Trim()));
        string thisFile = File.ReadAllText(Path.Combine(root, "test", "Microsoft.ML.SynapticPruning.Tests", "MLNet", "ReadmeExampleTests.cs")).ReplaceLineEndings("\n");
        int begin = thisFile.LastIndexOf(BeginMarker, StringComparison.Ordinal) + BeginMarker.Length; // the last: the first is the constant
        string[] compiled = thisFile[begin..thisFile.LastIndexOf(EndMarker, StringComparison.Ordinal)].Split('\n');
        static string[] Code(IEnumerable<string> lines) =>
            lines.Where(l => !l.StartsWith("using Microsoft.", StringComparison.Ordinal)).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        Xunit.Assert.Equal(Code(shown), Code(compiled));
    }
}

/// <summary>The row type README's example loads (a user's own class; README does not show it).</summary>
public sealed class BitcoinRow
{
    /// <summary>Day (ISO-8601 text).</summary>
    [Microsoft.ML.Data.LoadColumn(0)] public string TimeOpen { get; set; } = "";
    /// <summary>Closing price (the target).</summary>
    [Microsoft.ML.Data.LoadColumn(4)] public float Close { get; set; }
}
