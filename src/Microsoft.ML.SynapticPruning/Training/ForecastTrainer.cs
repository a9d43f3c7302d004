using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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

    private const int TrimInterval = 100;

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
    /// Trains a forecaster. <paramref name="createModule"/> builds the network (its <see cref="ForecastingModule.Spec"/>
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
    public TrainedForecaster Fit(Func<ForecastingModule> createModule, TimeSeriesData train, TimeSeriesData? validation, TrainingOptions options,
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
        // concurrent fits give the same bits as serial ones (TorchProcessLocks).
        TorchProcessLocks.EnterFit(cancellationToken);
        int previousThreads = torch.get_num_threads();
        ForecastingModule? module = null;
        Adam? adam = null;
        SynapticPruner? pruner = null;
        Generator? dropoutGenerator = null, shuffleGenerator = null;
        WindowedSeries? trainSeries = null, validationSeries = null;
        Tensor? validationIndices = null;
        Checkpoint? best = null;
        TrainingResumeState? resumeState = null;
        bool success = false;
        try
        {
            lock (TorchProcessLocks.Creation)
            {
                torch.manual_seed(options.Seed);
                module = createModule() ?? throw new InvalidOperationException("createModule returned null.");
            }
            var spec = module.Spec;
            CheckModule(module, spec, train, validation, options);
            torch.set_num_threads(options.NumberOfThreads ?? DefaultThreads(spec, options.BatchSize));

            int lookback = spec.Lookback, horizon = spec.Horizon;
            var plan = SplitPlan.Create(train, validation, lookback, horizon, options.ValidationFraction, options.CalibrationFraction);
            ChannelScaler scaler;
            if (options.Scaler is { } external)
            {
                if (external.Channels != train.InputChannels)
                    throw new ArgumentException($"The supplied Scaler has {external.Channels} channels but the data has {train.InputChannels} input channels.", nameof(options));
                scaler = external;
                plan = plan with { ScalerRows = 0 };
            }
            else
            {
                scaler = ChannelScaler.Fit(train, plan.ScalerRows);
            }

            trainSeries = WindowedSeries.Create(train, scaler, lookback, horizon);
            var validationData = validation ?? train;
            validationSeries = validation is null ? null : WindowedSeries.Create(validation, scaler, lookback, horizon);
            var validationWindows = Enumerable.Range(plan.Validation.Start, plan.Validation.Count)
                .Where(w => !validationData.WindowHasImputedTargets(w, lookback, horizon))
                .Select(w => (long)w).ToArray();
            if (validationWindows.Length > 0)
                validationIndices = torch.tensor(validationWindows, dtype: ScalarType.Int64).DetachFromDisposeScope();

            module.train();
            var parameters = module.parameters().ToList();
            adam = torch.optim.Adam(parameters, lr: options.LearningRate, beta1: options.Beta1, beta2: options.Beta2);
            if (options.Regularization.UsesPruning())
            {
                var schedule = options.PruningSchedule ?? options.Pruning.CreateSchedule(options.MaxEpochs);
                pruner = new SynapticPruner(module, schedule, options.Pruning);
                pruner.AttachOptimizer(adam);
            }
            dropoutGenerator = new Generator((ulong)SeedMixer.Mix(options.Seed, 1), torch.CPU);
            shuffleGenerator = new Generator((ulong)SeedMixer.Mix(options.Seed, 2), torch.CPU);
            var trainingContext = ForwardContext.ForTraining(dropoutGenerator);

            var history = new List<EpochReport>();
            var clock = Stopwatch.StartNew();
            var elapsedBefore = TimeSpan.Zero;
            int trainCount = plan.Train.Count;
            long step = 0;
            int bestEpoch = -1, badEpochs = 0, epochsRun = 0, firstEpoch = 0;
            double bestLoss = double.PositiveInfinity;
            bool stoppedEarly = false, stopRequested = false;

            var identity = options.CaptureResumeState || options.ResumeFrom is not null
                ? ResumeIdentity.Create(module, spec, options, plan, trainCount)
                : null;
            if (options.ResumeFrom is { } resume)
            {
                resume.Identity.EnsureMatches(identity!);
                resume.RestoreWeights(module);
                if (pruner is not null)
                {
                    pruner.RestoreHistory(resume.PrunerHistory);
                    if (resume.Pruner is { } prunerState) pruner.RestoreState(prunerState);
                }
                // After the pruner (which zeroes pruned moments): the moments are restored exactly as they were.
                resume.RestoreOptimizer(adam);
                resume.RestoreGenerators(dropoutGenerator, shuffleGenerator);
                history.AddRange(resume.History);
                step = resume.Step;
                bestLoss = resume.BestLoss;
                bestEpoch = resume.BestEpoch;
                badEpochs = resume.BadEpochs;
                best = resume.CloneBest();
                firstEpoch = epochsRun = resume.Epoch;
                elapsedBefore = resume.Elapsed;
            }

            int epochLimit = options.StopAfterEpochs ?? options.MaxEpochs;
            for (int epoch = firstEpoch; epoch < epochLimit; epoch++)
            {
                double lr = options.LearningRateAt(epoch);
                foreach (var group in adam.ParamGroups) group.LearningRate = lr;
                module.train();

                // The rate the optimizer actually holds for this epoch (what EpochReport.LearningRate reports).
                double usedLearningRate = adam.ParamGroups.First().LearningRate;
                double lossSum = 0;
                using (var order = options.ShuffleTrainingWindows
                    ? torch.randperm(trainCount, generator: shuffleGenerator).DetachFromDisposeScope()
                    : torch.arange(trainCount, dtype: ScalarType.Int64).DetachFromDisposeScope())
                {
                    for (int start = 0; start < trainCount; start += options.BatchSize)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        int count = Math.Min(options.BatchSize, trainCount - start);
                        step++;
                        using (var scope = torch.NewDisposeScope())
                        {
                            var index = order.narrow(0, start, count);
                            var x = trainSeries.X.index_select(0, index);
                            var y = trainSeries.Y.index_select(0, index);
                            adam.zero_grad();
                            var prediction = module.Forward(x, trainingContext);
                            var loss = nn.functional.mse_loss(prediction, y);
                            loss.backward();
                            pruner?.AfterBackward(epoch, step);
                            if (options.GradientClipNorm is { } clip) nn.utils.clip_grad_norm_(parameters, clip);
                            adam.step();
                            pruner?.AfterOptimizerStep();
                            lossSum += loss.item<float>() * (double)count;
                        }
                        if (step % TrimInterval == 0) NativeRuntime.TrimNativeHeap();
                    }
                }

                double trainLoss = lossSum / trainCount;
                if (!double.IsFinite(trainLoss))
                    throw new InvalidOperationException(
                        $"Training diverged at epoch {epoch} (loss {trainLoss}). Lower LearningRate, set GradientClipNorm, or check the data scale.");
                double? validationLoss = validationIndices is null
                    ? null
                    : Evaluate(module, validationSeries ?? trainSeries, validationIndices, options.BatchSize, cancellationToken);
                epochsRun = epoch + 1;
                var report = new EpochReport(epoch, trainLoss, validationLoss,
                    pruner?.TargetSparsity(epoch, step) ?? 0, pruner?.GlobalSparsity ?? 0, usedLearningRate, elapsedBefore + clock.Elapsed);
                history.Add(report);

                bool stop = false;
                if (validationLoss is { } vl)
                {
                    bool eligible = options.RestoreFrom != RestoreFrom.AfterWarmup || pruner is null || pruner.PrunedCount > 0;
                    if (eligible)
                    {
                        if (vl < bestLoss)
                        {
                            bestLoss = vl;
                            bestEpoch = epoch;
                            badEpochs = 0;
                            if (options.RestoreFrom != RestoreFrom.Last)
                            {
                                best?.Dispose();
                                best = Checkpoint.Capture(module, pruner);
                            }
                        }
                        else if (options.EarlyStopping == EarlyStoppingRule.Patience && ++badEpochs >= options.Patience && options.Patience > 0) // 0 = never stop early
                        {
                            stop = true;
                            stoppedEarly = epoch < epochLimit - 1;
                        }
                        if (options.EarlyStopping == EarlyStoppingRule.ConsecutiveNonDecreasing
                            && EarlyStopping.EndsNonDecreasing(history.Select(r => r.ValidationLoss ?? double.NaN).ToArray(), options.Patience))
                        {
                            stop = true;
                            stoppedEarly = epoch < epochLimit - 1;
                        }
                    }
                }
                NativeRuntime.TrimNativeHeap();
                // Reported after the checkpoint decision, so a progress handler sees a consistent state.
                progress?.Report(report);
                if (stop)
                {
                    stopRequested = true;
                    break;
                }
            }

            // A run truncated by StopAfterEpochs (not by early stopping) can be continued: capture before the best
            // checkpoint is restored, i.e. the last epoch's state.
            if (options.CaptureResumeState && !stopRequested && epochsRun == epochLimit && epochLimit < options.MaxEpochs)
            {
                resumeState = TrainingResumeState.Capture(identity!, module, adam, pruner, dropoutGenerator, shuffleGenerator,
                    epochsRun, step, bestLoss, bestEpoch, badEpochs, best, history, elapsedBefore + clock.Elapsed);
            }

            int returnedEpoch = epochsRun - 1;
            bool neverPruned = pruner is not null && pruner.History.Count == 0;
            if (best is not null && options.RestoreFrom != RestoreFrom.Last)
            {
                best.Restore(module, pruner);
                returnedEpoch = bestEpoch;
            }
            if (pruner is not null && neverPruned && options.RestoreFrom != RestoreFrom.AnyEpoch)
            {
                // No update step fell after the warm-up (too few steps per epoch, or the run stopped before pruning began):
                // prune once to the last epoch's target so a pruned fit never returns a dense model (recorded in the
                // history with epoch and step −1).
                double target = pruner.TargetSparsity(epochsRun - 1, step);
                if (target > 0) pruner.PruneTo(target);
            }
            module.eval();
            var summary = pruner?.Summarize();
            clock.Stop();
            var result = new TrainedForecaster(module, scaler, options, history, summary, returnedEpoch, stoppedEarly, plan,
                (elapsedBefore + clock.Elapsed).TotalSeconds, epochsRun);
            result.AttachResumeState(resumeState);
            success = true;
            return result;
        }
        finally
        {
            best?.Dispose();
            pruner?.Dispose();
            adam?.Dispose();
            dropoutGenerator?.Dispose();
            shuffleGenerator?.Dispose();
            validationIndices?.Dispose();
            trainSeries?.Dispose();
            validationSeries?.Dispose();
            if (!success)
            {
                resumeState?.Dispose();
                module?.Dispose();
            }
            torch.set_num_threads(previousThreads);
            NativeRuntime.TrimNativeHeap();
            Monitor.Exit(TorchProcessLocks.Fit);
        }
    }

    private static double Evaluate(ForecastingModule module, WindowedSeries series, Tensor indices, int batchSize, CancellationToken cancellationToken)
    {
        module.eval();
        double sum = 0;
        long elements = 0;
        long count = indices.shape[0];
        using (torch.no_grad())
        {
            for (long start = 0; start < count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long n = Math.Min(batchSize, count - start);
                using var scope = torch.NewDisposeScope();
                var index = indices.narrow(0, start, n);
                var x = series.X.index_select(0, index);
                var y = series.Y.index_select(0, index);
                var prediction = module.Forward(x, ForwardContext.Inference);
                sum += nn.functional.mse_loss(prediction, y, nn.Reduction.Sum).item<float>();
                elements += y.numel();
            }
        }
        module.train();
        return sum / elements;
    }

    private static void CheckModule(ForecastingModule module, ForecasterSpec spec, TimeSeriesData train, TimeSeriesData? validation, TrainingOptions options)
    {
        if (spec.Lookback < 1) throw new ArgumentException($"Spec.Lookback must be at least 1 (got {spec.Lookback}).", "Lookback");
        if (spec.Horizon < 1) throw new ArgumentException($"Spec.Horizon must be at least 1 (got {spec.Horizon}).", "Horizon");
        foreach (var (data, role) in new[] { (train, "training"), (validation, "validation") })
        {
            if (data is null) continue;
            if (data.TargetChannels != spec.TargetChannels)
                throw new ArgumentException($"The {role} series has {data.TargetChannels} target channel(s) but the module was built for Spec.TargetChannels = {spec.TargetChannels}.", "TargetChannels");
            if (data.CovariateChannels != spec.CovariateChannels)
                throw new ArgumentException($"The {role} series has {data.CovariateChannels} covariate channel(s) but the module was built for Spec.CovariateChannels = {spec.CovariateChannels}.", "CovariateChannels");
        }
        if (options.Regularization.UsesDropout() && !(spec.DropoutRate > 0))
            throw new ArgumentException(
                $"Regularization {options.Regularization} needs a module built with dropout, but Spec.DropoutRate is {spec.DropoutRate}. Build the module with Spec.DropoutRate = DropoutRate ({options.DropoutRate}).",
                nameof(options.Regularization));
    }
}
