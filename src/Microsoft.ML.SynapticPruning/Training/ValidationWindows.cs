using Microsoft.ML.SynapticPruning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// The windows a fit validates on: those of <see cref="SplitPlan.Validation"/> whose targets are not imputed, taken from the
/// external validation series or else from the training series, and their deterministic loss (<see cref="Loss"/>).
/// Owns the external validation series and the index tensor, not the training series.
/// </summary>
internal sealed class ValidationWindows : IDisposable
{
    private readonly WindowedSeries _trainSeries;
    private readonly WindowedSeries? _validationSeries;
    private readonly Tensor? _indices;

    private ValidationWindows(WindowedSeries trainSeries, WindowedSeries? validationSeries, Tensor? indices)
    {
        _trainSeries = trainSeries;
        _validationSeries = validationSeries;
        _indices = indices;
    }

    /// <summary>Windows the validation series (when there is one) and selects the validation windows of <paramref name="plan"/>.</summary>
    /// <param name="train">The training series (the validation part lies at its end when <paramref name="validation"/> is null).</param>
    /// <param name="validation">The external validation series, or null.</param>
    /// <param name="trainSeries">The windowed training series (not owned).</param>
    /// <param name="plan">The split.</param>
    /// <param name="scaler">The fit's scaler.</param>
    /// <param name="lookback">Window length.</param>
    /// <param name="horizon">Forecast steps.</param>
    public static ValidationWindows Create(TimeSeriesData train, TimeSeriesData? validation, WindowedSeries trainSeries, SplitPlan plan,
        ChannelScaler scaler, int lookback, int horizon)
    {
        var validationData = validation ?? train;
        var validationSeries = validation is null ? null : WindowedSeries.Create(validation, scaler, lookback, horizon);
        Tensor? indices = null;
        try
        {
            var windows = Enumerable.Range(plan.Validation.Start, plan.Validation.Count)
                .Where(w => !validationData.WindowHasImputedTargets(w, lookback, horizon))
                .Select(w => (long)w).ToArray();
            if (windows.Length > 0)
                indices = torch.tensor(windows, dtype: ScalarType.Int64).DetachFromDisposeScope();
            return new ValidationWindows(trainSeries, validationSeries, indices);
        }
        catch
        {
            validationSeries?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The mean squared error of <paramref name="module"/> over the validation windows (scaled units), without gradients and
    /// in inference mode, in batches of <paramref name="batchSize"/>; null when there are no validation windows. Leaves the
    /// module in training mode.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled between batches.</exception>
    public double? Loss(ForecastingNetwork module, int batchSize, CancellationToken cancellationToken)
    {
        if (_indices is null) return null;
        var series = _validationSeries ?? _trainSeries;
        module.eval();
        double sum = 0;
        long elements = 0;
        long count = _indices.shape[0];
        using (torch.no_grad())
        {
            for (long start = 0; start < count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long n = Math.Min(batchSize, count - start);
                using var scope = torch.NewDisposeScope();
                var index = _indices.narrow(0, start, n);
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

    /// <summary>Releases the index tensor and the external validation series.</summary>
    public void Dispose()
    {
        _indices?.Dispose();
        _validationSeries?.Dispose();
    }
}
