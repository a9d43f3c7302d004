using System.Runtime.InteropServices;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// A trained forecaster: the network (in eval mode), its scaler and the training record. Forecasts are in original
/// units. Prediction methods are safe to call concurrently from several threads (the module is never switched between
/// train and eval mode, and every call uses its own tensors and generator).
/// </summary>
public sealed class TrainedForecaster : IDisposable
{
    /// <summary>Windows per forward pass in batched prediction.</summary>
    public const int BlockSize = 256;

    private int _disposed;
    private TrainingResumeState? _resumeState;

    internal TrainedForecaster(ForecastingNetwork module, ChannelScaler scaler, TrainingOptions options, IReadOnlyList<EpochReport> history,
        PruningSummary? pruning, int bestEpoch, bool stoppedEarly, SplitPlan splitPlan, double trainSeconds, int epochsRun)
    {
        Module = module;
        Scaler = scaler;
        Options = options;
        History = history;
        PruningSummary = pruning;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
        SplitPlan = splitPlan;
        TrainSeconds = trainSeconds;
        EpochsRun = epochsRun;
        if (scaler.Channels != InputChannels)
            throw new ArgumentException($"The scaler has {scaler.Channels} channels but the module expects {InputChannels} input channels.", nameof(scaler));
    }

    /// <summary>
    /// Wraps an already trained (e.g. loaded) module and its scaler. The module is put in eval mode and owned (disposed)
    /// by the forecaster.
    /// </summary>
    public static TrainedForecaster FromModule(ForecastingNetwork module, ChannelScaler scaler, TrainingOptions? options = null, PruningSummary? pruning = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(scaler);
        module.eval();
        var spec = module.Spec;
        var plan = new SplitPlan(spec.Lookback, spec.Horizon, WindowRange.Empty, WindowRange.Empty, WindowRange.Empty, false, 0, -1, -1);
        return new TrainedForecaster(module, scaler, options?.Clone() ?? new TrainingOptions(), Array.Empty<EpochReport>(), pruning, -1, false, plan, 0, 0);
    }

    /// <summary>The network, in eval mode. Owned by this object.</summary>
    public ForecastingNetwork Module { get; }

    /// <summary>The architecture.</summary>
    public ForecasterSpec Spec => Module.Spec;

    /// <summary>The scaler applied to inputs and undone on outputs.</summary>
    public ChannelScaler Scaler { get; }

    /// <summary>The options the model was trained with (a copy).</summary>
    public TrainingOptions Options { get; }

    /// <summary>One report per epoch run.</summary>
    public IReadOnlyList<EpochReport> History { get; }

    /// <summary>Sparsity, mask history and masks of the returned weights; null when the model was not pruned.</summary>
    public PruningSummary? PruningSummary { get; }

    /// <summary>The 0-based epoch whose weights were returned.</summary>
    public int BestEpoch { get; }

    /// <summary>True when early stopping ended the run before <see cref="TrainingOptions.MaxEpochs"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>How the windows were split.</summary>
    internal SplitPlan SplitPlan { get; }

    /// <summary>Wall-clock training time in seconds.</summary>
    public double TrainSeconds { get; }

    /// <summary>Number of epochs run.</summary>
    public int EpochsRun { get; }

    /// <summary>
    /// Advanced: the state to continue this run from (<see cref="TrainingOptions.ResumeFrom"/>), present when
    /// <see cref="TrainingOptions.CaptureResumeState"/> was set and the run ended because of
    /// <see cref="TrainingOptions.StopAfterEpochs"/> before <see cref="TrainingOptions.MaxEpochs"/> without early stopping;
    /// otherwise null. Owned by this forecaster (disposed with it) unless taken with <see cref="DetachResumeState"/>.
    /// </summary>
    internal TrainingResumeState? ResumeState => Volatile.Read(ref _resumeState);

    /// <summary>Takes ownership of <see cref="ResumeState"/> (the caller disposes it); afterwards <see cref="ResumeState"/> is null.</summary>
    internal TrainingResumeState? DetachResumeState() => Interlocked.Exchange(ref _resumeState, null);

    internal void AttachResumeState(TrainingResumeState? state) => _resumeState = state;

    /// <summary>L: rows of history per forecast.</summary>
    public int Lookback => Spec.Lookback;

    /// <summary>H: steps forecast at once.</summary>
    public int Horizon => Spec.Horizon;

    /// <summary>C: forecast channels.</summary>
    public int TargetChannels => Spec.TargetChannels;

    /// <summary>Targets + covariates per input row.</summary>
    public int InputChannels => Spec.TargetChannels + Spec.CovariateChannels;

    /// <summary>
    /// Forecasts the next H rows from <paramref name="history"/>: <paramref name="rows"/> × InputChannels row-major values
    /// in original units (targets first, then covariates), of which the last L rows are used. Returns H × C row-major.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than L rows, or a length that is not rows × InputChannels.</exception>
    public float[] Predict(ReadOnlySpan<float> history, int rows)
    {
        int width = InputChannels;
        if (rows < Lookback)
            throw new ArgumentException($"Forecasting needs at least Lookback = {Lookback} rows of history (got {rows}).", nameof(rows));
        if (history.Length != (long)rows * width)
            throw new ArgumentException($"history holds {history.Length} values; {rows} rows × {width} channels = {(long)rows * width} were expected.", nameof(history));
        var result = new float[Horizon * TargetChannels];
        PredictBatch(history[((rows - Lookback) * width)..], 1, result);
        return result;
    }

    /// <summary>
    /// Deterministic forecasts for <paramref name="count"/> windows, each L × InputChannels row-major in original units,
    /// written to <paramref name="destination"/> as count × H × C row-major. Non-finite inputs, inputs beyond <see cref="MaxStandardScore"/>
    /// training standard deviations, and outputs that overflow float give NaN forecasts (never ±∞).
    /// </summary>
    public void PredictBatch(ReadOnlySpan<float> windows, int count, Span<float> destination)
    {
        CheckBatch(windows, count, destination);
        int inSize = Lookback * InputChannels, outSize = Horizon * TargetChannels;
        float[]? buffer = null;
        for (int start = 0; start < count; start += BlockSize)
        {
            int n = Math.Min(BlockSize, count - start);
            if (buffer is null || buffer.Length != n * inSize) buffer = new float[n * inSize];
            Scaler.Transform(windows.Slice(start * inSize, n * inSize), buffer, InputChannels);
            TreatExtremeAsMissing(buffer);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var x = torch.tensor(buffer, new long[] { n, Lookback, InputChannels });
            var y = Module.Forward(x, ForwardContext.Inference).contiguous();
            ReadOutput(y, destination.Slice(start * outSize, n * outSize));
        }
    }

    /// <summary>
    /// Monte-Carlo dropout forecasts: for window j the <paramref name="samples"/> dropout samples draw from a generator
    /// seeded from (<paramref name="baseSeed"/>, <paramref name="firstRowIndex"/> + j), so results do not depend on how
    /// the windows are split into calls or threads; the samples are averaged into <paramref name="destination"/>
    /// (count × H × C row-major, original units).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no dropout (Spec.DropoutRate = 0).</exception>
    public void PredictMonteCarlo(ReadOnlySpan<float> windows, int count, Span<float> destination, int samples, long baseSeed, long firstRowIndex)
    {
        CheckBatch(windows, count, destination);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "At least one Monte-Carlo sample is needed.");
        MonteCarlo(windows, count, destination, default, default, samples, -1, -1, baseSeed, firstRowIndex);
    }

    /// <summary>
    /// Monte-Carlo dropout forecasts with the samples' spread as an interval: <paramref name="destination"/> gets the
    /// sample mean (identical to <see cref="PredictMonteCarlo"/>) and <paramref name="lower"/>/<paramref name="upper"/> the
    /// empirical (1 − confidence)/2 and (1 + confidence)/2 quantiles of the samples (nearest-rank), in original units. The
    /// spread reflects model (dropout) uncertainty only, not the noise of the series, so it usually under-covers; split-conformal
    /// intervals are the calibrated choice. The ranks ⌊(1 − c)/2·samples⌋ and ⌈(1 + c)/2·samples⌉ − 1 are computed exactly from
    /// the confidence as written (0.8 is 0.8, not its binary neighbour).
    /// </summary>
    public void PredictMonteCarloInterval(ReadOnlySpan<float> windows, int count, Span<float> destination, Span<float> lower, Span<float> upper,
        int samples, double confidence, long baseSeed, long firstRowIndex)
    {
        CheckBatch(windows, count, destination);
        if (lower.Length != destination.Length || upper.Length != destination.Length)
            throw new ArgumentException($"lower and upper need {destination.Length} values each, like destination.", nameof(lower));
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, "An interval from the sample spread needs at least 2 Monte-Carlo samples.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be in (0, 1), e.g. 0.9.");
        var (lo, hi) = QuantileRank.CentralInterval(samples, confidence);
        MonteCarlo(windows, count, destination, lower, upper, samples, lo, hi, baseSeed, firstRowIndex);
    }

    /// <summary>
    /// The MC-dropout loop shared by <see cref="PredictMonteCarlo"/> and <see cref="PredictMonteCarloInterval"/>: window j's
    /// samples draw from a generator seeded from (baseSeed, firstRowIndex + j); the mean goes to <paramref name="destination"/>
    /// and, when <paramref name="lo"/> ≥ 0, the nearest-rank sample quantiles <paramref name="lo"/>/<paramref name="hi"/> to the bounds.
    /// </summary>
    private void MonteCarlo(ReadOnlySpan<float> windows, int count, Span<float> destination, Span<float> lower, Span<float> upper,
        int samples, int lo, int hi, long baseSeed, long firstRowIndex)
    {
        if (!(Spec.DropoutRate > 0))
            throw new InvalidOperationException("Monte-Carlo dropout needs a model trained with dropout (Spec.DropoutRate > 0); this model has none. Use PredictBatch.");
        int inSize = Lookback * InputChannels, outSize = Horizon * TargetChannels;
        var buffer = new float[inSize];
        using var generator = new Generator(0, torch.CPU);
        var context = ForwardContext.MonteCarloSample(generator);
        for (int j = 0; j < count; j++)
        {
            Scaler.Transform(windows.Slice(j * inSize, inSize), buffer, InputChannels);
            TreatExtremeAsMissing(buffer);
            generator.manual_seed(SeedMixer.Mix(baseSeed, firstRowIndex + j));
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var x = torch.tensor(buffer, new long[] { 1, Lookback, InputChannels }).expand(samples, Lookback, InputChannels).contiguous();
            var y = Module.Forward(x, context);
            ReadOutput(y.mean(new long[] { 0 }, keepdim: true).contiguous(), destination.Slice(j * outSize, outSize));
            if (lo < 0) continue;
            var sorted = y.sort(0).Values;
            ReadOutput(sorted[lo].unsqueeze(0).contiguous(), lower.Slice(j * outSize, outSize));
            ReadOutput(sorted[hi].unsqueeze(0).contiguous(), upper.Slice(j * outSize, outSize));
        }
    }

    /// <summary>
    /// Residuals y − ŷ (original units, deterministic forecasts) of windows [<paramref name="firstWindow"/>,
    /// <paramref name="firstWindow"/> + <paramref name="count"/>) of <paramref name="data"/>, skipping windows whose targets
    /// were imputed. Window i uses rows i..i+L−1 and predicts rows i+L..i+L+H−1.
    /// </summary>
    public WindowResiduals Residuals(TimeSeriesData data, int firstWindow, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.TargetChannels != TargetChannels || data.InputChannels != InputChannels)
            throw new ArgumentException($"The series has {data.TargetChannels} target and {data.CovariateChannels} covariate channels; the model expects {TargetChannels} and {Spec.CovariateChannels}.", nameof(data));
        int available = data.WindowCount(Lookback, Horizon);
        if (firstWindow < 0 || count < 0 || (long)firstWindow + count > Math.Max(0, available))
            throw new ArgumentOutOfRangeException(nameof(count), $"Windows [{firstWindow}, {(long)firstWindow + count}) are outside the series' {Math.Max(0, available)} windows.");
        var used = Enumerable.Range(firstWindow, count).Where(w => !data.WindowHasImputedTargets(w, Lookback, Horizon)).ToArray();
        int width = InputChannels, inSize = Lookback * width, outSize = Horizon * TargetChannels;
        var inputs = new float[(long)used.Length * inSize];
        data.CopyWindows(used, Lookback, inputs);
        var forecasts = new float[(long)used.Length * outSize];
        PredictBatch(inputs, used.Length, forecasts);
        for (int k = 0; k < used.Length; k++)
        {
            for (int c = 0; c < TargetChannels; c++)
            {
                var target = data.Target(c);
                for (int h = 0; h < Horizon; h++)
                {
                    long at = (long)k * outSize + h * TargetChannels + c;
                    forecasts[at] = target[used[k] + Lookback + h] - forecasts[at];
                }
            }
        }
        return new WindowResiduals(used, forecasts, Horizon, TargetChannels);
    }

    /// <summary>Releases the module.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Interlocked.Exchange(ref _resumeState, null)?.Dispose();
        Module.Dispose();
    }

    /// <summary>
    /// Inputs further than this many training standard deviations from the training mean (after the model's scaler) are
    /// treated like a missing value at forecast time: the windows that hold one are forecast as NaN ("no forecast").
    /// A network has never seen anything near them, so any number it returned would be an extrapolation without meaning.
    /// </summary>
    public const float MaxStandardScore = 10_000f;

    private static void TreatExtremeAsMissing(Span<float> scaled)
    {
        foreach (ref float v in scaled)
            if (Math.Abs(v) > MaxStandardScore) v = float.NaN;
    }

    private void ReadOutput(Tensor y, Span<float> destination)
    {
        using var host = HostBytes.Read(y);
        var values = MemoryMarshal.Cast<byte, float>(host.Bytes);
        if (values.Length != destination.Length)
            throw new InvalidOperationException($"The module returned {values.Length} values; {destination.Length} (batch × Horizon × TargetChannels) were expected. Check the module's output shape (B, H, C).");
        Scaler.Inverse(values, destination, TargetChannels);
        // An overflow (e.g. a finite but extreme input) must read as "no forecast" (NaN), never as ±∞.
        foreach (ref float v in destination)
            if (float.IsInfinity(v)) v = float.NaN;
    }

    private void CheckBatch(ReadOnlySpan<float> windows, int count, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or more.");
        long inSize = (long)Lookback * InputChannels, outSize = (long)Horizon * TargetChannels;
        if (windows.Length != count * inSize)
            throw new ArgumentException($"windows holds {windows.Length} values; {count} windows × {Lookback} rows × {InputChannels} channels = {count * inSize} were expected.", nameof(windows));
        if (destination.Length < count * outSize)
            throw new ArgumentException($"destination holds {destination.Length} values; {count} × {Horizon} × {TargetChannels} = {count * outSize} are needed.", nameof(destination));
    }
}
