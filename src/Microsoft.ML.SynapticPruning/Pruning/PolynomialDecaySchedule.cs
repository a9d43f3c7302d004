namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// A step-based schedule in the manner of TensorFlow Model Optimization's <c>PolynomialDecay</c>: 0 before
/// <see cref="BeginStep"/>, then s = s_f + (s_i − s_f)·(1 − p)^power with p = clip((step − begin)/(end − begin), 0, 1).
/// Masks are updated every <see cref="Frequency"/> steps from <see cref="BeginStep"/> (this frequency replaces the
/// pruner's <see cref="PruningOptions.PruningInterval"/>), and once more at <see cref="EndStep"/> so that the final
/// sparsity is reached even when the interval does not divide the ramp.
/// </summary>
public sealed class PolynomialDecaySchedule : SparsitySchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid sparsities, steps, frequency or power.</exception>
    public PolynomialDecaySchedule(double initialSparsity, double finalSparsity, long beginStep, long endStep, int frequency, double power = 3)
    {
        ValidateSparsityPair(initialSparsity, finalSparsity, "InitialSparsity", "FinalSparsity");
        if (beginStep < 0)
            throw new ArgumentOutOfRangeException("BeginStep", beginStep, $"BeginStep must be 0 or more (got {beginStep}).");
        if (endStep <= beginStep)
            throw new ArgumentOutOfRangeException("EndStep", endStep, $"EndStep ({endStep}) must be greater than BeginStep ({beginStep}).");
        if (frequency < 1)
            throw new ArgumentOutOfRangeException("Frequency", frequency, $"Frequency must be at least 1 optimizer step (got {frequency}).");
        if (!(power > 0) || double.IsInfinity(power))
            throw new ArgumentOutOfRangeException("Power", power, $"Power must be a positive finite number (got {power}).");
        InitialSparsity = initialSparsity;
        FinalSparsity = finalSparsity;
        BeginStep = beginStep;
        EndStep = endStep;
        Frequency = frequency;
        Power = power;
    }

    /// <summary>Sparsity at <see cref="BeginStep"/>.</summary>
    public double InitialSparsity { get; }

    /// <inheritdoc />
    public override double FinalSparsity { get; }

    /// <summary>First step (1-based global optimizer step) at which pruning happens.</summary>
    public long BeginStep { get; }

    /// <summary>Step at which the final sparsity is reached.</summary>
    public long EndStep { get; }

    /// <summary>Mask updates happen every this many steps from <see cref="BeginStep"/>.</summary>
    public int Frequency { get; }

    /// <summary>Exponent of the decay (3 = cubic).</summary>
    public double Power { get; }

    /// <inheritdoc />
    public override double TargetSparsity(int epoch, long step)
    {
        if (step < BeginStep) return 0;
        double p = Math.Clamp((double)(step - BeginStep) / (EndStep - BeginStep), 0.0, 1.0);
        return FinalSparsity + (InitialSparsity - FinalSparsity) * Math.Pow(1.0 - p, Power);
    }

    /// <inheritdoc />
    public override bool IsUpdateStep(long step, int updateInterval)
        => step >= BeginStep && ((step - BeginStep) % Frequency == 0 || step == EndStep);

    /// <inheritdoc />
    public override string ToString()
        => $"PolynomialDecay({InitialSparsity}→{FinalSparsity}, steps {BeginStep}..{EndStep} every {Frequency}, power {Power})";
}
