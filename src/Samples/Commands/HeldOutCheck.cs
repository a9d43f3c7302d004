namespace Samples.Commands;

/// <summary>
/// The held-out check after one <c>sweep</c>: MAE on the last 20 % (never seen by the sweep) of the sweep's pick, the
/// paper's default LSTM and the best baseline on CV, all fitted on the first 80 %, and the naive forecast's MAE on the
/// same windows. One line of the grid's results file.
/// </summary>
/// <param name="Dataset">Bundled dataset name or CSV path.</param>
/// <param name="Tuner">asha, tpe or random.</param>
/// <param name="Seed">The sweep's seed (also the paper LSTM's).</param>
/// <param name="PickMae">Held-out MAE of the sweep's recommendation.</param>
/// <param name="PaperMae">Held-out MAE of the paper's default LSTM.</param>
/// <param name="BaselineMae">Held-out MAE of the best baseline on CV.</param>
/// <param name="NaiveMae">Held-out MAE of the naive forecast.</param>
/// <param name="Pick">What the sweep recommended (model, regularization or lookback).</param>
/// <param name="Baseline">naive or seasonal-naive.</param>
/// <param name="BaselineRecommended">Whether the recommendation was a baseline (it beat the tuner's best on CV).</param>
/// <param name="TunerPickMae">Held-out MAE of the tuner's own best trial, refitted also when a baseline was recommended
/// (equal to <paramref name="PickMae"/> otherwise); null in lines written before the field existed.</param>
/// <param name="TunerPick">The tuner's own best trial's configuration; null in older lines.</param>
/// <param name="TrialsFinished">Tuner trials that finished successfully within the budget (0: the baseline was recommended
/// without a tuner's best, and <paramref name="TunerPickMae"/> is null); null in lines written before the field existed.</param>
internal sealed record HeldOutCheck(string Dataset, string Tuner, int Seed, double PickMae, double PaperMae, double BaselineMae, double NaiveMae,
    string Pick, string Baseline, bool BaselineRecommended, double? TunerPickMae = null, string? TunerPick = null, int? TrialsFinished = null)
{
    /// <summary>The held-out MAE of the tuner's own best trial, when this line can tell it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? TunerHeldOutMae => TunerPickMae ?? (BaselineRecommended ? null : PickMae);

    /// <summary>True when no tuner trial finished within the budget (so there is no tuner's best to compare).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool NoTrialFinished => TrialsFinished == 0;
}
