using System.Globalization;
using ScottPlot;

namespace Samples.Study;

/// <summary>The ladder's plot (ScottPlot 5): pruning's % change against each other arm along the rungs.</summary>
public static class StudyLadderPlot
{
    /// <summary>
    /// Draws, per rung (x) and other arm (one series each), pruning's mean % change with its 95 % interval as a whisker;
    /// above 0 pruning has the lower MAE. Incomplete rungs are left out.
    /// </summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="title">Plot title.</param>
    /// <param name="outcomes">The rungs' outcomes in ladder order (one dataset).</param>
    public static void Effect(string path, string title, IReadOnlyList<StudyLadderOutcome> outcomes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(outcomes);
        var plt = new Plot();
        plt.Font.Set("DejaVu Sans");
        var others = StudyMethods.PaperArms.Where(m => m != StudyMethods.Pruning).ToArray();
        double low = 0, high = 0;
        for (int k = 0; k < others.Length; k++)
        {
            string other = others[k];
            double offset = (k - (others.Length - 1) / 2.0) * 0.18;
            var points = outcomes.Where(o => o.IsComplete)
                .Select(o => (X: o.Rung.Number + offset, Change: o.Changes.First(c => c.Other == other))).ToArray();
            if (points.Length == 0) continue;
            var color = StudyPlots.MethodColor(other);
            var line = plt.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Change.Mean).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 8;
            line.LegendText = $"pruning vs {other}";
            foreach (var p in points)
            {
                if (!double.IsFinite(p.Change.Lower) || !double.IsFinite(p.Change.Upper)) continue;
                var whisker = plt.Add.Line(p.X, p.Change.Lower, p.X, p.Change.Upper);
                whisker.LineColor = color;
                whisker.LineWidth = 1.5f;
                whisker.MarkerSize = 0;
                low = Math.Min(low, p.Change.Lower);
                high = Math.Max(high, p.Change.Upper);
            }
            low = Math.Min(low, points.Min(p => p.Change.Mean));
            high = Math.Max(high, points.Max(p => p.Change.Mean));
        }
        var zero = plt.Add.HorizontalLine(0);
        zero.LinePattern = LinePattern.Dashed;
        zero.LineColor = Colors.Black;
        zero.LineWidth = 1.5f;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var o in outcomes) ticks.AddMajor(o.Rung.Number, string.Create(CultureInfo.InvariantCulture, $"{o.Rung.Number}\n{o.Rung.Name}"));
        plt.Axes.Bottom.TickGenerator = ticks;
        plt.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plt.Axes.Left.Label.Text = "pruning's % change in MAE (> 0: pruning better)";
        plt.Axes.Left.Label.FontSize = 12;
        double pad = Math.Max(1, (high - low) * 0.08);
        plt.Axes.SetLimitsY(low - pad, high + pad);
        plt.Axes.SetLimitsX(0.4, Math.Max(2, outcomes.Count == 0 ? 1 : outcomes.Max(o => o.Rung.Number)) + 0.6);
        plt.ShowLegend(Edge.Bottom);
        plt.Title(title);
        plt.SavePng(path, 1300, 620);
    }
}
