namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>The stopping tests of the <see cref="EarlyStoppingRule"/> values that depend on the whole loss history.</summary>
public static class EarlyStopping
{
    /// <summary>
    /// <see cref="EarlyStoppingRule.ConsecutiveNonDecreasing"/>: true when <paramref name="validationLosses"/> holds at
    /// least P + 1 losses (P = <paramref name="patience"/>) and each of the last P is not lower than the one before it;
    /// always false for P = 0 (never stop early). A NaN never counts as lower, as in the authors' Python (<c>a &lt; b</c> is false for NaN).
    /// </summary>
    /// <param name="validationLosses">The validation loss of every epoch so far, oldest first.</param>
    /// <param name="patience">P; 0 = never stop early, as for <see cref="EarlyStoppingRule.Patience"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="validationLosses"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patience"/> is negative.</exception>
    public static bool EndsNonDecreasing(IReadOnlyList<double> validationLosses, int patience)
    {
        ArgumentNullException.ThrowIfNull(validationLosses);
        if (patience < 0)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"patience must be 0 or more epochs (got {patience}).");
        if (patience == 0) return false;
        int p = patience, n = validationLosses.Count;
        if (n <= p) return false; // fewer than P + 1 losses (written without P + 1, which overflows for int.MaxValue)
        for (int i = n - p; i < n; i++)
            if (validationLosses[i] < validationLosses[i - 1]) return false;
        return true;
    }
}
