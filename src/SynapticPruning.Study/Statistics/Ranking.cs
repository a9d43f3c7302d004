namespace SynapticPruning.Study.Statistics;

/// <summary>
/// Ranks treatments within blocks, lower value = better = rank 1, with tied values receiving the average of the
/// ranks they span (e.g. values [0.71, 0.66, 0.71] → ranks [2.5, 1, 2.5]); average ranks over blocks
/// R̄ⱼ = (1/N) Σᵢ r_{ij}.
/// </summary>
/// <remarks>
/// Ties use exact equality of the values. Note: the paper's <c>Analysis.py</c> uses pandas' <c>rank(method='min')</c>
/// for its rank table; average ranks are what the Friedman statistic requires and are used here throughout.
/// </remarks>
public static class Ranking
{
    /// <summary>Average ranks of one block (1 = lowest value). NaN values are rejected.</summary>
    public static double[] RankWithinBlock(ReadOnlySpan<double> values)
    {
        int k = values.Length;
        for (int i = 0; i < k; i++)
            if (double.IsNaN(values[i]))
                throw new ArgumentException($"Value {i} of the block is NaN; every treatment needs a value in every block.", nameof(values));
        int[] order = new int[k];
        for (int i = 0; i < k; i++) order[i] = i;
        double[] copy = values.ToArray();
        Array.Sort(order, (a, b) => copy[a] != copy[b] ? copy[a].CompareTo(copy[b]) : a.CompareTo(b));
        var ranks = new double[k];
        for (int i = 0; i < k;)
        {
            int j = i;
            while (j + 1 < k && copy[order[j + 1]] == copy[order[i]]) j++;
            double average = (i + j) / 2.0 + 1; // positions i..j hold ranks i+1..j+1
            for (int t = i; t <= j; t++) ranks[order[t]] = average;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>Sizes t of the groups of tied values in one block (only groups with t ≥ 2).</summary>
    public static int[] TieGroupSizes(ReadOnlySpan<double> values)
    {
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        var sizes = new List<int>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[i]) j++;
            if (j > i) sizes.Add(j - i + 1);
            i = j + 1;
        }
        return sizes.ToArray();
    }

    /// <summary>
    /// Average ranks R̄ⱼ over blocks of a blocks × treatments matrix (each row one block, each column one treatment).
    /// </summary>
    public static double[] AverageRanks(double[][] blocksByTreatments)
    {
        int k = ValidateMatrix(blocksByTreatments, nameof(blocksByTreatments));
        var sums = new double[k];
        foreach (double[] row in blocksByTreatments)
        {
            double[] r = RankWithinBlock(row);
            for (int j = 0; j < k; j++) sums[j] += r[j];
        }
        for (int j = 0; j < k; j++) sums[j] /= blocksByTreatments.Length;
        return sums;
    }

    internal static int ValidateMatrix(double[][] matrix, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.Length == 0) throw new ArgumentException("At least one block (row) is required.", name);
        if (matrix[0] is null) throw new ArgumentException("Block 0 is null.", name);
        int k = matrix[0].Length;
        for (int i = 0; i < matrix.Length; i++)
        {
            if (matrix[i] is null) throw new ArgumentException($"Block {i} is null.", name);
            if (matrix[i].Length != k)
                throw new ArgumentException($"Block {i} has {matrix[i].Length} treatments but block 0 has {k}; every block needs one value per treatment.", name);
        }
        return k;
    }
}
