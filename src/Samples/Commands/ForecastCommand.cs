using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SynapticPruning.Study.Data;

namespace Samples.Commands;

/// <summary>
/// Loads a saved model (.zip) in this fresh process and prints its forecasts for the last rows of the bundled Bitcoin data
/// (or another CSV with the same columns), one line per row and step with the exact float bits, so another process can
/// check save/load is bit-identical.
/// </summary>
internal static class ForecastCommand
{
    public static int Run(string[] args)
    {
        var cl = new CommandLine(args);
        string model = cl.String("model") ?? throw new ArgumentException("--model FILE.zip is required.");
        string csv = cl.String("data") ?? Path.Combine(BundledDatasets.FindDataRoot(), "bitcoin", "bitcoin.csv");
        int last = cl.Int("rows", 10);
        string column = cl.String("column", "Forecast");
        cl.RejectUnknown();

        var ml = new MLContext();
        var loaded = ml.Model.LoadForecaster(model, out _); // checks the file (and the assemblies it names) before ML.NET loads it
        var data = ml.Data.LoadFromTextFile<BitcoinRow>(csv, separatorChar: ',', hasHeader: true);
        var scored = loaded.Transform(data);
        var col = scored.Schema[column];
        var rows = new List<float[]>();
        using (var cursor = scored.GetRowCursor(new[] { col }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(col);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                rows.Add(buffer.DenseValues().ToArray());
            }
        }
        for (int r = Math.Max(0, rows.Count - last); r < rows.Count; r++)
            for (int h = 0; h < rows[r].Length; h++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r},{h},{rows[r][h]:R},{BitConverter.SingleToInt32Bits(rows[r][h]):X8}"));
        return 0;
    }
}
