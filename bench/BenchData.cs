using Microsoft.ML.SynapticPruning.Training;
using SynapticPruning.Study.Data;

namespace SynapticPruning.Bench;

/// <summary>Series used by the figures: deterministic synthetic ones, household power and ETTh1.</summary>
internal static class BenchData
{
    /// <summary>Daily + weekly sine with trend and seeded Gaussian noise (hourly-like), <paramref name="length"/> points.</summary>
    public static float[] Synthetic(int length, int seed = 7)
    {
        var rng = new Random(seed);
        var v = new float[length];
        for (int t = 0; t < length; t++)
        {
            double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            v[t] = (float)(10 + 3 * Math.Sin(2 * Math.PI * t / 24) + 1.5 * Math.Sin(2 * Math.PI * t / 168) + 0.0005 * t + 0.5 * noise);
        }
        return v;
    }

    /// <summary>
    /// Household power's target over all ~35k rows; the 782 missing hours (docs/data-layer.md: zero runs of ≥ 2 h are unrecorded minutes) are filled with the last
    /// observed value so the whole file is one series (a benchmark of memory, not of accuracy).
    /// </summary>
    public static float[] HouseholdPower()
    {
        var table = BundledDatasets.Load("household-power");
        var values = table.Column(BundledDatasets.HouseholdPower.TargetColumn);
        var result = new float[values.Length];
        double last = values.FirstOrDefault(double.IsFinite);
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i])) last = values[i];
            result[i] = (float)last;
        }
        return result;
    }

    /// <summary>ETTh1's 7 channels (HUFL, HULL, MUFL, MULL, LUFL, LULL, OT), first <paramref name="rows"/> rows.</summary>
    public static float[][] Etth1(int rows)
    {
        var table = BundledDatasets.Load("etth1");
        string[] names = { "HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT" };
        return names.Select(n => table.Column(n).Take(rows).Select(v => (float)v).ToArray()).ToArray();
    }

    /// <summary>Per-channel standardisation with statistics of the whole given range (row-major N × C floats).</summary>
    public static float[] ScaledRowMajor(float[][] channels)
    {
        int n = channels[0].Length, c = channels.Length;
        var result = new float[(long)n * c];
        for (int j = 0; j < c; j++)
        {
            double mean = channels[j].Average(v => (double)v);
            double std = Math.Sqrt(channels[j].Average(v => (v - mean) * (v - mean)));
            if (!(std > 0)) std = 1;
            for (int i = 0; i < n; i++) result[(long)i * c + j] = (float)((channels[j][i] - mean) / std);
        }
        return result;
    }

    public static TimeSeriesData Univariate(float[] values) => TimeSeriesData.Univariate(values);
}
