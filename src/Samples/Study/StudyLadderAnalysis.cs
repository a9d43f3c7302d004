using System.Globalization;
using SynapticPruning.Study.Statistics;

namespace Samples.Study;

/// <summary>Pruning's % change against one other arm on one rung: 100·(other − pruning)/other per lookback block (seeds
/// averaged within the block), positive when pruning has the lower MAE; mean and 95 % t-interval over the blocks.</summary>
/// <param name="Other">The other arm.</param>
/// <param name="Mean">Mean % change.</param>
/// <param name="Lower">Lower end of the 95 % interval.</param>
/// <param name="Upper">Upper end of the 95 % interval.</param>
public sealed record StudyLadderChange(string Other, double Mean, double Lower, double Upper);

/// <summary>The statistics of one rung on one dataset.</summary>
/// <param name="Rung">The rung.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Trials">Finished trials.</param>
/// <param name="Blocks">Complete lookback blocks ranked (0 when the comparison could not run).</param>
/// <param name="RelativeMae">Mean over the lookbacks of MAE ÷ naive MAE, per arm and baseline (naive = 1).</param>
/// <param name="NaiveMae">Mean naive MAE over the lookbacks, in the rung's units.</param>
/// <param name="AverageRanks">Average rank per arm (1 = best), empty without a comparison.</param>
/// <param name="FriedmanP">Friedman p over the arms, NaN without a comparison.</param>
/// <param name="Changes">Pruning's % change against none, dropout and MC dropout, empty without a comparison.</param>
/// <param name="Note">Why there is no comparison, or empty.</param>
public sealed record StudyLadderOutcome(StudyLadderRung Rung, string Dataset, int Trials, int Blocks,
    IReadOnlyDictionary<string, double> RelativeMae, double NaiveMae, IReadOnlyDictionary<string, double> AverageRanks, double FriedmanP,
    IReadOnlyList<StudyLadderChange> Changes, string Note)
{
    /// <summary>Lookback blocks the grid plans (0 = not known: any number ≥ 2 of complete blocks counts).</summary>
    public int ExpectedBlocks { get; init; }

    /// <summary>Arm cells that average fewer seeds than the grid plans (trials not finished yet, or diverged).</summary>
    public int ShortCells { get; init; }

    /// <summary>Whether the rung is finished and ranked: every planned block complete, no arm cell short of seeds, and a ranked
    /// comparison of the four arms with pruning's % changes.</summary>
    public bool IsComplete => Blocks >= 2 && (ExpectedBlocks == 0 || Blocks >= ExpectedBlocks) && ShortCells == 0
        && Changes.Count == StudyMethods.PaperArms.Count - 1 && AverageRanks.Count == StudyMethods.PaperArms.Count;

    /// <summary>
    /// The verdict's rule for "pruning has the advantage" on this rung: pruning has the best (strictly lowest) average rank of
    /// the four arms <em>and</em> a positive mean % change against each of none, dropout and MC dropout.
    /// </summary>
    public bool PruningAdvantage => IsComplete
        && AverageRanks.Where(kv => kv.Key != StudyMethods.Pruning).All(kv => AverageRanks[StudyMethods.Pruning] < kv.Value)
        && Changes.All(c => c.Mean > 0);

    /// <summary>Whether the advantage is clear: <see cref="PruningAdvantage"/> and the 95 % interval of every % change above 0.</summary>
    public bool ClearAdvantage => PruningAdvantage && Changes.All(c => c.Lower > 0);
}

/// <summary>
/// The ladder's statistics per rung (reusing <see cref="StudyAnalysis"/>: block = lookback, cell = mean over seeds, raw MAE
/// within the dataset) and the generated verdict. Stateless.
/// </summary>
public static class StudyLadderAnalysis
{
    /// <summary>Analyses the finished trials of one rung on one dataset.</summary>
    /// <param name="rung">The rung.</param>
    /// <param name="dataset">The dataset.</param>
    /// <param name="rows">The rung's finished trials (other datasets are ignored).</param>
    /// <param name="expectedBlocks">Lookbacks the grid plans (0 = not known).</param>
    /// <param name="expectedSeeds">Seeds the grid plans (0 = not known).</param>
    public static StudyLadderOutcome Analyze(StudyLadderRung rung, string dataset, IReadOnlyList<StudyResultRow> rows, int expectedBlocks = 0, int expectedSeeds = 0)
    {
        ArgumentNullException.ThrowIfNull(rung);
        ArgumentNullException.ThrowIfNull(rows);
        var mine = rows.Where(r => r.Dataset == dataset).ToList();
        var analysis = StudyAnalysis.Analyze(mine, [dataset]);
        var relative = analysis.Cells.GroupBy(c => c.Method).Where(g => g.Any(c => !double.IsNaN(c.RelativeMae)))
            .OrderBy(g => StudyMethods.Order(g.Key))
            .ToDictionary(g => g.Key, g => g.Where(c => !double.IsNaN(c.RelativeMae)).Average(c => c.RelativeMae));
        var blocksNaive = analysis.Cells.GroupBy(c => c.BlockId).Select(g => g.First().NaiveMae).Where(double.IsFinite).ToArray();
        double naive = blocksNaive.Length > 0 ? blocksNaive.Average() : double.NaN;
        int shortCells = analysis.Cells.Count(c => StudyMethods.PaperArms.Contains(c.Method) && c.Seeds < expectedSeeds);
        var scope = analysis.Scopes.FirstOrDefault(s => s.Scope == dataset);
        if (scope?.Comparison is not { } cmp)
            return new StudyLadderOutcome(rung, dataset, mine.Count, 0, relative, naive, new Dictionary<string, double>(), double.NaN, [],
                scope?.ComparisonNote is { Length: > 0 } n ? n : "no finished trials") { ExpectedBlocks = expectedBlocks, ShortCells = shortCells };
        var changes = cmp.PercentChanges
            .OrderBy(kv => StudyMethods.Order(kv.Key))
            .Select(kv => new StudyLadderChange(kv.Key, kv.Value.Mean, kv.Value.MeanInterval.Lower, kv.Value.MeanInterval.Upper))
            .ToList();
        return new StudyLadderOutcome(rung, dataset, mine.Count, cmp.N, relative, naive, cmp.AverageRanks, cmp.Friedman.PValue, changes,
            shortCells > 0 || (expectedBlocks > 0 && cmp.N < expectedBlocks) ? "not finished" : "") { ExpectedBlocks = expectedBlocks, ShortCells = shortCells };
    }

    /// <summary>
    /// The generated verdict for one dataset from its rungs in ladder order (rules, not hand-written): pruning "has the
    /// advantage" on a rung by <see cref="StudyLadderOutcome.PruningAdvantage"/>; the advantage "disappears" at the first rung
    /// without it (later rungs where it returns are named); an incomplete rung ends what can be said.
    /// </summary>
    /// <param name="dataset">The dataset (for the sentences).</param>
    /// <param name="outcomes">The rungs' outcomes in ladder order.</param>
    public static IReadOnlyList<string> Verdict(string dataset, IReadOnlyList<StudyLadderOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var lines = new List<string>();
        if (outcomes.Count == 0 || !outcomes[0].IsComplete)
        {
            lines.Add($"On {dataset}: the first rung is not complete yet; no verdict.");
            return lines;
        }
        int complete = 0;
        while (complete < outcomes.Count && outcomes[complete].IsComplete) complete++;
        var known = outcomes.Take(complete).ToList();
        string Name(StudyLadderOutcome o) => $"rung {o.Rung.Number} ({o.Rung.Name})";
        string pending = complete < outcomes.Count
            ? $" Rungs {outcomes[complete].Rung.Number}–{outcomes[^1].Rung.Number} are not complete yet; the verdict covers {(complete == 1 ? "rung 1" : $"rungs 1–{known[^1].Rung.Number}")}."
            : "";
        if (!known[0].PruningAdvantage)
        {
            var with = known.Where(o => o.PruningAdvantage).ToList();
            lines.Add($"On {dataset}, pruning has no advantage even on the authors' pipeline (rung 1: not the best average rank with a positive mean % change against every other arm)"
                + (with.Count > 0 ? $"; it has one at {string.Join(", ", with.Select(Name))}." : known.Count > 1 ? "; nor on any later rung." : ".") + pending);
        }
        else
        {
            int lost = known.FindIndex(o => !o.PruningAdvantage);
            if (lost < 0)
                lines.Add($"On {dataset}, pruning's advantage never disappears: it has the best average rank and a positive mean % change against none, dropout and MC dropout on every rung{(pending.Length > 0 ? " so far" : "")} (1–{known[^1].Rung.Number}).{pending}");
            else
            {
                var o = known[lost];
                var back = known.Skip(lost + 1).Where(x => x.PruningAdvantage).ToList();
                lines.Add($"On {dataset}, pruning's advantage disappears at {Name(o)}: {o.Rung.Change}. It holds on rungs 1–{o.Rung.Number - 1} (best average rank and a positive mean % change against every other arm) and not on rung {o.Rung.Number}"
                    + (back.Count > 0 ? $"; it returns on {string.Join(", ", back.Select(Name))}." : lost < known.Count - 1 ? ", nor on any later rung." : ".") + pending);
            }
        }
        var clear = known.Where(o => o.ClearAdvantage).ToList();
        lines.Add(clear.Count == 0
            ? $"On {dataset}, on no rung is the advantage clear (95 % interval of the mean % change above 0 against all three other arms)."
            : $"On {dataset}, the advantage is clear (95 % interval of the mean % change above 0 against all three other arms) on {string.Join(", ", clear.Select(Name))}.");
        var friedman = known.Where(o => o.FriedmanP < 0.05).ToList();
        lines.Add(friedman.Count == 0
            ? $"On {dataset}, the Friedman test finds no difference among the four arms (p ≥ 0.05) on any rung."
            : $"On {dataset}, the Friedman test finds a difference among the four arms (p < 0.05) on {string.Join(", ", friedman.Select(Name))}.");
        var beat = known.Where(o => o.RelativeMae.Where(kv => StudyMethods.PaperArms.Contains(kv.Key)).Any(kv => kv.Value < 1)).ToList();
        lines.Add(beat.Count == 0
            ? string.Format(CultureInfo.InvariantCulture, "On {0}, no arm beats the naive forecast on any rung (best mean MAE ÷ naive: {1:0.00}).", dataset,
                known.SelectMany(x => x.RelativeMae.Where(kv => StudyMethods.PaperArms.Contains(kv.Key)).Select(kv => kv.Value)).DefaultIfEmpty(double.NaN).Min())
            : $"On {dataset}, some arm beats the naive forecast (mean MAE ÷ naive < 1) on {string.Join(", ", beat.Select(Name))}.");
        return lines;
    }
}
