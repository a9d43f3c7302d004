namespace Samples.Study;

/// <summary>
/// Where a protocol trains, stops early, fits the scaler and scores, for one (lookback, horizon), as row indices of
/// <see cref="StudyDataset.Series"/> (0-based; ends exclusive). A window with origin t uses rows t − L + 1 … t and
/// forecasts rows t + 1 … t + H.
/// </summary>
/// <remarks>
/// <para><b>Rigorous</b>: rows [0, ⌊0.7n⌋) train, [⌊0.7n⌋, ⌊0.8n⌋) validation, [⌊0.8n⌋, n) test. A window belongs to a
/// part when all its targets lie in that part; its history may reach back into the previous part, so no part loses
/// its first L rows. The scaler is fitted on the training rows.</para>
/// <para><b>Paper</b>: the n − L − H + 1 windows are split 80/20 in time order (the first ⌊0.8W⌋ train); the last 20%
/// are both the validation part (early stopping) and the test part. The scaler is fitted on the whole series.</para>
/// <para><b>Authors</b>: as Paper (their <c>create_sequences</c> and <c>train_test_split_ts</c>: windows X[i, i + L) → y[i + L]
/// for i &lt; n − L, the first ⌊0.8W⌋ train, the rest validates and is scored).</para>
/// <para>Validation and test origins never include a window whose targets were imputed.</para>
/// </remarks>
public sealed record StudySplit
{
    /// <summary>Lookback L the split was computed for.</summary>
    public required int Lookback { get; init; }

    /// <summary>Horizon H the split was computed for.</summary>
    public required int Horizon { get; init; }

    /// <summary>End (exclusive) of the rows whose values are training targets.</summary>
    public required int TrainEnd { get; init; }

    /// <summary>First validation target row.</summary>
    public required int ValidationStart { get; init; }

    /// <summary>End (exclusive) of the validation target rows.</summary>
    public required int ValidationEnd { get; init; }

    /// <summary>First test target row.</summary>
    public required int TestStart { get; init; }

    /// <summary>End (exclusive) of the test target rows (the series length, or the end of a backtest fold's test block).</summary>
    public required int TestEnd { get; init; }

    /// <summary>First row the scaler is fitted on.</summary>
    public required int ScalerStart { get; init; }

    /// <summary>End (exclusive) of the rows the scaler is fitted on.</summary>
    public required int ScalerEnd { get; init; }

    /// <summary>The scaler policy these rows implement.</summary>
    public required StudyScalerPolicy ScalerPolicy { get; init; }

    /// <summary>Whether the validation part is the test part (the paper protocol's flaw).</summary>
    public required bool ValidationIsTest { get; init; }

    /// <summary>Origins of the training windows, ascending.</summary>
    public required IReadOnlyList<int> TrainOrigins { get; init; }

    /// <summary>Origins of the validation windows (early stopping), ascending; imputed targets excluded.</summary>
    public required IReadOnlyList<int> ValidationOrigins { get; init; }

    /// <summary>Origins of the scored test windows, ascending; imputed targets excluded.</summary>
    public required IReadOnlyList<int> TestOrigins { get; init; }

    /// <summary>Number of test windows left out because a target was imputed.</summary>
    public int ImputedTestWindows { get; init; }
}
