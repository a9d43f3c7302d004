namespace Microsoft.ML.SynapticPruning.Data;

/// <summary>
/// Turns a <see cref="TimeSeriesTable"/> into a gap-filled target (with imputation flags) plus covariates, split
/// into clean segments.
/// </summary>
/// <remarks>
/// The study calls <c>Prepare(table, target, covariates, TimeSeriesPreparationOptions.Study())</c>: gaps of at
/// most 6 steps are interpolated linearly, longer gaps split the series, and imputed targets are flagged in
/// <see cref="PreparedSeries.Imputed"/> so that they are never scored.
/// </remarks>
public static class TimeSeriesPreparation
{
    /// <summary>Fills gaps in <paramref name="target"/> and <paramref name="covariates"/> and finds the segments where
    /// all of them are present.</summary>
    /// <param name="table">The table.</param>
    /// <param name="target">Target column name.</param>
    /// <param name="covariates">Covariate column names (may be empty); must not contain the target or repeat.</param>
    /// <param name="options">Missing-value handling; default <see cref="MissingValuePolicy.Error"/>.</param>
    /// <exception cref="ArgumentException">A column does not exist (the message lists the available ones), a name is
    /// repeated, or a value is missing under <see cref="MissingValuePolicy.Error"/>.</exception>
    public static PreparedSeries Prepare(TimeSeriesTable table, string target, IReadOnlyList<string>? covariates = null,
        TimeSeriesPreparationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrEmpty(target);
        covariates ??= [];
        options ??= new TimeSeriesPreparationOptions();
        if (options.MaxInterpolatedGap < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxInterpolatedGap, "MaxInterpolatedGap must be ≥ 0.");
        var seen = new HashSet<string>(StringComparer.Ordinal) { target };
        foreach (var c in covariates)
            if (!seen.Add(c))
                throw new ArgumentException(c == target
                    ? $"The target '{target}' is also listed as a covariate; the model sees the target's own history anyway. Remove it from the covariates."
                    : $"Covariate '{c}' is listed twice.", nameof(covariates));

        var lines = table.LineNumbers;
        var targetFill = GapFiller.Fill(table.Column(target), options.Policy, options.MaxInterpolatedGap, target, lines);
        var covFills = covariates.Select(c => GapFiller.Fill(table.Column(c), options.Policy, options.MaxInterpolatedGap, c, lines)).ToArray();

        int n = table.RowCount;
        var anyImputed = new bool[n];
        for (int r = 0; r < n; r++)
            anyImputed[r] = targetFill.Imputed[r] || covFills.Any(f => f.Imputed[r]);
        var segments = GapFiller.FindSegments(n, r => !double.IsNaN(targetFill.Values[r]) && covFills.All(f => !double.IsNaN(f.Values[r])));
        return new PreparedSeries(target, [.. covariates], targetFill.Values, targetFill.Imputed, anyImputed,
            covFills.Select(f => f.Values).ToArray(), table.Timestamps, lines, segments, startRow: 0);
    }

    /// <summary>The study's preparation with a chosen gap limit: linear interpolation of gaps of at most
    /// <paramref name="maxGap"/> rows, longer gaps split the series.</summary>
    public static PreparedSeries Prepare(TimeSeriesTable table, string target, IReadOnlyList<string>? covariates, int maxGap) =>
        Prepare(table, target, covariates, new TimeSeriesPreparationOptions { Policy = MissingValuePolicy.Interpolate, MaxInterpolatedGap = maxGap });
}
