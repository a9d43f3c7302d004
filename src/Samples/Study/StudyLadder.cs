using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Training;

namespace Samples.Study;

/// <summary>
/// The ablation ladder of issue 14 (docs/study.md, "The ablation ladder"): from <c>--protocol authors</c> to
/// <c>--protocol rigorous</c>, one flaw removed per rung, on one grid (LSTM; none, dropout, MC dropout, pruning;
/// lookbacks 1, 3, 7, 14, 30, 60; seeds 42..51; horizon 1). Stateless.
/// </summary>
public static class StudyLadder
{
    /// <summary>Datasets the ladder runs on: those the authors' feature engineering applies to as it stands (a time column,
    /// numeric columns with more than 10 distinct values, no missing values): bitcoin (theirs) and aapl (daily prices of the
    /// same shape). air-quality and household-power are refused: their missing values and low-cardinality columns would need
    /// choices the authors never made.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["bitcoin", "aapl"];

    /// <summary>The rungs, in ladder order (see <see cref="StudyLadderRung"/>).</summary>
    public static IReadOnlyList<StudyLadderRung> Rungs { get; } = Build();

    /// <summary>The rung named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No rung has that name (the message lists them).</exception>
    public static StudyLadderRung Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Rungs.FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--rung: unknown rung '{name}'. Rungs, in ladder order: {string.Join(", ", Rungs.Select(r => r.Name))}.");
    }

    private static StudyLadderRung[] Build()
    {
        var rungs = new List<StudyLadderRung>();
        var authors = StudyTrainingSettings.For(StudyProtocol.Authors);
        var r = new StudyLadderRung(1, "authors", "the authors' pipeline (--protocol authors)", StudyLadderInputs.AuthorsFeatures,
            ValidationIsTest: true, StudyScalerPolicy.WholeSeries, authors);
        rungs.Add(r);
        StudyLadderRung Next(string name, string change, Func<StudyLadderRung, StudyLadderRung> edit)
        {
            r = edit(r) with { Number = r.Number + 1, Name = name, Change = change };
            rungs.Add(r);
            return r;
        }
        Next("no-leads", "without the lead features (the target's future values leave the inputs)",
            x => x with { Inputs = StudyLadderInputs.AuthorsFeaturesWithoutLeads });
        Next("target-only", "target history only (no engineered features; the authors' network reads one column, the target's history)",
            x => x with { Inputs = StudyLadderInputs.TargetHistory });
        Next("separate-validation", "validation ≠ test (rows 70/10/20 train/validation/test instead of windows 80/20 with the 20 % validating and scored)",
            x => x with { ValidationIsTest = false });
        Next("train-scaler", "scaler fitted on the training rows (not the whole series)",
            x => x with { Scaler = StudyScalerPolicy.TrainOnly });
        Next("restore-best", "best-weights restore (the best validation epoch ≥ warm-up, not the last epoch)",
            x => x with { Settings = x.Settings with { RestoreBestWeights = true } });
        Next("patience", "early stopping by patience 3 (no new best for 3 epochs) instead of the authors' rule (3 epochs each ≥ the one before)",
            x => x with { Settings = x.Settings with { EarlyStopping = EarlyStoppingRule.Patience } });
        Next("mc-validation", "MC dropout validated deterministically (the library's LSTM, which reads the target channel: same layers and initial weights as the authors' module, but no dropout in validation passes)",
            x => x with { Inputs = StudyLadderInputs.TargetChannel, Settings = x.Settings with { FeaturesOnlyInput = false, StochasticMcValidation = false } });
        Next("mc-samples", "MC dropout averages 30 samples (not 1)",
            x => x with { Settings = x.Settings with { McSamples = 30 } });
        Next("full-schedule", "pruning schedule reaches s_f = 0.7 at the last epoch (not the authors' 0-based count, which stops at 0.637)",
            x => x with { Settings = x.Settings with { ScheduleCounting = StudyScheduleCounting.ReachesFinal } });
        Next("window-norm", "per-window normalisation (WindowLast) = the rigorous protocol",
            x => x with { Settings = x.Settings with { RecurrentNormalization = InstanceNormalization.WindowLast } });
        return [.. rungs];
    }
}
