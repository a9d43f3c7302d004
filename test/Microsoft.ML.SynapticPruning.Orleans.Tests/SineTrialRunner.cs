using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Sweeps;
using Microsoft.ML.SynapticPruning.Training;
using Orleans.Runtime;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>
/// A real, tiny trial: fits a DLinear forecaster with synaptic pruning (the core <see cref="ForecastTrainer"/>) on a
/// synthetic sine for <see cref="TrialRequest.EpochBudget"/> epochs with the configuration's learning rate and the
/// trial seed, and returns the MAE on the held-out tail. Deterministic: same request, same objective bits.
/// </summary>
internal sealed class SineTrialRunner : ITrialRunner
{
    public const int Lookback = 48;
    public const int Horizon = 8;
    private const int Rows = 400;
    private const int TestRows = 60;

    public static float[] Series()
    {
        var noise = new Random(7);
        var values = new float[Rows];
        for (int t = 0; t < Rows; t++)
            values[t] = (float)(Math.Sin(2 * Math.PI * t / 24) + 0.3 * Math.Sin(2 * Math.PI * t / 7) + 0.05 * (noise.NextDouble() - 0.5));
        return values;
    }

    public TrialResult Run(TrialRequest trial, CancellationToken cancellationToken)
    {
        var all = TimeSeriesData.Univariate(Series());
        var train = all.Slice(0, Rows - TestRows);
        var test = all.Slice(Rows - TestRows - Lookback, TestRows + Lookback);
        var spec = new ForecasterSpec { Kind = ForecasterKind.DLinear, Lookback = Lookback, Horizon = Horizon, MovingAverageKernel = 25 };
        var options = new TrainingOptions
        {
            MaxEpochs = trial.EpochBudget,
            BatchSize = 32,
            LearningRate = trial.Configuration.GetDouble("lr"),
            Seed = trial.Seed,
            Patience = 100,
            Pruning = new Pruning.PruningOptions { WarmupEpochs = 1, PruningInterval = 2 },
        };
        using var model = new ForecastTrainer().Fit(() => ForecasterFactory.Create(spec), train, null, options, cancellationToken: cancellationToken);
        var residuals = model.Residuals(test, 0, test.WindowCount(Lookback, Horizon));
        double mae = residuals.Values.Average(v => Math.Abs((double)v));
        return TrialResult.Succeeded(trial.TrialId, mae, new Dictionary<string, double> { ["sparsity"] = model.PruningSummary?.GlobalSparsity ?? 0 }, model.EpochsRun);
    }
}

/// <summary>
/// <see cref="SineTrialRunner"/> on a silo, recorded in <see cref="TrialLog"/>. Until two trials have run at once on
/// its silo, a trial waits (up to 60 s) for a second one before it fits, so that a worker with two slots does run two
/// real fits side by side in one process.
/// </summary>
internal sealed class PairedSineTrialRunner(ILocalSiloDetails silo) : ITrialRunner
{
    private readonly string _silo = silo.SiloAddress.ToParsableString();
    private readonly SineTrialRunner _inner = new();

    public TrialResult Run(TrialRequest trial, CancellationToken cancellationToken)
    {
        TrialLog.Start(_silo, trial.TrialId);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (TrialLog.PeakBySilo().GetValueOrDefault(_silo) < 2 && DateTime.UtcNow < deadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(10);
            }
            return _inner.Run(trial, cancellationToken);
        }
        finally
        {
            TrialLog.End(_silo);
        }
    }
}
