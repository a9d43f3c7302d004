using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Training;

namespace Samples.Study;

/// <summary>What the LSTM of a ladder rung reads (docs/study.md, "The ablation ladder").</summary>
public enum StudyLadderInputs
{
    /// <summary>The authors' engineered columns (<see cref="AuthorsFeatureEngineering"/>: time, the other numeric source
    /// columns, date parts, lags and <em>leads</em> of the target), not the target itself.</summary>
    AuthorsFeatures,

    /// <summary>The authors' engineered columns without the lead columns (future values of the target).</summary>
    AuthorsFeaturesWithoutLeads,

    /// <summary>The target's own history as the only column of the authors' network (a copy of the target as its one
    /// input; the network is unchanged).</summary>
    TargetHistory,

    /// <summary>The target channel itself, read by the library's LSTM (same layers as the authors' network); no covariate.</summary>
    TargetChannel,
}

/// <summary>
/// One rung of the ablation ladder (issue 14, item 2): the authors' Bitcoin pipeline with the first <see cref="Number"/> − 1
/// of its flaws removed, in ladder order. Every rung differs from the previous one in exactly the choice
/// <see cref="Change"/> names; the first equals <c>--protocol authors</c>, the last <c>--protocol rigorous</c> (on the
/// ladder's grid). Immutable; the rungs are <see cref="StudyLadder.Rungs"/>.
/// </summary>
/// <param name="Number">1-based position on the ladder.</param>
/// <param name="Name">Command-line name (<c>--rung NAME</c>) and folder name.</param>
/// <param name="Change">The one choice that differs from the previous rung (for the first rung: what it is).</param>
/// <param name="Inputs">What the network reads.</param>
/// <param name="ValidationIsTest">True: the authors' split (windows 80/20, the 20 % validates and is scored); false: the
/// rigorous rows 70/10/20 (validation apart from test).</param>
/// <param name="Scaler">Rows the scaler is fitted on. Whole series: target (and features) standardised over the whole series
/// with the population std before training, MAE in units of the target's std; training rows: the raw target, scaled by the
/// trainer on the training rows, MAE in original units. Ratios to the naive forecast are unit-free either way.</param>
/// <param name="Settings">Training settings of every trained trial of the rung.</param>
public sealed record StudyLadderRung(int Number, string Name, string Change, StudyLadderInputs Inputs, bool ValidationIsTest,
    StudyScalerPolicy Scaler, StudyTrainingSettings Settings)
{
    /// <summary>The protocol whose split family the rung uses and whose name prefixes its trial ids:
    /// <see cref="StudyProtocol.Authors"/> while validation = test, <see cref="StudyProtocol.Rigorous"/> after.</summary>
    public StudyProtocol Protocol => ValidationIsTest ? StudyProtocol.Authors : StudyProtocol.Rigorous;

    /// <summary>The data variant of the rung's trial ids (<c>ladder-{Name}</c>), so ids of different rungs never collide.</summary>
    public string DataVariant => "ladder-" + Name;

    /// <summary>
    /// The choices of this rung by name, as (choice, value) pairs in a fixed order; two neighbouring rungs differ in the
    /// value of exactly one choice (tests check it). The network is one choice: the authors' module or the library's.
    /// </summary>
    public IReadOnlyList<(string Choice, string Value)> Choices() =>
    [
        ("inputs", Inputs switch
        {
            StudyLadderInputs.AuthorsFeatures or StudyLadderInputs.AuthorsFeaturesWithoutLeads or StudyLadderInputs.TargetHistory => Inputs.ToString(),
            _ => StudyLadderInputs.TargetHistory.ToString(), // the same information: the target's history (only the module differs)
        }),
        ("validation", ValidationIsTest ? "= test (windows 80/20)" : "separate (rows 70/10/20)"),
        ("scaler", Scaler.ToString()),
        ("restore", Settings.RestoreBestWeights ? "best weights" : "last weights"),
        ("early stopping", Settings.EarlyStopping.ToString()),
        ("network / MC validation", Settings.FeaturesOnlyInput
            ? (Settings.StochasticMcValidation ? "authors' module, stochastic MC validation" : "authors' module, deterministic MC validation")
            : "library LSTM, deterministic MC validation"),
        ("MC samples", Settings.McSamples.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("schedule", Settings.ScheduleCounting.ToString()),
        ("window normalisation", Settings.RecurrentNormalization.ToString()),
        ("other settings", (Settings with
        {
            RestoreBestWeights = false, EarlyStopping = EarlyStoppingRule.Patience, FeaturesOnlyInput = false, StochasticMcValidation = false,
            McSamples = 1, ScheduleCounting = StudyScheduleCounting.ReachesFinal, RecurrentNormalization = InstanceNormalization.None,
        }).ToString()),
    ];

    /// <inheritdoc/>
    public override string ToString() => $"rung {Number} ({Name})";
}
