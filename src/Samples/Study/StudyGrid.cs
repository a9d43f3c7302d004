namespace Samples.Study;

/// <summary>The trials of one run and the (dataset, lookback, horizon) combinations left out.</summary>
/// <param name="Trials">Trials in run order (per dataset, lookback and horizon: baselines, then each model with every arm per seed).</param>
/// <param name="Skipped">Human-readable notes on combinations that a dataset is too short for.</param>
public sealed record StudyPlan(IReadOnlyList<StudyTrial> Trials, IReadOnlyList<string> Skipped)
{
    /// <summary>Number of trials.</summary>
    public int Count => Trials.Count;
}

/// <summary>Enumerates the study grid.</summary>
public static class StudyGrid
{
    /// <summary>
    /// The trials of <paramref name="options"/> over <paramref name="datasets"/>: for every dataset, lookback and horizon
    /// the dataset supports, the baselines (naive, seasonal naive and FastTree for the first seed only — they are
    /// deterministic — and DLinear for every seed) and every model × arm × seed.
    /// </summary>
    public static StudyPlan Enumerate(StudyOptions options, IReadOnlyList<StudyDataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(datasets);
        var settings = options.Rung?.Settings ?? StudyTrainingSettings.For(options.Protocol);
        var arms = options.Methods.Where(m => !StudyMethods.IsBaseline(m)).OrderBy(StudyMethods.Order).ToArray();
        var baselines = options.Methods.Where(StudyMethods.IsBaseline).OrderBy(StudyMethods.Order).ToArray();
        var trials = new List<StudyTrial>();
        var skipped = new List<string>();
        foreach (var data in datasets)
            foreach (int lookback in options.Lookbacks)
                foreach (int horizon in options.Horizons)
                {
                    if (!data.Supports(lookback, horizon, out var reason))
                    {
                        skipped.Add($"{data.Name}: lookback {lookback}, horizon {horizon} skipped ({reason} in {data.RowCount} rows).");
                        continue;
                    }
                    int folds = data.BacktestFolds;
                    StudyTrial Make(string model, string method, int seed, int fold, bool baseline) => new(
                        StudyTrial.MakeId(options.Protocol, data.Name, data.DataVariant, model, method, lookback, horizon, seed, options.Epochs, fold, folds),
                        options.Protocol, data.Name, data.DataVariant, model, method, lookback, horizon, seed, options.Epochs, baseline, settings)
                    { Fold = fold, Folds = folds };
                    foreach (var b in baselines)
                        foreach (int seed in StudyMethods.IsDeterministicBaseline(b) ? options.Seeds.Take(1) : options.Seeds)
                            for (int fold = 0; fold < folds; fold++)
                                trials.Add(Make(StudyMethods.BaselineModel, b, seed, fold, baseline: true));
                    foreach (var model in options.Models)
                        foreach (int seed in options.Seeds)
                            for (int fold = 0; fold < folds; fold++)
                                foreach (var arm in arms)
                                    trials.Add(Make(model, arm, seed, fold, baseline: false));
                }
        return new StudyPlan(trials, skipped);
    }

    /// <summary>The stratified sample of <c>--estimate</c>: one trial per dataset × model × method (baselines: per
    /// dataset × baseline) at the middle lookback and the first horizon and seed of <paramref name="plan"/>.</summary>
    public static IReadOnlyList<StudyTrial> EstimateSample(StudyPlan plan)
    {
        var sample = new List<StudyTrial>();
        foreach (var group in plan.Trials.GroupBy(t => (t.Dataset, t.Model, t.Method)))
        {
            var lookbacks = group.Select(t => t.Lookback).Distinct().Order().ToArray();
            int mid = lookbacks[(lookbacks.Length - 1) / 2];
            int horizon = group.Min(t => t.Horizon);
            int seed = group.Min(t => t.Seed);
            int fold = group.Max(t => t.Fold);
            sample.Add(group.First(t => t.Lookback == mid && t.Horizon == horizon && t.Seed == seed && t.Fold == fold));
        }
        return sample;
    }
}
