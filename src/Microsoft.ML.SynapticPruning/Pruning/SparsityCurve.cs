namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// The shape of a sparsity ramp: maps schedule progress p ∈ [0, 1] to a sparsity between an initial and a final value.
/// Use the shared instances <see cref="Paper"/> and <see cref="ZhuGupta"/>.
/// </summary>
public abstract class SparsityCurve
{
    private protected SparsityCurve() { }

    /// <summary>The paper's cubic ramp: s = s_i + (s_f − s_i)·p³ (slow start, steep end).</summary>
    public static SparsityCurve Paper { get; } = new PaperCurve();

    /// <summary>Zhu &amp; Gupta (2017) cubic ramp: s = s_f + (s_i − s_f)·(1 − p)³ (steep start, flat end).</summary>
    public static SparsityCurve ZhuGupta { get; } = new ZhuGuptaCurve();

    /// <summary>A short name for logs and reports.</summary>
    public abstract string Name { get; }

    /// <summary>The sparsity at progress <paramref name="progress"/> (clipped to [0, 1]).</summary>
    public double Evaluate(double initialSparsity, double finalSparsity, double progress)
    {
        double p = double.IsNaN(progress) ? 0 : Math.Clamp(progress, 0.0, 1.0);
        return EvaluateCore(initialSparsity, finalSparsity, p);
    }

    /// <summary>Evaluates the curve at a progress already clipped to [0, 1].</summary>
    private protected abstract double EvaluateCore(double initial, double final, double p);

    /// <inheritdoc />
    public override string ToString() => Name;

    private sealed class PaperCurve : SparsityCurve
    {
        public override string Name => "Paper";
        private protected override double EvaluateCore(double initial, double final, double p) => initial + (final - initial) * p * p * p;
    }

    private sealed class ZhuGuptaCurve : SparsityCurve
    {
        public override string Name => "ZhuGupta";
        private protected override double EvaluateCore(double initial, double final, double p)
        {
            double q = 1.0 - p;
            return final + (initial - final) * q * q * q;
        }
    }
}
