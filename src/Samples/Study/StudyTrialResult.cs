namespace Samples.Study;

/// <summary>
/// What a runner returns for one trial. All errors in original units of the target, over the scored test windows
/// (<see cref="StudySplit.TestOrigins"/>, every horizon step pooled).
/// </summary>
public sealed record StudyTrialResult
{
    /// <summary>Mean absolute error on the test windows.</summary>
    public required double Mae { get; init; }

    /// <summary>Root mean squared error on the test windows.</summary>
    public required double Rmse { get; init; }

    /// <summary>MAPE in percent (|y| &lt; ε skipped), NaN when not computed.</summary>
    public double Mape { get; init; } = double.NaN;

    /// <summary>MAE of the naive (last value) forecast on exactly the same test windows and steps.</summary>
    public required double NaiveMae { get; init; }

    /// <summary>Wall-clock training seconds (0 for the naive baselines).</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Epochs actually run (early stopping may stop before <see cref="StudyTrial.MaxEpochs"/>; 0 for baselines without training).</summary>
    public int EpochsRun { get; init; }

    /// <summary>Global sparsity of the returned model's prunable weights (0 for unpruned models).</summary>
    public double FinalSparsity { get; init; }

    /// <summary>Final sparsity per prunable tensor (parameter name → fraction of zeros). Empty for unpruned models.</summary>
    public IReadOnlyDictionary<string, double> LayerSparsity { get; init; } = new Dictionary<string, double>();

    /// <summary>Global sparsity at the end of every epoch run (0-based epoch, sparsity). Empty for unpruned models.</summary>
    public IReadOnlyList<SparsityPoint> SparsityHistory { get; init; } = [];

    /// <summary>The actual target at the first horizon step of every scored test window, in window order; optional
    /// (the report plots it for the best model). Kept for the first seed only.</summary>
    public float[]? TestActual { get; init; }

    /// <summary>The forecast of the first horizon step of every scored test window, aligned with <see cref="TestActual"/>.</summary>
    public float[]? TestForecast { get; init; }
}

/// <summary>Global sparsity at the end of one epoch.</summary>
/// <param name="Epoch">0-based epoch index.</param>
/// <param name="Sparsity">Fraction of prunable weights that are zero.</param>
public readonly record struct SparsityPoint(int Epoch, double Sparsity);
