using Microsoft.ML.Data;

namespace Microsoft.ML.SynapticPruning.Tests.MLNet;

/// <summary>One row of the bundled Bitcoin file as the ML.NET text loader reads it.</summary>
public sealed class BtcRow
{
    [LoadColumn(0)] public string TimeOpen { get; set; } = "";
    [LoadColumn(1)] public float Open { get; set; }
    [LoadColumn(4)] public float Close { get; set; }
    [LoadColumn(5)] public float Volume { get; set; }
}

/// <summary>A synthetic row: value, a covariate and a time index.</summary>
public sealed class SeriesRow
{
    public float Value { get; set; }
    public float Other { get; set; }
    public double Time { get; set; }
}

internal static class ForecastingTestData
{
    /// <summary>The bundled Bitcoin file, copied next to the test assembly (the test projects link data/ into their output).</summary>
    public static string BitcoinCsv => Path.Combine(AppContext.BaseDirectory, "data", "bitcoin", "bitcoin.csv");

    public static IDataView LoadBitcoin(MLContext ml) => ml.Data.LoadFromTextFile<BtcRow>(BitcoinCsv, separatorChar: ',', hasHeader: true);

    /// <summary>Noisy sine with a daily-like period of 24 and a slow covariate.</summary>
    public static SeriesRow[] NoisySine(int n, int seed = 7, double noise = 0.1)
    {
        var rng = new Random(seed);
        var rows = new SeriesRow[n];
        for (int i = 0; i < n; i++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            rows[i] = new SeriesRow { Value = (float)(10 + Math.Sin(2 * Math.PI * i / 24.0) + noise * g), Other = (float)Math.Cos(i / 50.0), Time = i };
        }
        return rows;
    }

    public static float[][] ReadVectors(IDataView view, string column)
    {
        var col = view.Schema[column];
        var result = new List<float[]>();
        using var cursor = view.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            result.Add(buffer.DenseValues().ToArray());
        }
        return result.ToArray();
    }

    public static bool BitIdentical(float[][] a, float[][] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i].Length != b[i].Length) return false;
            for (int j = 0; j < a[i].Length; j++)
                if (BitConverter.SingleToInt32Bits(a[i][j]) != BitConverter.SingleToInt32Bits(b[i][j])) return false;
        }
        return true;
    }
}
