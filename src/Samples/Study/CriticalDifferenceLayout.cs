namespace Samples.Study;

/// <summary>
/// Geometry of a critical-difference diagram (Demšar 2006): methods placed on a rank axis at their average rank,
/// best half labelled on the left, the rest on the right, and bars joining every maximal group of methods whose
/// average ranks differ by less than the critical difference (not significantly different by Nemenyi).
/// </summary>
public sealed class CriticalDifferenceLayout
{
    private CriticalDifferenceLayout(IReadOnlyList<(string Name, double Rank)> methods, IReadOnlyList<(int First, int Last)> groups, double cd, int k)
    {
        Methods = methods;
        Groups = groups;
        CriticalDifference = cd;
        K = k;
    }

    /// <summary>Methods sorted by average rank (best first), each with its x position (= its average rank).</summary>
    public IReadOnlyList<(string Name, double Rank)> Methods { get; }

    /// <summary>Maximal groups (indices into <see cref="Methods"/>, inclusive) whose rank range is below the CD.</summary>
    public IReadOnlyList<(int First, int Last)> Groups { get; }

    /// <summary>The critical difference (NaN: no bars).</summary>
    public double CriticalDifference { get; }

    /// <summary>Number of methods; the axis runs from 1 to k.</summary>
    public int K { get; }

    /// <summary>Whether method <paramref name="index"/> is labelled on the left (the better half).</summary>
    public bool IsLeft(int index) => index < (K + 1) / 2;

    /// <summary>Computes the layout.</summary>
    public static CriticalDifferenceLayout Compute(IReadOnlyDictionary<string, double> averageRanks, double criticalDifference)
    {
        ArgumentNullException.ThrowIfNull(averageRanks);
        if (averageRanks.Count < 2) throw new ArgumentException("A critical-difference diagram needs at least 2 methods.", nameof(averageRanks));
        var methods = averageRanks.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
        var groups = new List<(int, int)>();
        if (!double.IsNaN(criticalDifference))
        {
            int lastEnd = -1;
            for (int i = 0; i < methods.Count; i++)
            {
                int j = i;
                while (j + 1 < methods.Count && methods[j + 1].Value - methods[i].Value < criticalDifference) j++;
                if (j > i && j > lastEnd)
                {
                    groups.Add((i, j));
                    lastEnd = j;
                }
            }
        }
        return new CriticalDifferenceLayout(methods, groups, criticalDifference, methods.Count);
    }
}
