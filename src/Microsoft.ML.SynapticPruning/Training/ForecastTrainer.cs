using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Runtime;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// The one training loop shared by every forecaster: windowing, scaling, Adam, synaptic pruning, early stopping with
/// best-checkpoint restore. Knows nothing of ML.NET.
/// </summary>
/// <remarks>
/// <para>Each step: zero_grad → forward (training context, seeded dropout) → MSE → backward →
/// <see cref="SynapticPruner.AfterBackward"/> → optional gradient clipping → Adam step →
/// <see cref="SynapticPruner.AfterOptimizerStep"/>, inside a dispose scope.</para>
/// <para>Determinism: <c>torch.manual_seed(Seed)</c> right before the module is created, and the fit's own generators
/// for dropout and shuffling, so one fit at a time in a process with the same thread count gives bit-identical
/// weights. libtorch's global generator and thread count are process-wide, so fits in one process run one at a time:
/// a concurrent call waits (cancellably) and gets the same bits as it would serially, and network creation elsewhere
/// (e.g. loading a model) never lands between a fit's seeding and its network. For parallel training use several
/// processes. Do not call <see cref="Fit"/> inside a caller's <c>DisposeScope</c>.</para>
/// </remarks>
public sealed class ForecastTrainer
{
    /// <summary>
    /// The parallel work per training step (<see cref="EstimateParallelStepWork"/>, in multiply-adds) from which
    /// <see cref="DefaultThreads"/> picks 2 threads instead of 1.
    /// </summary>
    public const long TwoThreadStepMultiplyAdds = 1_000_000_000;

    /// <summary>
    /// The multiply-adds of one training step that libtorch can spread over threads: forward and backward (3× the
    /// forward's <see cref="ForecasterFactory.EstimateMultiplyAdds"/>) over <paramref name="batchSize"/> windows, divided
    /// by <see cref="ForecasterSpec.Lookback"/> for recurrent networks, whose time steps run one after another so each
    /// kernel only sees one time step's work.
    /// </summary>
    /// <param name="spec">The network.</param>
    /// <param name="batchSize">Windows per step (<see cref="TrainingOptions.BatchSize"/>).</param>
    /// <exception cref="ArgumentException">The spec is inconsistent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public static long EstimateParallelStepWork(ForecasterSpec spec, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long step = 3 * ForecasterFactory.EstimateMultiplyAdds(spec) * batchSize;
        return spec.Kind is ForecasterKind.Rnn or ForecasterKind.Lstm or ForecasterKind.Gru ? step / spec.Lookback : step;
    }

    /// <summary>
    /// The intra-op thread count <see cref="Fit"/> uses when <see cref="TrainingOptions.NumberOfThreads"/> is null: min(2,
    /// <see cref="Environment.ProcessorCount"/>) when <see cref="EstimateParallelStepWork"/> reaches
    /// <see cref="TwoThreadStepMultiplyAdds"/>, else 1 (smaller steps lose more to thread hand-offs than a second core
    /// gains; docs/pruning-and-training.md gives the measurements). Schedulers that run several fits at once reserve
    /// this many cores per fit.
    /// </summary>
    /// <param name="spec">The network.</param>
    /// <param name="batchSize">Windows per step (<see cref="TrainingOptions.BatchSize"/>).</param>
    public static int DefaultThreads(ForecasterSpec spec, int batchSize) =>
        EstimateParallelStepWork(spec, batchSize) >= TwoThreadStepMultiplyAdds ? Math.Min(2, Environment.ProcessorCount) : 1;

    /// <summary>
    /// Trains a forecaster. <paramref name="createModule"/> builds the network (its <see cref="ForecastingNetwork.Spec"/>
    /// gives lookback, horizon and channels; with a dropout regularization it must have been built with
    /// <c>Spec.DropoutRate</c> &gt; 0, e.g. <see cref="TrainingOptions.DropoutRate"/>).
    /// </summary>
    /// <param name="createModule">Factory of the network, called once after seeding.</param>
    /// <param name="train">Training series (original units).</param>
    /// <param name="validation">Optional validation series; when null the last <see cref="TrainingOptions.ValidationFraction"/> of the training windows is used.</param>
    /// <param name="options">Training settings.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>The trained forecaster (owns the module).</returns>
    /// <exception cref="ArgumentException">Invalid options, data, or a module that does not match the data/options.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is returned and everything created is released.</exception>
    public TrainedForecaster Fit(Func<ForecastingNetwork> createModule, TimeSeriesData train, TimeSeriesData? validation, TrainingOptions options,
        IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModule);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        NativeRuntime.EnsureInitialized();

        // The global generator and thread count are process-wide: a second fit in this process waits for this one, so
        // concurrent fits give the same bits as serial ones (TorchProcessLocks). Disposed last: threads restored, lock released.
        using var process = ProcessFitScope.Enter(cancellationToken);
        using var run = new TrainingRun(options, cancellationToken);
        run.CreateModule(createModule, train, validation);
        process.UseThreads(options.NumberOfThreads ?? DefaultThreads(run.Module.Spec, options.BatchSize));
        run.Prepare(train, validation);
        if (options.ResumeFrom is { } resume) run.Restore(resume);

        for (int epoch = run.FirstEpoch; epoch < run.EpochLimit; epoch++)
        {
            bool stop = run.RunEpoch(epoch, out var report);
            NativeRuntime.TrimNativeHeap();
            // Reported after the checkpoint decision, so a progress handler sees a consistent state.
            progress?.Report(report);
            if (stop) break;
        }
        return run.Finish();
    }
}
