using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// The state of one <see cref="ForecastTrainer.Fit"/>: the network, Adam, the pruner, the dropout and shuffle generators,
/// the windowed training series and the validation windows, the best checkpoint, the early-stopping tracker, the history
/// and the step and epoch counters. Used in order: <see cref="CreateModule"/>, <see cref="Prepare"/>, optionally
/// <see cref="Restore"/>, <see cref="RunEpoch"/> for each epoch from <see cref="FirstEpoch"/> below
/// <see cref="EpochLimit"/>, then <see cref="Finish"/>, which hands the network (and a captured resume state) to the
/// returned forecaster. <see cref="Dispose"/> releases everything else, and after a failure those too.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private const int TrimInterval = 100;

    private readonly TrainingOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly List<EpochReport> _history = new();
    private readonly EarlyStoppingTracker _earlyStopping;
    private readonly Stopwatch _clock = new();
    private ForecastingNetwork? _module;
    private Adam? _adam;
    private SynapticPruner? _pruner;
    private Generator? _dropoutGenerator, _shuffleGenerator;
    private WindowedSeries? _trainSeries;
    private ValidationWindows? _validation;
    private Checkpoint? _best;
    private TrainingResumeState? _resumeState;
    private List<Parameter>? _parameters;
    private ForwardContext? _trainingContext;
    private ChannelScaler? _scaler;
    private SplitPlan? _plan;
    private ResumeIdentity? _identity;
    private TimeSpan _elapsedBefore = TimeSpan.Zero;
    private long _step;
    private int _epochsRun;
    private bool _stoppedEarly;
    private bool _handedOver;

    /// <param name="options">Validated settings (the fit's own copy).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public TrainingRun(TrainingOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        _cancellationToken = cancellationToken;
        _earlyStopping = new EarlyStoppingTracker(options.EarlyStopping, options.Patience,
            onlyPrunedEpochs: options.RestoreFrom == RestoreFrom.AfterWarmup && options.Regularization.UsesPruning());
        EpochLimit = options.StopAfterEpochs ?? options.MaxEpochs;
    }

    /// <summary>The network (after <see cref="CreateModule"/>).</summary>
    public ForecastingNetwork Module => _module ?? throw new InvalidOperationException("The module has not been created.");

    /// <summary>The first epoch to run: 0, or the resumed run's epoch count.</summary>
    public int FirstEpoch { get; private set; }

    /// <summary>The epoch this run stops before: <see cref="TrainingOptions.StopAfterEpochs"/> or <see cref="TrainingOptions.MaxEpochs"/>.</summary>
    public int EpochLimit { get; }

    /// <summary>
    /// Seeds libtorch's global generator with <see cref="TrainingOptions.Seed"/> and builds the network, both under
    /// <see cref="TorchProcessLocks.Creation"/> so no network built elsewhere draws in between; then checks the network
    /// against the data and options.
    /// </summary>
    public void CreateModule(Func<ForecastingNetwork> createModule, TimeSeriesData train, TimeSeriesData? validation)
    {
        lock (TorchProcessLocks.Creation)
        {
            torch.manual_seed(_options.Seed);
            _module = createModule() ?? throw new InvalidOperationException("createModule returned null.");
        }
        CheckModule(_module.Spec, train, validation, _options);
    }

    /// <summary>
    /// Splits and scales the data, windows the series, and creates Adam, the pruner (when the regularization prunes) and the
    /// fit's own dropout and shuffle generators.
    /// </summary>
    public void Prepare(TimeSeriesData train, TimeSeriesData? validation)
    {
        var module = Module;
        var spec = module.Spec;
        int lookback = spec.Lookback, horizon = spec.Horizon;
        var plan = SplitPlan.Create(train, validation, lookback, horizon, _options.ValidationFraction, _options.CalibrationFraction);
        if (_options.Scaler is { } external)
        {
            if (external.Channels != train.InputChannels)
                throw new ArgumentException($"The supplied Scaler has {external.Channels} channels but the data has {train.InputChannels} input channels.", "options");
            _scaler = external;
            plan = plan with { ScalerRows = 0 };
        }
        else
        {
            _scaler = ChannelScaler.Fit(train, plan.ScalerRows);
        }
        _plan = plan;

        _trainSeries = WindowedSeries.Create(train, _scaler, lookback, horizon);
        _validation = ValidationWindows.Create(train, validation, _trainSeries, plan, _scaler, lookback, horizon);

        module.train();
        _parameters = module.parameters().ToList();
        _adam = torch.optim.Adam(_parameters, lr: _options.LearningRate, beta1: _options.Beta1, beta2: _options.Beta2);
        if (_options.Regularization.UsesPruning())
        {
            var schedule = _options.PruningSchedule ?? _options.Pruning.CreateSchedule(_options.MaxEpochs);
            _pruner = new SynapticPruner(module, schedule, _options.Pruning);
            _pruner.AttachOptimizer(_adam);
        }
        _dropoutGenerator = new Generator((ulong)SeedMixer.Mix(_options.Seed, 1), torch.CPU);
        _shuffleGenerator = new Generator((ulong)SeedMixer.Mix(_options.Seed, 2), torch.CPU);
        _trainingContext = ForwardContext.ForTraining(_dropoutGenerator);
        _clock.Start();

        _identity = _options.CaptureResumeState || _options.ResumeFrom is not null
            ? ResumeIdentity.Create(module, spec, _options, plan, plan.Train.Count)
            : null;
    }

    /// <summary>
    /// Continues a run truncated by <see cref="TrainingOptions.StopAfterEpochs"/>: checks that the state belongs to this
    /// run, then restores the weights, the pruner's history and masks, Adam's moments (after the pruner, which zeroes pruned
    /// moments), the generators, the history, the counters, the early-stopping state and the best checkpoint.
    /// </summary>
    public void Restore(TrainingResumeState resume)
    {
        var module = Module;
        resume.Identity.EnsureMatches(_identity!);
        resume.RestoreWeights(module);
        if (_pruner is not null)
        {
            _pruner.RestoreHistory(resume.PrunerHistory);
            if (resume.Pruner is { } prunerState) _pruner.RestoreState(prunerState);
        }
        // After the pruner (which zeroes pruned moments): the moments are restored exactly as they were.
        resume.RestoreOptimizer(_adam!);
        resume.RestoreGenerators(_dropoutGenerator!, _shuffleGenerator!);
        _history.AddRange(resume.History);
        _step = resume.Step;
        _earlyStopping.Restore(resume.BestLoss, resume.BestEpoch, resume.BadEpochs);
        _best = resume.CloneBest();
        FirstEpoch = _epochsRun = resume.Epoch;
        _elapsedBefore = resume.Elapsed;
    }

    /// <summary>
    /// Runs one epoch: the training steps over the (shuffled) training windows, the validation loss, the report (added to
    /// the history), then the early-stopping and checkpoint decision. Returns true when the run should stop here.
    /// </summary>
    /// <exception cref="InvalidOperationException">The training loss is not finite (the run diverged).</exception>
    public bool RunEpoch(int epoch, out EpochReport report)
    {
        double learningRate = SetLearningRate(epoch);
        double trainLoss = TrainSteps(epoch);
        if (!double.IsFinite(trainLoss))
            throw new InvalidOperationException(
                $"Training diverged at epoch {epoch} (loss {trainLoss}). Lower LearningRate, set GradientClipNorm, or check the data scale.");
        double? validationLoss = _validation!.Loss(Module, _options.BatchSize, _cancellationToken);
        _epochsRun = epoch + 1;
        report = new EpochReport(epoch, trainLoss, validationLoss,
            _pruner?.TargetSparsity(epoch, _step) ?? 0, _pruner?.GlobalSparsity ?? 0, learningRate, Elapsed);
        _history.Add(report);

        bool isPruned = _pruner is null || _pruner.PrunedCount > 0;
        if (_earlyStopping.Observe(epoch, validationLoss, isPruned, _history) && _options.RestoreFrom != RestoreFrom.Last)
        {
            _best?.Dispose();
            _best = Checkpoint.Capture(Module, _pruner);
        }
        if (!_earlyStopping.StopRequested) return false;
        _stoppedEarly = epoch < EpochLimit - 1;
        return true;
    }

    /// <summary>
    /// Ends the run: captures the resume state when asked and the run was truncated (not stopped early), restores the best
    /// checkpoint (unless <see cref="RestoreFrom.Last"/>), prunes once if the pruner never pruned (unless
    /// <see cref="RestoreFrom.AnyEpoch"/>), and returns the forecaster, which from then on owns the network and the
    /// resume state.
    /// </summary>
    public TrainedForecaster Finish()
    {
        var module = Module;
        // A run truncated by StopAfterEpochs (not by early stopping) can be continued: capture before the best
        // checkpoint is restored, i.e. the last epoch's state.
        if (_options.CaptureResumeState && !_earlyStopping.StopRequested && _epochsRun == EpochLimit && EpochLimit < _options.MaxEpochs)
        {
            _resumeState = TrainingResumeState.Capture(_identity!, module, _adam!, _pruner, _dropoutGenerator!, _shuffleGenerator!,
                _epochsRun, _step, _earlyStopping.BestLoss, _earlyStopping.BestEpoch, _earlyStopping.BadEpochs, _best, _history, Elapsed);
        }

        int returnedEpoch = _epochsRun - 1;
        bool neverPruned = _pruner is not null && _pruner.History.Count == 0;
        if (_best is not null && _options.RestoreFrom != RestoreFrom.Last)
        {
            _best.Restore(module, _pruner);
            returnedEpoch = _earlyStopping.BestEpoch;
        }
        if (_pruner is not null && neverPruned && _options.RestoreFrom != RestoreFrom.AnyEpoch)
        {
            // No update step fell after the warm-up (too few steps per epoch, or the run stopped before pruning began):
            // prune once to the last epoch's target so a pruned fit never returns a dense model (recorded in the
            // history with epoch and step −1).
            double target = _pruner.TargetSparsity(_epochsRun - 1, _step);
            if (target > 0) _pruner.PruneTo(target);
        }
        module.eval();
        var summary = _pruner?.Summarize();
        _clock.Stop();
        var result = new TrainedForecaster(module, _scaler!, _options, _history, summary, returnedEpoch, _stoppedEarly, _plan!,
            Elapsed.TotalSeconds, _epochsRun);
        result.AttachResumeState(_resumeState);
        _handedOver = true;
        return result;
    }

    /// <summary>Releases the run's tensors and objects; the network and resume state too unless <see cref="Finish"/> handed them over.</summary>
    public void Dispose()
    {
        _best?.Dispose();
        _pruner?.Dispose();
        _adam?.Dispose();
        _dropoutGenerator?.Dispose();
        _shuffleGenerator?.Dispose();
        _validation?.Dispose();
        _trainSeries?.Dispose();
        if (!_handedOver)
        {
            _resumeState?.Dispose();
            _module?.Dispose();
        }
    }

    private TimeSpan Elapsed => _elapsedBefore + _clock.Elapsed;

    /// <summary>Sets the epoch's learning rate on every parameter group; returns the rate the optimizer holds (what <see cref="EpochReport.LearningRate"/> reports).</summary>
    private double SetLearningRate(int epoch)
    {
        double lr = _options.LearningRateAt(epoch);
        foreach (var group in _adam!.ParamGroups) group.LearningRate = lr;
        Module.train();
        return _adam.ParamGroups.First().LearningRate;
    }

    /// <summary>One epoch's optimizer steps, each in its own dispose scope; returns the mean training loss per window.</summary>
    private double TrainSteps(int epoch)
    {
        var (series, adam, module) = (_trainSeries!, _adam!, Module);
        int trainCount = _plan!.Train.Count, batchSize = _options.BatchSize;
        double lossSum = 0;
        using var order = _options.ShuffleTrainingWindows
            ? torch.randperm(trainCount, generator: _shuffleGenerator).DetachFromDisposeScope()
            : torch.arange(trainCount, dtype: ScalarType.Int64).DetachFromDisposeScope();
        for (int start = 0; start < trainCount; start += batchSize)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, trainCount - start);
            _step++;
            using (var scope = torch.NewDisposeScope())
            {
                var index = order.narrow(0, start, count);
                var x = series.X.index_select(0, index);
                var y = series.Y.index_select(0, index);
                adam.zero_grad();
                var prediction = module.Forward(x, _trainingContext!);
                var loss = nn.functional.mse_loss(prediction, y);
                loss.backward();
                _pruner?.AfterBackward(epoch, _step);
                if (_options.GradientClipNorm is { } clip) nn.utils.clip_grad_norm_(_parameters!, clip);
                adam.step();
                _pruner?.AfterOptimizerStep();
                lossSum += loss.item<float>() * (double)count;
            }
            if (_step % TrimInterval == 0) NativeRuntime.TrimNativeHeap();
        }
        return lossSum / trainCount;
    }

    private static void CheckModule(ForecasterSpec spec, TimeSeriesData train, TimeSeriesData? validation, TrainingOptions options)
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
