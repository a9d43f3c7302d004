using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SynapticPruning.Tests.Conformance;

/// <summary>
/// Collects the comparisons of one grid run (model output vs reference) so that a single failing test lists every
/// non-conforming shape with its worst element, instead of stopping at the first one.
/// </summary>
internal sealed class ConformanceReport
{
    private readonly List<string> _failures = new();

    /// <summary>Number of cases compared so far.</summary>
    public int Cases { get; private set; }

    /// <summary>The largest |actual − expected| / allowance seen over all cases (≤ 1 when everything conforms).</summary>
    public double WorstRatio { get; private set; }

    /// <summary>The case that produced <see cref="WorstRatio"/>.</summary>
    public string WorstCase { get; private set; } = "";

    /// <summary>The failure lines so far.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>
    /// Compares <paramref name="actual"/> (the model) with <paramref name="expected"/> (the reference) element by element
    /// with <see cref="ConformanceTolerance"/>; a non-finite model value is always a failure.
    /// </summary>
    public void Compare(string caseName, Tensor actual, Tensor expected)
    {
        Cases++;
        using var scope = torch.NewDisposeScope();
        if (!actual.shape.SequenceEqual(expected.shape))
        {
            _failures.Add($"{caseName}: output shape ({string.Join(", ", actual.shape)}) but the reference has ({string.Join(", ", expected.shape)})");
            return;
        }
        var a = actual.detach().to_type(ScalarType.Float64);
        var e = expected.detach().to_type(ScalarType.Float64);
        var difference = (a - e).abs();
        var allowance = e.abs() * ConformanceTolerance.Relative + ConformanceTolerance.Absolute;
        var ratio = torch.where(difference.isfinite(), difference / allowance, torch.full_like(difference, double.PositiveInfinity));
        var worstIndex = ratio.flatten().argmax().item<long>();
        double worstRatio = ratio.flatten()[worstIndex].item<double>();
        if (Cases == 1 || worstRatio > WorstRatio)
        {
            WorstRatio = worstRatio;
            WorstCase = caseName;
        }
        if (worstRatio <= 1) return;

        long bad = ratio.gt(1).sum().item<long>();
        var position = Unravel(worstIndex, actual.shape);
        _failures.Add(
            $"{caseName}: {bad} of {a.numel()} outputs outside {ConformanceTolerance.Absolute:g} + {ConformanceTolerance.Relative:g}·|ref|; "
            + $"worst at ({string.Join(", ", position)}): model {a.flatten()[worstIndex].item<double>():g9}, reference {e.flatten()[worstIndex].item<double>():g9}, "
            + $"|Δ| = {difference.flatten()[worstIndex].item<double>():g4}");
    }

    /// <summary>One line for the test log: cases compared and the worst |Δ|/allowance.</summary>
    public string Summary => $"{Cases} cases; worst |Δ|/allowance = {WorstRatio:g3} ({WorstCase})";

    /// <summary>Every recorded mismatch, one per line, for the assertion message.</summary>
    public string FailureMessage =>
        $"{_failures.Count} of {Cases} cases do not match the textbook reference:{Environment.NewLine}{string.Join(Environment.NewLine, _failures)}";

    private static long[] Unravel(long index, long[] shape)
    {
        var position = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            position[d] = index % shape[d];
            index /= shape[d];
        }
        return position;
    }
}
