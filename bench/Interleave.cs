namespace SynapticPruning.Bench;

/// <summary>
/// Interleaved A/B blocks: block i runs A then B when i is even and B then A when odd (drift and contention hit both
/// sides alike), after one untimed warm-up block of each.
/// </summary>
internal static class Interleave
{
    /// <summary>Runs <paramref name="blocks"/> timed pairs; each delegate returns its own elapsed seconds (or a rate).</summary>
    public static (List<double> A, List<double> B) Run(int blocks, Func<double> a, Func<double> b, bool warmUp = true)
    {
        if (warmUp) { a(); b(); }
        var ta = new List<double>();
        var tb = new List<double>();
        for (int i = 0; i < blocks; i++)
        {
            if (i % 2 == 0) { ta.Add(a()); tb.Add(b()); }
            else { tb.Add(b()); ta.Add(a()); }
        }
        return (ta, tb);
    }

    /// <summary>Per-block ratios <paramref name="numerator"/>[i] / <paramref name="denominator"/>[i].</summary>
    public static List<double> Ratios(IReadOnlyList<double> numerator, IReadOnlyList<double> denominator)
        => numerator.Zip(denominator, (n, d) => n / d).ToList();
}
