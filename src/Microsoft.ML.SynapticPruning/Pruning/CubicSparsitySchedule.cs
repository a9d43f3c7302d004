namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// The paper's epoch-based schedule: no pruning for the first <see cref="WarmupEpochs"/> epochs, then a cubic ramp
/// from <see cref="InitialSparsity"/> to <see cref="FinalSparsity"/>. The target is constant within an epoch.
/// </summary>
/// <remarks>
/// With 0-based epoch e, T = <see cref="MaxEpochs"/> and w = <see cref="WarmupEpochs"/>: s = 0 for e &lt; w; otherwise
/// p = clip((e − w)/(T − 1 − w), 0, 1) (<see cref="ProgressConvention.LastEpochReachesFinal"/>; p = 1 once e ≥ w when
/// T − 1 − w ≤ 0) or p = clip((e − w)/(T − w), 0, 1) (<see cref="ProgressConvention.AuthorsZeroBased"/>), and
/// s = <see cref="Curve"/>(s_i, s_f, p).
/// </remarks>
public sealed class CubicSparsitySchedule : SparsitySchedule
{
    /// <summary>Creates the schedule; see the class remarks for the formula.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A sparsity outside [0, 1), final &lt; initial, negative warm-up or <paramref name="maxEpochs"/> &lt; 1.</exception>
    public CubicSparsitySchedule(double initialSparsity, double finalSparsity, int warmupEpochs, int maxEpochs,
        SparsityCurve? curve = null, ProgressConvention convention = ProgressConvention.LastEpochReachesFinal)
    {
        ValidateSparsityPair(initialSparsity, finalSparsity, "InitialSparsity", "FinalSparsity");
        if (warmupEpochs < 0)
            throw new ArgumentOutOfRangeException("WarmupEpochs", warmupEpochs, $"WarmupEpochs must be 0 or more (got {warmupEpochs}).");
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException("MaxEpochs", maxEpochs, $"MaxEpochs must be at least 1 (got {maxEpochs}).");
        if (!Enum.IsDefined(convention))
            throw new ArgumentOutOfRangeException("Convention", convention, "Unknown ProgressConvention.");
        InitialSparsity = initialSparsity;
        FinalSparsity = finalSparsity;
        WarmupEpochs = warmupEpochs;
        MaxEpochs = maxEpochs;
        Curve = curve ?? SparsityCurve.Paper;
        Convention = convention;
    }

    /// <summary>Sparsity at the first pruning epoch.</summary>
    public double InitialSparsity { get; }

    /// <inheritdoc />
    public override double FinalSparsity { get; }

    /// <summary>Epochs without pruning at the start.</summary>
    public int WarmupEpochs { get; }

    /// <summary>Total number of epochs T the ramp is laid out over.</summary>
    public int MaxEpochs { get; }

    /// <summary>Ramp shape.</summary>
    public SparsityCurve Curve { get; }

    /// <summary>How epochs map to progress.</summary>
    public ProgressConvention Convention { get; }

    /// <summary>Progress p ∈ [0, 1] at the 0-based <paramref name="epoch"/> (0 before the warm-up ends).</summary>
    public double Progress(int epoch)
    {
        if (epoch < WarmupEpochs) return 0;
        double span = Convention == ProgressConvention.AuthorsZeroBased ? MaxEpochs - WarmupEpochs : MaxEpochs - 1 - WarmupEpochs;
        if (span <= 0) return 1;
        return Math.Clamp((epoch - WarmupEpochs) / span, 0.0, 1.0);
    }

    /// <inheritdoc />
    public override double TargetSparsity(int epoch, long step)
        => epoch < WarmupEpochs ? 0 : Curve.Evaluate(InitialSparsity, FinalSparsity, Progress(epoch));

    /// <inheritdoc />
    public override string ToString()
        => $"Cubic({Curve.Name}, {InitialSparsity}→{FinalSparsity}, warm-up {WarmupEpochs}, T {MaxEpochs}, {Convention})";
}
