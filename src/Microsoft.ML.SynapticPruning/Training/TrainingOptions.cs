using Microsoft.ML.SynapticPruning.Pruning;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// Settings of <see cref="ForecastTrainer"/>. Defaults are the paper's hyper-parameters (Adam 1e-3, batch 64, 20 epochs,
/// patience 3, pruning 0.3→0.7 after 2 warm-up epochs every 5 steps) with a leakage-free protocol: the scaler is fitted on
/// the training part only, the last 10 % of the training windows drive early stopping, and the best eligible epoch is
/// restored.
/// </summary>
public sealed class TrainingOptions
{
    /// <summary>Maximum number of epochs T (also the length of the pruning schedule). Default 20.</summary>
    public int MaxEpochs { get; set; } = 20;

    /// <summary>
    /// Stops the run after this many epochs while every schedule (pruning, learning rate) keeps the length
    /// <see cref="MaxEpochs"/> — a successive-halving rung truncates a run this way. Null = train up to
    /// <see cref="MaxEpochs"/> (default). In [1, MaxEpochs] when set.
    /// </summary>
    public int? StopAfterEpochs { get; set; }

    /// <summary>
    /// Advanced: when a run ends because of <see cref="StopAfterEpochs"/> (before <see cref="MaxEpochs"/>, without early
    /// stopping), hand back a <see cref="TrainingResumeState"/> in <see cref="TrainedForecaster.ResumeState"/> so that a
    /// later fit can continue it through <see cref="ResumeFrom"/>. Costs a copy of the weights and optimizer state. Default false.
    /// </summary>
    internal bool CaptureResumeState { get; set; }

    /// <summary>
    /// Advanced: continue the run captured in this state (see <see cref="CaptureResumeState"/>) instead of starting from
    /// scratch; the result is bit-identical to one uninterrupted run. The fit must use the same module factory, data, seed,
    /// <see cref="MaxEpochs"/> and training settings, and train to at least <see cref="TrainingResumeState.Epoch"/> epochs
    /// (<see cref="StopAfterEpochs"/>). The state is only read (it stays owned by the caller). Default null.
    /// </summary>
    internal TrainingResumeState? ResumeFrom { get; set; }

    /// <summary>Windows per optimizer step. Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Adam β₁. Default 0.9.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam β₂. Default 0.999.</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>
    /// Early stopping: the run ends once this many consecutive eligible epochs brought no lower validation loss; 0 = never
    /// stop early (train <see cref="MaxEpochs"/> epochs; the best eligible epoch is still restored), as in the estimator
    /// options. Default 3. That is the default <see cref="EarlyStopping"/> rule;
    /// <see cref="EarlyStoppingRule.ConsecutiveNonDecreasing"/> reads the same number differently (0 = never stop there too).
    /// </summary>
    public int Patience { get; set; } = 3;

    /// <summary>
    /// How early stopping reads the validation losses with <see cref="Patience"/>: <see cref="EarlyStoppingRule.Patience"/>
    /// (default; no new best for Patience epochs) or <see cref="EarlyStoppingRule.ConsecutiveNonDecreasing"/> (the authors'
    /// rule: the last Patience epochs each failed to lower the loss of the epoch before; combine it with
    /// <see cref="RestoreFrom.Last"/> to reproduce their scripts, which keep the last weights).
    /// </summary>
    public EarlyStoppingRule EarlyStopping { get; set; } = EarlyStoppingRule.Patience;

    /// <summary>
    /// Fraction of the training windows, taken from the end (by target position), used as the validation part when no
    /// validation series is given. 0 disables early stopping. In [0, 1). Default 0.1.
    /// </summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>
    /// Fraction of the validation part, taken from its end, that early stopping never sees (reserved for conformal
    /// intervals). In [0, 1). Default 0.
    /// </summary>
    public double CalibrationFraction { get; set; }

    /// <summary>Which epoch's weights and masks the fit returns. Default <see cref="RestoreFrom.AfterWarmup"/>.</summary>
    public RestoreFrom RestoreFrom { get; set; } = RestoreFrom.AfterWarmup;

    /// <summary>Seed of weight initialisation, dropout and shuffling. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// libtorch intra-op threads during the fit (restored afterwards). Null = <see cref="ForecastTrainer.DefaultThreads"/>:
    /// min(2, processor count) when a training step's parallel work reaches
    /// <see cref="ForecastTrainer.TwoThreadStepMultiplyAdds"/> multiply-adds (e.g. PatchTST/42 at batch 128), otherwise 1
    /// (every recurrent network of hidden size 64, where a second thread slows the step down).
    /// </summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>The regularizer. Default <see cref="Regularization.SynapticPruning"/>.</summary>
    public Regularization Regularization { get; set; } = Regularization.SynapticPruning;

    /// <summary>
    /// Dropout probability the caller should build the module with when <see cref="Regularization"/> uses dropout (the
    /// trainer receives a module factory and checks that <c>Spec.DropoutRate</c> &gt; 0). In [0, 1). Default 0.3.
    /// </summary>
    public double DropoutRate { get; set; } = 0.3;

    /// <summary>
    /// Monte-Carlo dropout passes averaged per forecast at scoring (<see cref="Regularization.MonteCarloDropout"/>), at
    /// least 1; every pass is stochastic, so 1 is one dropout sample, not the deterministic forecast. Default 30.
    /// </summary>
    public int MonteCarloSamples { get; set; } = 30;

    /// <summary>Pruning settings (used when <see cref="Regularization"/> includes pruning).</summary>
    public PruningOptions Pruning { get; set; } = new();

    /// <summary>
    /// Optional schedule replacing the cubic schedule built from <see cref="Pruning"/> (e.g. a
    /// <see cref="PolynomialDecaySchedule"/>). Default null.
    /// </summary>
    public SparsitySchedule? PruningSchedule { get; set; }

    /// <summary>Shuffle the training windows every epoch (seeded). Default true.</summary>
    public bool ShuffleTrainingWindows { get; set; } = true;

    /// <summary>
    /// Epochs trained at <see cref="LearningRate"/> before it is multiplied by <see cref="LearningRateGamma"/> once per
    /// epoch: 0-based epoch e trains at <c>LearningRate · γ^max(0, e − ConstantLearningRateEpochs + 1)</c> (epoch 0 also
    /// scaled by <see cref="FirstEpochLearningRateFactor"/>). Default <see cref="int.MaxValue"/> = constant learning rate.
    /// </summary>
    /// <remarks>
    /// The reference scripts set the rate <em>after</em> each epoch with <c>adjust_learning_rate(optimizer, epoch + 1)</c>,
    /// so their constants count one epoch later than they read. PatchTST's <c>type3</c> (rate constant while
    /// <c>epoch &lt; 3</c>, then ×0.9) is <c>ConstantLearningRateEpochs = 4</c>, <c>LearningRateGamma = 0.9</c>, and its
    /// script also trains epoch 0 at LearningRate/25 with Adam β₁ = 0.95 (constructing its OneCycleLR scheduler sets both):
    /// <c>FirstEpochLearningRateFactor = 0.04</c>, <see cref="Beta1"/> = 0.95. LTSF-Linear's <c>type1</c> (DLinear: ×0.5 per
    /// epoch from <c>epoch − 1</c>) is <c>ConstantLearningRateEpochs = 2</c>, <c>LearningRateGamma = 0.5</c>. Rates per 0-based
    /// epoch 0…5, in units of LearningRate: PatchTST 0.04, 1, 1, 1, 0.9, 0.81; DLinear 1, 1, 0.5, 0.25, 0.125, 0.0625.
    /// </remarks>
    public int ConstantLearningRateEpochs { get; set; } = int.MaxValue;

    /// <summary>Per-epoch learning-rate factor after <see cref="ConstantLearningRateEpochs"/>. In (0, 1]. Default 0.9.</summary>
    public double LearningRateGamma { get; set; } = 0.9;

    /// <summary>
    /// Factor on the learning rate of the first epoch (0-based epoch 0) only, in (0, 1]. Default 1. PatchTST's reference
    /// training trains its first epoch at LearningRate/25 (0.04; see <see cref="ConstantLearningRateEpochs"/>).
    /// </summary>
    public double FirstEpochLearningRateFactor { get; set; } = 1;

    /// <summary>Clip the global gradient norm to this value (after pruned gradients are zeroed). Null = off (default).</summary>
    public double? GradientClipNorm { get; set; }

    /// <summary>
    /// A pre-fitted scaler to use instead of fitting one on the training part (e.g. the paper protocol, which fits on the
    /// whole series). Must have one channel per input channel. Default null.
    /// </summary>
    public ChannelScaler? Scaler { get; set; }

    /// <summary>
    /// The learning rate of 0-based <paramref name="epoch"/>: <see cref="LearningRate"/> ·
    /// <see cref="LearningRateGamma"/>^max(0, epoch − <see cref="ConstantLearningRateEpochs"/> + 1), times
    /// <see cref="FirstEpochLearningRateFactor"/> in epoch 0.
    /// </summary>
    public double LearningRateAt(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch is 0-based and must be 0 or more.");
        long decays = (long)epoch - ConstantLearningRateEpochs + 1;
        double rate = decays <= 0 ? LearningRate : LearningRate * Math.Pow(LearningRateGamma, decays);
        return epoch == 0 ? rate * FirstEpochLearningRateFactor : rate;
    }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception names it and says what is allowed.</exception>
    public void Validate()
    {
        if (MaxEpochs < 1) throw Range(nameof(MaxEpochs), MaxEpochs, "must be at least 1");
        if (StopAfterEpochs is { } stopAfter && (stopAfter < 1 || stopAfter > MaxEpochs))
            throw Range(nameof(StopAfterEpochs), stopAfter, $"must be in [1, MaxEpochs = {MaxEpochs}] (or null to train up to MaxEpochs)");
        if (ResumeFrom is { } resume)
        {
            if (resume.IsDisposed) throw new ArgumentException("ResumeFrom has been disposed.", nameof(ResumeFrom));
            if (resume.Epoch > (StopAfterEpochs ?? MaxEpochs))
                throw new ArgumentException(
                    $"ResumeFrom continues after epoch {resume.Epoch}, but this fit stops after {StopAfterEpochs ?? MaxEpochs} epochs; set StopAfterEpochs to at least {resume.Epoch} (or null).", nameof(ResumeFrom));
        }
        if (BatchSize < 1) throw Range(nameof(BatchSize), BatchSize, "must be at least 1");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw Range(nameof(LearningRate), LearningRate, "must be a positive finite number, e.g. 1e-3");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw Range(nameof(Beta1), Beta1, "must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw Range(nameof(Beta2), Beta2, "must be in [0, 1)");
        if (Patience < 0) throw Range(nameof(Patience), Patience, "must be 0 or more epochs (0 = never stop early)");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) throw Range(nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        if (!(CalibrationFraction >= 0 && CalibrationFraction < 1)) throw Range(nameof(CalibrationFraction), CalibrationFraction, "must be in [0, 1)");
        if (!Enum.IsDefined(EarlyStopping)) throw Range(nameof(EarlyStopping), EarlyStopping, "is not an EarlyStoppingRule value");
        if (!Enum.IsDefined(RestoreFrom)) throw Range(nameof(RestoreFrom), RestoreFrom, "is not a RestoreFrom value");
        if (!Enum.IsDefined(Regularization)) throw Range(nameof(Regularization), Regularization, "is not a Regularization value");
        if (NumberOfThreads is < 1) throw Range(nameof(NumberOfThreads), NumberOfThreads, "must be at least 1 (or null for the default)");
        if (!(DropoutRate >= 0 && DropoutRate < 1)) throw Range(nameof(DropoutRate), DropoutRate, "must be in [0, 1)");
        if (MonteCarloSamples < 1) throw Range(nameof(MonteCarloSamples), MonteCarloSamples, "must be at least 1");
        if (ConstantLearningRateEpochs < 0) throw Range(nameof(ConstantLearningRateEpochs), ConstantLearningRateEpochs, "must be 0 or more");
        if (!(LearningRateGamma > 0 && LearningRateGamma <= 1)) throw Range(nameof(LearningRateGamma), LearningRateGamma, "must be in (0, 1]");
        if (!(FirstEpochLearningRateFactor > 0 && FirstEpochLearningRateFactor <= 1))
            throw Range(nameof(FirstEpochLearningRateFactor), FirstEpochLearningRateFactor, "must be in (0, 1], e.g. 0.04 for PatchTST's first epoch at LearningRate/25 (1 = no change)");
        if (GradientClipNorm is { } clip && (!(clip > 0) || !double.IsFinite(clip))) throw Range(nameof(GradientClipNorm), clip, "must be positive and finite (or null to disable clipping)");
        if (Regularization.UsesDropout() && DropoutRate == 0)
            throw Range(nameof(DropoutRate), DropoutRate, $"must be > 0 when Regularization is {Regularization}");
        if (Regularization.UsesPruning())
        {
            if (Pruning is null) throw new ArgumentNullException(nameof(Pruning), $"Pruning options are required when Regularization is {Regularization}.");
            if (PruningSchedule is null) Pruning.Validate(MaxEpochs);
            else Pruning.Validate();
        }
    }

    /// <summary>A copy (pruning options copied, scaler and schedule shared: both are immutable).</summary>
    public TrainingOptions Clone()
    {
        var copy = (TrainingOptions)MemberwiseClone();
        copy.Pruning = Pruning?.Clone()!;
        return copy;
    }

    private static ArgumentOutOfRangeException Range(string name, object? value, string rule)
        => new(name, value, $"{name} {rule} (got {value}).");
}
