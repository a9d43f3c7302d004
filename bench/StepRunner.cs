using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SynapticPruning.Bench;

/// <summary>
/// A sparsity target that rises linearly with the optimizer step (from <paramref name="initial"/> at step 0 to
/// <paramref name="final"/> at <paramref name="rampSteps"/>), so that every mask update of a short benchmark really
/// prunes more weights (the cubic per-epoch schedule would make most updates of a few hundred steps no-ops).
/// </summary>
internal sealed class StepRampSchedule(double initial, double final, long rampSteps) : SparsitySchedule
{
    public override double FinalSparsity => final;

    public override double TargetSparsity(int epoch, long step)
        => step <= 0 ? 0 : Math.Min(final, initial + (final - initial) * Math.Min(1.0, (double)step / rampSteps));
}

/// <summary>
/// The training step of <c>ForecastTrainer</c> (zero_grad → forward in training context → MSE → backward →
/// pruner.AfterBackward → Adam step → pruner.AfterOptimizerStep → loss.item, in a dispose scope), over pre-built
/// strided window views of one series tensor and a shuffled order, run a fixed number of steps at a time.
/// </summary>
internal sealed class StepRunner : IDisposable
{
    private readonly Tensor _series, _x, _y;
    private readonly Adam _adam;
    private readonly SynapticPruner? _pruner;
    private readonly Generator _dropout, _shuffle;
    private readonly ForwardContext _context;
    private readonly int _batch, _windows;
    private Tensor? _order;
    private int _cursor;
    private long _step;

    public StepRunner(ForecasterSpec spec, float[] rowMajor, int rows, int batch, bool prune, int seed = 1, long rampSteps = 4000)
    {
        torch.manual_seed(seed);
        Module = ForecasterFactory.Create(spec);
        Module.train();
        int channels = spec.TargetChannels + spec.CovariateChannels;
        _series = torch.tensor(rowMajor, new long[] { rows, channels }).DetachFromDisposeScope();
        _x = _series.narrow(0, 0, rows - spec.Horizon).unfold(0, spec.Lookback, 1).transpose(1, 2).DetachFromDisposeScope();
        _y = _series.narrow(0, spec.Lookback, rows - spec.Lookback).narrow(1, 0, spec.TargetChannels).unfold(0, spec.Horizon, 1).transpose(1, 2).DetachFromDisposeScope();
        _windows = rows - spec.Lookback - spec.Horizon + 1;
        _batch = batch;
        _adam = torch.optim.Adam(Module.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999);
        if (prune)
        {
            _pruner = new SynapticPruner(Module, new StepRampSchedule(0.3, 0.7, rampSteps), new PruningOptions { PruningInterval = 5 });
            _pruner.AttachOptimizer(_adam);
        }
        _dropout = new Generator((ulong)seed + 11, torch.CPU);
        _shuffle = new Generator((ulong)seed + 12, torch.CPU);
        _context = ForwardContext.ForTraining(_dropout);
        ParameterCount = Module.parameters().Sum(p => p.numel());
    }

    public ForecastingNetwork Module { get; }

    public long ParameterCount { get; }

    public SynapticPruner? Pruner => _pruner;

    public int Windows => _windows;

    /// <summary>Runs <paramref name="steps"/> training steps and returns the elapsed seconds.</summary>
    public double Run(int steps)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            if (_order is null || _cursor >= _windows)
            {
                _order?.Dispose();
                _order = torch.randperm(_windows, generator: _shuffle).DetachFromDisposeScope();
                _cursor = 0;
            }
            int count = Math.Min(_batch, _windows - _cursor);
            _step++;
            using (var scope = torch.NewDisposeScope())
            {
                var index = _order.narrow(0, _cursor, count);
                var x = _x.index_select(0, index);
                var y = _y.index_select(0, index);
                _adam.zero_grad();
                var prediction = Module.Forward(x, _context);
                var loss = nn.functional.mse_loss(prediction, y);
                loss.backward();
                _pruner?.AfterBackward(0, _step);
                _adam.step();
                _pruner?.AfterOptimizerStep();
                _ = loss.item<float>();
            }
            _cursor += count;
        }
        return watch.Elapsed.TotalSeconds;
    }

    public void Dispose()
    {
        _order?.Dispose();
        _pruner?.Dispose();
        _adam.Dispose();
        _dropout.Dispose();
        _shuffle.Dispose();
        _x.Dispose();
        _y.Dispose();
        _series.Dispose();
        Module.Dispose();
    }
}
