using System.Globalization;
using System.Text.Json;
using Microsoft.ML.SynapticPruning.Models;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

/// <summary>
/// Models saved by the version before the option names were unified (Fixtures/v1-*.zip, written with the spec names
/// Layers/EncoderLayers, DModel, Heads, FeedForward, Dropout) load, rebuild the same network and forecast what they
/// forecast when saved (Fixtures/v1-*.forecast.csv, the first 40 rows of the bundled Bitcoin file).
/// </summary>
[Collection("Torch")]
public sealed class OldFormatModelTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Theory]
    [InlineData("v1-lstm", ForecasterKind.Lstm)]
    [InlineData("v1-patchtst", ForecasterKind.PatchTst)]
    public void AModelSavedByThePreviousVersionLoadsAndForecastsAsBefore(string name, ForecasterKind kind)
    {
        var ml = new MLContext(seed: 3);
        var data = ForecastingTestData.LoadBitcoin(ml);
        var loaded = Assert.IsType<PrunedForecastingTransformer>(ml.Model.Load(Fixture(name + ".zip"), out _));
        var spec = loaded.Spec;
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(3, spec.NumberOfLayers); // "Layers" for the LSTM, "EncoderLayers" for PatchTST (the other field holds its default)
        if (kind == ForecasterKind.PatchTst)
        {
            Assert.Equal((8, 2, 16, 0.0), (spec.ModelDimension, spec.NumberOfHeads, spec.FeedForwardSize, Math.Round(spec.DropoutRate, 6)));
        }
        else
        {
            Assert.Equal((4, 1, 0.2), (spec.HiddenSize, spec.CovariateChannels, Math.Round(spec.DropoutRate, 6)));
        }

        var expected = File.ReadAllLines(Fixture(name + ".forecast.csv"))
            .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var actual = ForecastingTestData.ReadVectors(loaded.Transform(data), "Forecast");
        for (int row = 0; row < expected.Length; row++)
        {
            for (int step = 0; step < expected[row].Length; step++)
            {
                float e = expected[row][step], a = actual[row][step];
                Assert.True(float.IsNaN(e) ? float.IsNaN(a) : Math.Abs(a - e) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"row {row} step {step}: {a} vs {e} when saved");
            }
        }
    }

    [Fact]
    public void SavedSpecsKeepTheFirstFormatsJsonNames()
    {
        var spec = new ForecasterSpec { Kind = ForecasterKind.PatchTst, ModelDimension = 8, NumberOfHeads = 2, NumberOfLayers = 3, FeedForwardSize = 16, DropoutRate = 0.25 };
        string json = JsonSerializer.Serialize(spec, ForecastingModelSerializer.Json);
        foreach (var old in new[] { "\"DModel\":8", "\"Heads\":2", "\"EncoderLayers\":3", "\"Layers\":3", "\"FeedForward\":16", "\"Dropout\":0.25" })
            Assert.Contains(old, json);
        foreach (var renamed in new[] { "ModelDimension", "NumberOfHeads", "NumberOfLayers", "FeedForwardSize", "DropoutRate" })
            Assert.DoesNotContain(renamed, json);
        var back = JsonSerializer.Deserialize<ForecasterSpec>(json, ForecastingModelSerializer.Json)!;
        Assert.Equal((8, 2, 3, 16, 0.25), (back.ModelDimension, back.NumberOfHeads, back.NumberOfLayers, back.FeedForwardSize, back.DropoutRate));
        // A recurrent spec of the first format: "Layers" counts, "EncoderLayers" is PatchTST's default and ignored.
        var lstm = JsonSerializer.Deserialize<ForecasterSpec>("{\"Kind\":\"Gru\",\"EncoderLayers\":2,\"Layers\":4,\"Dropout\":0.5}", ForecastingModelSerializer.Json)!;
        Assert.Equal((4, 0.5), (lstm.NumberOfLayers, lstm.DropoutRate));
    }
}
