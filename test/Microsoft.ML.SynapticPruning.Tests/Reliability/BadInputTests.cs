using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Reliability;

/// <summary>
/// The bad-input matrix of docs/reliability.md: every case fails with a precise exception type whose message names the
/// column or option and says what to do, or (where the input is legitimate) trains and forecasts finite values.
/// </summary>
[Collection("Torch")]
public sealed class BadInputTests
{
    private static PrunedLstmOptions TinyLstm(bool covariate = false) => new()
    {
        LabelColumnName = "Value", FeatureColumnNames = covariate ? new[] { "Other" } : Array.Empty<string>(),
        Lookback = 8, Horizon = 1, MaxEpochs = 1, HiddenSize = 4, WarmupEpochs = 0, BatchSize = 16, Confidence = null,
        Regularization = Regularization.None, Seed = 1,
    };

    private static PrunedDLinearOptions TinyDLinear() => new()
    {
        LabelColumnName = "Value", Lookback = 8, Horizon = 1, MaxEpochs = 2, BatchSize = 16, Confidence = null, MovingAverageKernel = 3, Seed = 1,
    };

    private static IDataView Load(MLContext ml, SeriesRow[] rows) => ml.Data.LoadFromEnumerable(rows);

    // ---------- NaN / ±∞ ----------

    [Theory]
    [InlineData("Value", float.NaN)]
    [InlineData("Value", float.PositiveInfinity)]
    [InlineData("Value", float.NegativeInfinity)]
    [InlineData("Other", float.NaN)]
    [InlineData("Other", float.PositiveInfinity)]
    [InlineData("Other", float.NegativeInfinity)]
    public void NonFiniteTargetOrCovariateIsAnErrorByDefault(string column, float bad)
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        if (column == "Value") rows[70].Value = bad; else rows[70].Other = bad;
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedLstm(TinyLstm(covariate: true)).Fit(Load(ml, rows)));
        Assert.Contains($"'{column}'", e.Message);
        Assert.Contains("row 70", e.Message);
        Assert.Contains("MissingValues", e.Message); // says what to do
    }

    [Theory]
    [InlineData(MissingValuePolicy.ForwardFill)]
    [InlineData(MissingValuePolicy.Interpolate)]
    public void NaNInTargetAndCovariateIsFilledWhenAskedAndNeverForecastSilently(MissingValuePolicy policy)
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        rows[60].Value = float.NaN; rows[61].Value = float.NaN; rows[90].Other = float.NaN;
        var options = TinyLstm(covariate: true);
        options.MissingValues = policy;
        using var model = ml.Forecasting.PrunedLstm(options).Fit(Load(ml, rows));
        Assert.All(model.TrainingHistory, r => Assert.True(double.IsFinite(r.TrainLoss)));
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(Load(ml, rows)), "Forecast");
        // The transformer never forecasts from a hole: over these short gaps it carries each column's last observation
        // forward, so the forecasts are those of the data with the previous rows' values in the holes.
        var carried = ForecastingTestData.NoisySine(150);
        carried[60].Value = carried[61].Value = carried[59].Value;
        carried[90].Other = carried[89].Other;
        var expected = ForecastingTestData.ReadVectors(model.Transform(Load(ml, carried)), "Forecast");
        Assert.True(ForecastingTestData.BitIdentical(expected, forecasts));
        Assert.True(float.IsFinite(forecasts[61][0]) && float.IsFinite(forecasts[95][0]) && float.IsFinite(forecasts[140][0]));
    }

    [Fact]
    public void InfinityIsAnErrorEvenWithAFillPolicy()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        rows[33].Value = float.PositiveInfinity;
        var options = TinyLstm();
        options.MissingValues = MissingValuePolicy.Interpolate;
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedLstm(options).Fit(Load(ml, rows)));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("row 33", e.Message);
        Assert.Contains("finite value or NaN", e.Message);
    }

    [Fact]
    public void GapLongerThanMaxInterpolatedGapIsAnErrorNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        for (int i = 50; i < 60; i++) rows[i].Value = float.NaN;
        var options = TinyLstm();
        options.MissingValues = MissingValuePolicy.ForwardFill;
        options.MaxInterpolatedGap = 3;
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedLstm(options).Fit(Load(ml, rows)));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("MaxInterpolatedGap", e.Message);
    }

    // ---------- columns ----------

    [Fact]
    public void MissingTargetColumnNamesItAndListsTheAvailableColumns()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyLstm();
        options.LabelColumnName = "Price";
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedLstm(options).Fit(Load(ml, ForecastingTestData.NoisySine(150))));
        Assert.Contains("'Price'", e.Message);
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("'Other'", e.Message);
    }

    [Fact]
    public void MissingCovariateColumnNamesIt()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyLstm();
        options.FeatureColumnNames = new[] { "Temperature" };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedLstm(options).Fit(Load(ml, ForecastingTestData.NoisySine(150))));
        Assert.Contains("Feature column 'Temperature'", e.Message);
    }

    private sealed class TextRow
    {
        public string Value { get; set; } = "";
    }

    [Fact]
    public void StringTargetColumnIsRejectedWithTheConversionToUse()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(i => new TextRow { Value = i.ToString() }));
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm(TinyLstm()).Fit(data));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("String", e.Message);
        Assert.Contains("ConvertType", e.Message);
    }

    [Fact]
    public void VectorTargetColumnIsRejectedNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var data = Load(ml, ForecastingTestData.NoisySine(150));
        var vector = ml.Transforms.Concatenate("Both", "Value", "Other").Fit(data).Transform(data);
        var options = TinyLstm();
        options.LabelColumnName = "Both";
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm(options).Fit(vector));
        Assert.Contains("'Both'", e.Message);
        Assert.Contains("vector", e.Message);
        Assert.Contains("numeric scalar", e.Message);
    }

    [Fact]
    public void KeyTargetColumnIsRejectedNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var data = Load(ml, ForecastingTestData.NoisySine(150));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Key", "Value").Fit(data).Transform(data);
        Assert.IsType<KeyDataViewType>(keyed.Schema["Key"].Type);
        var options = TinyLstm();
        options.LabelColumnName = "Key";
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm(options).Fit(keyed));
        Assert.Contains("'Key'", e.Message);
        Assert.Contains("Key", e.Message.Replace("'Key'", ""));
        Assert.Contains("ConvertType", e.Message);
    }

    // ---------- lengths ----------

    [Fact]
    public void EmptyDataViewIsAnErrorSayingHowManyRowsAreNeeded()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedLstm(TinyLstm()).Fit(Load(ml, Array.Empty<SeriesRow>())));
        Assert.Contains("no rows", e.Message);
        Assert.Contains("Lookback + Horizon", e.Message);
    }

    [Theory]
    [InlineData(8)]   // shorter than Lookback + Horizon (9)
    [InlineData(9)]   // exactly one window: nothing left for training after the validation part
    public void SeriesTooShortForLookbackHorizonAndValidationIsAnError(int rows)
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedLstm(TinyLstm()).Fit(Load(ml, ForecastingTestData.NoisySine(rows))));
        Assert.Contains($"{rows} rows", e.Message);
        Assert.True(e.Message.Contains("longer series"), e.Message);
    }

    [Theory]
    [InlineData(10_000, 1)]
    [InlineData(8, 10_000)]
    [InlineData(100_000_000, 1)] // absurd: must fail on the data length, before a network of that size is allocated
    public void LookbackOrHorizonLongerThanTheSeriesIsAnError(int lookback, int horizon)
    {
        var ml = new MLContext(seed: 1);
        var options = TinyDLinear();
        options.Lookback = lookback; options.Horizon = horizon;
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedDLinear(options).Fit(Load(ml, ForecastingTestData.NoisySine(150))));
        Assert.Contains("150 rows", e.Message);
        Assert.Contains("Lookback", e.Message);
        Assert.Contains("shorter lookback/horizon", e.Message);
    }

    // ---------- options ----------

    public static IEnumerable<object[]> BadOptions()
    {
        object[] Case(string option, Action<PrunedLstmOptions> set) => new object[] { option, set };
        yield return Case("Lookback", o => o.Lookback = 0);
        yield return Case("Lookback", o => o.Lookback = -5);
        yield return Case("Horizon", o => o.Horizon = 0);
        yield return Case("Horizon", o => o.Horizon = -1);
        yield return Case("InitialSparsity", o => o.InitialSparsity = -0.1);
        yield return Case("FinalSparsity", o => o.FinalSparsity = 1);
        yield return Case("FinalSparsity", o => o.FinalSparsity = 1.5);
        yield return Case("FinalSparsity", o => { o.InitialSparsity = 0.6; o.FinalSparsity = 0.4; });
        yield return Case("InitialSparsity", o => o.InitialSparsity = float.NaN);
        yield return Case("PruningInterval", o => o.PruningInterval = 0);
        yield return Case("LearningRate", o => o.LearningRate = 0);
        yield return Case("LearningRate", o => o.LearningRate = -1e-3);
        yield return Case("LearningRate", o => o.LearningRate = float.NaN);
        yield return Case("BatchSize", o => o.BatchSize = 0);
        yield return Case("HiddenSize", o => o.HiddenSize = 0);
        yield return Case("NumberOfLayers", o => o.NumberOfLayers = 0);
        yield return Case("MaxEpochs", o => o.MaxEpochs = 0);
        yield return Case("WarmupEpochs", o => { o.MaxEpochs = 2; o.WarmupEpochs = 2; });
        yield return Case("ValidationFraction", o => o.ValidationFraction = 1);
        yield return Case("DropoutRate", o => { o.Regularization = Regularization.Dropout; o.DropoutRate = 1; });
        yield return Case("MonteCarloSamples", o => o.MonteCarloSamples = 0);
        yield return Case("NumberOfThreads", o => o.NumberOfThreads = 0);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadRecurrentOptionIsRejectedAtConstructionNamingIt(string option, Action<PrunedLstmOptions> set)
    {
        var options = new PrunedLstmOptions { LabelColumnName = "Value" };
        set(options);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Forecasting.PrunedLstm(options));
        Assert.Contains(option, e.Message);
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void PatchLengthLongerThanTheLookbackIsRejectedNamingBoth()
    {
        var options = new PrunedPatchTstOptions { LabelColumnName = "Value", Lookback = 16, PatchLength = 32 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Forecasting.PrunedPatchTst(options));
        Assert.Equal("PatchLength", e.ParamName);
        Assert.Contains("Lookback (16)", e.Message);
        Assert.Contains("lower it", e.Message);
    }

    [Fact]
    public void HeadsNotDividingTheModelDimensionAreRejectedNamingTheOptions()
    {
        var options = new PrunedPatchTstOptions { LabelColumnName = "Value", ModelDimension = 64, NumberOfHeads = 5 };
        var e = Assert.Throws<ArgumentException>(() => new MLContext().Forecasting.PrunedPatchTst(options));
        Assert.Equal("NumberOfHeads", e.ParamName);
        Assert.Contains("NumberOfHeads (5) must divide ModelDimension (64)", e.Message);
    }

    [Fact]
    public void ZeroModelDimensionAndFeedForwardAreRejectedNamingTheOptions()
    {
        var ml = new MLContext();
        Assert.Equal("ModelDimension", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions { ModelDimension = 0 })).ParamName);
        Assert.Equal("FeedForwardSize", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions { FeedForwardSize = 0 })).ParamName);
        Assert.Equal("NumberOfLayers", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions { NumberOfLayers = 0 })).ParamName);
        Assert.Equal("MovingAverageKernel", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedDLinear(new PrunedDLinearOptions { MovingAverageKernel = 4 })).ParamName);
    }

    [Fact]
    public void AttentionAndHeadDropoutOutsideZeroToOneAreRejectedNamingTheOptions()
    {
        var ml = new MLContext();
        var attention = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions { AttentionDropout = 1 }));
        Assert.Equal("AttentionDropout", attention.ParamName);
        Assert.Contains("AttentionDropout must be in [0, 1)", attention.Message);
        var head = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions { HeadDropout = -0.5 }));
        Assert.Equal("HeadDropout", head.ParamName);
        Assert.Contains("HeadDropout must be in [0, 1)", head.Message);
    }

    [Fact]
    public void PruneNormGainsIsRejectedWhereThereIsNoGainToPrune()
    {
        var ml = new MLContext();
        var lstm = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedLstm(new PrunedLstmOptions { PruneNormGains = true }));
        Assert.Equal("PruneNormGains", lstm.ParamName);
        Assert.Contains("Lstm has none", lstm.Message);
        var structured = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedPatchTst(new PrunedPatchTstOptions
        {
            PruneNormGains = true, PruningGranularity = PruningGranularity.Structure,
        }));
        Assert.Equal("PruneNormGains", structured.ParamName);
        Assert.Contains("PruningGranularity.Weight", structured.Message);
        // Accepted where it acts: PatchTST with weight pruning, and mapped to the pruner's option.
        var patchTst = new PrunedPatchTstOptions { PruneNormGains = true };
        ml.Forecasting.PrunedPatchTst(patchTst);
        Assert.True(PrunedForecastingEstimator.BuildTrainingOptions(patchTst, 0).Pruning.PruneNormGains);
    }

    [Fact]
    public void PatienceZeroMeansNeverStopEarlyAsDocumented()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        var noise = Enumerable.Range(0, 200).Select(i => new SeriesRow { Value = (float)rng.NextDouble(), Time = i }).ToArray();
        var options = TinyDLinear();
        options.MaxEpochs = 12; options.LearningRate = 0.05; options.ValidationFraction = 0.3;
        options.Patience = 1;
        using var impatient = ml.Forecasting.PrunedDLinear(options).Fit(Load(ml, noise));
        Assert.True(impatient.Info.StoppedEarly, "precondition: on pure noise the validation loss stops improving early");
        options.Patience = 0;
        using var patient = ml.Forecasting.PrunedDLinear(options).Fit(Load(ml, noise));
        Assert.False(patient.Info.StoppedEarly);
        Assert.Equal(12, patient.Info.EpochsRun);
    }

    // ---------- time column ----------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnsortedOrDuplicateTimestampsAreAnErrorNamingTheRow(bool duplicate)
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        if (duplicate) rows[77].Time = rows[76].Time;
        else (rows[77].Time, rows[78].Time) = (rows[78].Time, rows[77].Time);
        var options = TinyLstm();
        options.TimeColumnName = "Time";
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.PrunedLstm(options).Fit(Load(ml, rows)));
        Assert.Contains("'Time'", e.Message);
        Assert.Contains(duplicate ? "row 77" : "row 78", e.Message);
        Assert.Contains(duplicate ? "duplicate" : "Sort the data by time", e.Message);
    }

    [Fact]
    public void UnsortedTimestampsAtForecastTimeAreAnErrorNotASilentForecast()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        var options = TinyLstm();
        options.TimeColumnName = "Time";
        using var model = ml.Forecasting.PrunedLstm(options).Fit(Load(ml, rows));
        rows[100].Time = rows[99].Time;
        var e = Assert.Throws<InvalidOperationException>(() => ForecastingTestData.ReadVectors(model.Transform(Load(ml, rows)), "Forecast"));
        Assert.Contains("'Time'", e.Message);
        Assert.Contains("row 100", e.Message);
    }

    // ---------- degenerate values ----------

    [Theory]
    [InlineData(42f)]
    [InlineData(0f)]
    [InlineData(-3.5e6f)]
    public void ConstantSeriesTrainsAndForecastsTheConstant(float level)
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 150).Select(i => new SeriesRow { Value = level, Other = 1, Time = i }).ToArray();
        var options = TinyDLinear();
        options.MaxEpochs = 3;
        options.Normalization = InstanceNormalization.WindowLast;
        using var model = ml.Forecasting.PrunedDLinear(options).Fit(Load(ml, rows));
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(Load(ml, rows)), "Forecast");
        // The scaler stores std 1 for a zero-variance channel (never divides by zero); with last-value normalisation a
        // constant window is forecast as exactly its level plus the head's bias, which training drives toward 0.
        Assert.All(forecasts.Skip(7), f => Assert.True(float.IsFinite(f[0])));
        Assert.All(forecasts.Skip(7), f => Assert.InRange(f[0], level - 0.05f * Math.Max(1f, Math.Abs(level)), level + 0.05f * Math.Max(1f, Math.Abs(level))));
    }

    [Fact]
    public void HugeButRepresentableValuesTrainToFiniteForecastsInTheirUnits()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        foreach (var r in rows) r.Value *= 1e27f; // level ~1e28, two decades under the 1e30 limit
        using var model = ml.Forecasting.PrunedDLinear(TinyDLinear()).Fit(Load(ml, rows));
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(Load(ml, rows)), "Forecast");
        Assert.All(forecasts.Skip(7), f => Assert.True(float.IsFinite(f[0])));
        Assert.All(forecasts.Skip(7), f => Assert.InRange(f[0], 5e27f, 2e28f));
    }

    [Theory]
    [InlineData(1e30f)]
    [InlineData(-1e31f)]
    [InlineData(float.MaxValue)]
    public void ValuesTooLargeForSinglePrecisionTrainingAreAClearError(float huge)
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        rows[12].Value = huge;
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.PrunedDLinear(TinyDLinear()).Fit(Load(ml, rows)));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("Rescale", e.Message);
    }

    [Fact]
    public void HugeInputAtForecastTimeGivesNaNNeverAnInfiniteOrWrongForecast()
    {
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        using var model = ml.Forecasting.PrunedDLinear(TinyDLinear()).Fit(Load(ml, rows));
        rows[100].Value = float.MaxValue;
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(Load(ml, rows)), "Forecast");
        Assert.All(forecasts, f => Assert.False(float.IsInfinity(f[0]), "an overflowing forecast must be reported as NaN (no forecast), not ±∞"));
        Assert.True(float.IsFinite(forecasts[99][0]) && float.IsFinite(forecasts[120][0]));
    }

    [Fact]
    public void ExtremeFiniteInputAtForecastTimeIsNoForecast_NotAPlausibleNumber()
    {
        // 1e25 is finite and its forecast would not overflow: it used to come back as a finite, plausible-looking number.
        var ml = new MLContext(seed: 1);
        var rows = ForecastingTestData.NoisySine(150);
        var options = TinyDLinear();
        using var model = ml.Forecasting.PrunedDLinear(options).Fit(Load(ml, rows));
        rows[100].Value = 1e25f;
        rows[60].Value = rows[60].Value + 50; // far outside the training range (dozens of std) but below the limit
        var forecasts = ForecastingTestData.ReadVectors(model.Transform(Load(ml, rows)), "Forecast");
        int lookback = options.Lookback;
        for (int t = 100; t < 100 + lookback; t++)
            Assert.True(float.IsNaN(forecasts[t][0]), $"the window ending at row {t} holds 1e25: no forecast expected, got {forecasts[t][0]}");
        Assert.True(float.IsFinite(forecasts[99][0]));
        Assert.True(float.IsFinite(forecasts[100 + lookback][0]));
        Assert.True(float.IsFinite(forecasts[60][0]), "a large but plausible value still gets a forecast");
    }

    [Fact]
    public void ForecastThatOverflowsSinglePrecisionIsNaNNotInfinity()
    {
        // A network whose scaled output is exactly 100 (zero head weights, bias 100) with a scaler std of 1e37: the forecast
        // in original units, 1e39, does not fit in a float. It must read as NaN ("no forecast"), never as +∞.
        var spec = new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = 4, Horizon = 2, HiddenSize = 3 };
        var module = ForecasterFactory.Create(spec);
        using (TorchSharp.torch.no_grad())
        {
            foreach (var (name, p) in module.named_parameters())
                if (name.StartsWith("head.", StringComparison.Ordinal)) p.fill_(name.EndsWith("bias", StringComparison.Ordinal) ? 100f : 0f);
        }
        using var forecaster = TrainedForecaster.FromModule(module, new ChannelScaler(new[] { 0.0 }, new[] { 1e37 }));
        var point = new float[2];
        forecaster.PredictBatch(new float[] { 1, 2, 3, 4 }, 1, point);
        Assert.All(point, v => Assert.True(float.IsNaN(v), $"got {v}"));

        using var small = TrainedForecaster.FromModule(ForecasterFactory.Create(spec), new ChannelScaler(new[] { 0.0 }, new[] { 1.0 }));
        small.PredictBatch(new float[] { 1, 2, 3, 4 }, 1, point);
        Assert.All(point, v => Assert.True(float.IsFinite(v)));
    }
}
