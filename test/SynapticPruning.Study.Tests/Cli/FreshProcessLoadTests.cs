using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>Saves models here and loads them in a separate process (the Samples `forecast` command): forecasts must be bit-identical.</summary>
[Collection("Torch")]
public sealed class FreshProcessLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-process-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ModelLoadedInAnotherProcessForecastsBitIdentically(bool insideChain)
    {
        var ml = new MLContext(seed: 9);
        var data = ForecastingTestData.LoadBitcoin(ml);
        var options = new PrunedLstmOptions
        {
            LabelColumnName = insideChain ? "Price" : "Close", Lookback = 10, Horizon = 3, MaxEpochs = 3, HiddenSize = 8, WarmupEpochs = 1,
            Normalization = InstanceNormalization.WindowLast,
        };
        ITransformer model = insideChain
            ? ml.Transforms.CopyColumns("Price", "Close").Append(ml.Forecasting.PrunedLstm(options)).Fit(data)
            : ml.Forecasting.PrunedLstm(options).Fit(data);
        var expected = ForecastingTestData.ReadVectors(model.Transform(data), "Forecast");
        string path = Path.Combine(_dir, insideChain ? "chain.zip" : "alone.zip");
        ml.Model.SaveAtomically(model, data.Schema, path);

        string samples = Path.Combine(AppContext.BaseDirectory, "Samples.dll");
        Assert.True(File.Exists(samples), "the test project references src/Samples, whose dll is copied next to the tests");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { samples, "forecast", "--model", path, "--data", ForecastingTestData.BitcoinCsv, "--rows", "25" }) psi.ArgumentList.Add(a);
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var process = Process.Start(psi)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the child process hung");
        Assert.True(process.ExitCode == 0, $"child failed ({process.ExitCode}): {stderr}");

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(25 * 3, lines.Length);
        foreach (var line in lines)
        {
            var f = line.Split(',');
            int row = int.Parse(f[0], CultureInfo.InvariantCulture), step = int.Parse(f[1], CultureInfo.InvariantCulture);
            int bits = int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[row][step]), bits);
        }
    }
}
