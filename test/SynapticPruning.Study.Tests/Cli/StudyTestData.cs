using Microsoft.ML.SynapticPruning.Data;
using Samples.Study;

namespace SynapticPruning.Study.Tests.Cli;

internal static class StudyTestData
{
    /// <summary>A synthetic daily series of <paramref name="rows"/> rows (a sine plus a trend); rows listed in
    /// <paramref name="missing"/> are NaN before preparation.</summary>
    public static StudyDataset Synthetic(string name, int rows, StudyProtocol protocol, int season = 7, params int[] missing) =>
        Make(name, rows, protocol, season, missing, backtestFolds: 1);

    /// <summary>The rigorous synthetic series of <see cref="Synthetic"/> with a rolling-origin backtest of <paramref name="folds"/> folds.</summary>
    public static StudyDataset SyntheticWithFolds(string name, int rows, int folds) =>
        Make(name, rows, StudyProtocol.Rigorous, 7, [], folds);

    private static StudyDataset Make(string name, int rows, StudyProtocol protocol, int season, int[] missing, int backtestFolds)
    {
        var y = Enumerable.Range(0, rows).Select(i => 100 + 0.1 * i + 5 * Math.Sin(2 * Math.PI * i / season)).ToArray();
        foreach (int m in missing) y[m] = double.NaN;
        var ts = Enumerable.Range(0, rows).Select(i => new DateTime(2020, 1, 1).AddDays(i)).ToArray();
        var table = new TimeSeriesTable(["y"], [y], ts);
        return StudyDataLoader.Prepare(name, table, "y", [], season, protocol, quick: false, notes: [], backtestFolds);
    }

    public static StudyResultRow Row(string dataset, string model, string method, int lookback, int seed, double mae, double naive, int horizon = 1)
    {
        bool baseline = StudyMethods.IsBaseline(method);
        return new StudyResultRow
        {
            Id = StudyTrial.MakeId(StudyProtocol.Rigorous, dataset, "full", model, method, lookback, horizon, seed, 20),
            Protocol = StudyProtocol.Rigorous, Dataset = dataset, DataVariant = "full", Model = model, Method = method, IsBaseline = baseline,
            Lookback = lookback, Horizon = horizon, Seed = seed, MaxEpochs = 20, Mae = mae, Rmse = mae * 1.2, Mape = 1, NaiveMae = naive,
            TrainSeconds = 0.5, Epochs = 10, FinalSparsity = StudyMethods.IsPruning(method) ? 0.6 : 0,
            LayerSparsity = StudyMethods.IsPruning(method) ? new Dictionary<string, double> { ["rnn.weight_hh_l0"] = 0.55, ["head.weight"] = 0.7 } : new Dictionary<string, double>(),
        };
    }
}
