using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Sweeps;
using Microsoft.ML.SynapticPruning.Training;

namespace Samples.Commands;

/// <summary>
/// A small real trial for the cluster smoke test: fits an LSTM with synaptic pruning on a synthetic two-period sine
/// (the same series on every node, checked by its SHA-256) with the trial's learning rate and hidden size, for the
/// trial's epoch budget, and returns the MAE on the held-out tail. About a second of CPU per trial.
/// </summary>
public sealed class SineForecastTrialRunner : ITrialRunner
{
    private const int Rows = 1200;
    private const int TestRows = 120;
    private const int Lookback = 24;
    private const int Horizon = 4;

    /// <summary>The data every trial trains on.</summary>
    public static DataReference Data { get; } = DataReference.FromContent("sine", System.Runtime.InteropServices.MemoryMarshal.AsBytes(Series().AsSpan()));

    /// <summary>The search space the cluster-sweep command draws from.</summary>
    public static SweepSearchSpace Space() => new SweepSearchSpace()
        .Add(new FloatRange("lr", 1e-3, 3e-2, logScale: true))
        .Add(new Choice("hidden", "8", "16", "24"));

    private static float[] Series()
    {
        var noise = new Random(7);
        var values = new float[Rows];
        for (int t = 0; t < Rows; t++)
            values[t] = (float)(Math.Sin(2 * Math.PI * t / 24) + 0.3 * Math.Sin(2 * Math.PI * t / 7) + 0.05 * (noise.NextDouble() - 0.5));
        return values;
    }

    /// <inheritdoc/>
    public TrialResult Run(TrialRequest trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.Data.Sha256 != Data.Sha256)
            return TrialResult.Failed(trial.TrialId, $"This worker's '{Data.Name}' data has SHA-256 {Data.Sha256}, but the trial expects {trial.Data.Sha256}.");
        var all = TimeSeriesData.Univariate(Series());
        var train = all.Slice(0, Rows - TestRows);
        var test = all.Slice(Rows - TestRows - Lookback, TestRows + Lookback);
        var spec = new ForecasterSpec { Kind = ForecasterKind.Lstm, Lookback = Lookback, Horizon = Horizon, HiddenSize = trial.Configuration.GetInt("hidden") };
        var options = new TrainingOptions
        {
            MaxEpochs = trial.EpochBudget,
            BatchSize = 32,
            LearningRate = trial.Configuration.GetDouble("lr"),
            Seed = trial.Seed,
            Patience = 100,
            NumberOfThreads = 1,
            Pruning = new PruningOptions { WarmupEpochs = Math.Min(1, trial.EpochBudget - 1), PruningInterval = 5 },
        };
        using var model = new ForecastTrainer().Fit(() => ForecasterFactory.Create(spec), train, null, options, cancellationToken: cancellationToken);
        var residuals = model.Residuals(test, 0, test.WindowCount(Lookback, Horizon));
        double mae = residuals.Values.Average(v => Math.Abs((double)v));
        return TrialResult.Succeeded(trial.TrialId, mae, new Dictionary<string, double> { ["sparsity"] = model.PruningSummary?.GlobalSparsity ?? 0 }, model.EpochsRun);
    }
}
