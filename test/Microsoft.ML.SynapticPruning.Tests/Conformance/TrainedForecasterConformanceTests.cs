using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// The prediction API end to end: <see cref="TrainedForecaster.PredictBatch"/> over one full block of
/// <see cref="TrainedForecaster.BlockSize"/> windows and a remainder, with a non-trivial <see cref="ChannelScaler"/>,
/// against the scaler applied by formula ((x − mean)/std, then y·std + mean on the targets) around
/// <see cref="RecurrentForecasterReference"/>.
/// </summary>
[Collection("Torch")]
public sealed class TrainedForecasterConformanceTests
{
    private const int Remainder = 45;
    private static readonly double[] Mean = { 0.5, -1.25, 3 };
    private static readonly double[] Std = { 2, 0.5, 4 };
    private readonly ITestOutputHelper _output;

    public TrainedForecasterConformanceTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(ForecasterKind.Lstm, new[] { 12 }, InstanceNormalization.None)]
    [InlineData(ForecasterKind.Gru, new[] { 16, 6 }, InstanceNormalization.WindowLast)]
    [InlineData(ForecasterKind.Rnn, new[] { 48 }, InstanceNormalization.Window)]
    public void PredictBatchOverAFullBlockAndARemainderEqualsTheScaledReference(ForecasterKind kind, int[] hidden, InstanceNormalization normalization)
    {
        var spec = new RecurrentCase(kind, hidden, Targets: 2, Covariates: 1, Batch: TrainedForecaster.BlockSize + Remainder, Lookback: 10, Horizon: 3, normalization).Spec;
        int count = TrainedForecaster.BlockSize + Remainder, channels = 3;
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(Mean, dtype: ScalarType.Float64).view(1, 1, channels);
        var std = torch.tensor(Std, dtype: ScalarType.Float64).view(1, 1, channels);
        var windows = (ConformanceInputs.Windows(count, spec.Lookback, channels, seed: 6000) * std + mean).to_type(ScalarType.Float32).contiguous();

        using var forecaster = TrainedForecaster.FromModule(ConformanceModels.Create(spec, seed: 6100 + (int)kind), new ChannelScaler(Mean, Std));
        var tensors = ModuleTensors.Of(forecaster.Module);
        var scaled = (windows.to_type(ScalarType.Float64) - mean) / std;
        var expected = RecurrentForecasterReference.Forward(spec, tensors, scaled) * std.narrow(2, 0, 2) + mean.narrow(2, 0, 2);

        var destination = new float[count * spec.Horizon * spec.TargetChannels];
        forecaster.PredictBatch(windows.data<float>().ToArray(), count, destination);
        var actual = torch.tensor(destination, new long[] { count, spec.Horizon, spec.TargetChannels });

        var report = new ConformanceReport();
        report.Compare($"PredictBatch {count} windows, {kind} hidden [{string.Join(", ", hidden)}] {normalization}", actual, expected);
        _output.WriteLine(report.Summary);
        Assert.True(report.Cases > 0, "The grid compared no case: an empty grid proves nothing.");
        Assert.True(report.Failures.Count == 0, report.FailureMessage);
    }
}
