using System.Globalization;
using ScottPlot;
using SynapticPruning.Study.Statistics;

namespace Samples.Study;

/// <summary>The study's PNG plots (ScottPlot 5).</summary>
public static class StudyPlots
{
    private const string FontName = "DejaVu Sans";

    private static readonly Color[] s_palette = new ScottPlot.Palettes.Category10().Colors;

    /// <summary>Colour of a method, stable across plots.</summary>
    public static Color MethodColor(string method)
    {
        int order = StudyMethods.Order(method);
        return s_palette[(order >= 100 ? 5 + order - 100 : order) % s_palette.Length];
    }

    private static Plot NewPlot()
    {
        var plt = new Plot();
        plt.Font.Set(FontName);
        return plt;
    }

    /// <summary>Draws a critical-difference diagram: a rank axis from 1 (left, best) to k, every method at its average
    /// rank with its label, thick bars joining groups not significantly different (rank range &lt; CD) and the CD
    /// as a scale bar above the axis.</summary>
    public static void CriticalDifference(string path, CriticalDifferenceLayout layout, string title)
    {
        var plt = NewPlot();
        int k = layout.K;
        int perSide = (k + 1) / 2;
        double step = 0.45;
        double labelBottom = -0.55 - step * (perSide - 1) - 0.3;
        double groupTop = -0.25;
        double groupBottom = groupTop - 0.16 * Math.Max(0, layout.Groups.Count - 1);
        labelBottom = Math.Min(labelBottom, groupBottom - 0.5);
        // Room for the labels: a label of P pixels needs W axis units where W = P·(k + 2W + 1)/width.
        const int width = 1000;
        double labelPx = layout.Methods.Max(m => m.Name.Length + 7) * 9.0 + 30;
        double labelUnits = labelPx * k / (width - 2 * labelPx);
        double left = 0.5, right = k + 0.5;

        // Axis with ticks.
        Line(plt, 1, 0, k, 0, Colors.Black, 2);
        for (int r = 1; r <= k; r++)
        {
            Line(plt, r, 0, r, 0.12, Colors.Black, 1.5);
            if (r < k) Line(plt, r + 0.5, 0, r + 0.5, 0.06, Colors.Black, 1);
            var t = plt.Add.Text(r.ToString(CultureInfo.InvariantCulture), r, 0.16);
            t.LabelFontSize = 14;
            t.LabelAlignment = Alignment.LowerCenter;
        }
        var axisLabel = plt.Add.Text("average rank (1 = best)", (1 + k) / 2.0, 0.62);
        axisLabel.LabelFontSize = 12;
        axisLabel.LabelFontColor = Colors.DimGray;
        axisLabel.LabelAlignment = Alignment.LowerCenter;

        // CD scale bar.
        if (!double.IsNaN(layout.CriticalDifference))
        {
            double cd = layout.CriticalDifference;
            double y = 0.95;
            Line(plt, 1, y, 1 + cd, y, Colors.DarkRed, 2.5);
            Line(plt, 1, y - 0.07, 1, y + 0.07, Colors.DarkRed, 2);
            Line(plt, 1 + cd, y - 0.07, 1 + cd, y + 0.07, Colors.DarkRed, 2);
            var t = plt.Add.Text(string.Format(CultureInfo.InvariantCulture, "CD = {0:0.###}", cd), 1 + cd + 0.05, y);
            t.LabelFontSize = 13;
            t.LabelFontColor = Colors.DarkRed;
            t.LabelAlignment = Alignment.MiddleLeft;
        }

        // Methods with elbow lines to their labels.
        for (int i = 0; i < k; i++)
        {
            var (name, rank) = layout.Methods[i];
            bool isLeft = layout.IsLeft(i);
            int row = isLeft ? i : k - 1 - i;
            double y = groupBottom - 0.45 - step * row;
            double xEnd = isLeft ? left : right;
            var color = MethodColor(name);
            Line(plt, rank, 0, rank, y, Colors.Black, 1.2);
            Line(plt, rank, y, xEnd, y, Colors.Black, 1.2);
            var marker = plt.Add.Marker(rank, 0);
            marker.MarkerSize = 9;
            marker.Color = color;
            var label = plt.Add.Text(string.Format(CultureInfo.InvariantCulture, isLeft ? "{0} ({1:0.00})" : "({1:0.00}) {0}", name, rank),
                isLeft ? xEnd - 0.05 : xEnd + 0.05, y);
            label.LabelFontSize = 14;
            label.LabelFontColor = color.Darken(0.3);
            label.LabelBold = true;
            label.LabelAlignment = isLeft ? Alignment.MiddleRight : Alignment.MiddleLeft;
        }

        // Groups not significantly different.
        for (int g = 0; g < layout.Groups.Count; g++)
        {
            var (first, last) = layout.Groups[g];
            double y = groupTop - 0.16 * g;
            Line(plt, layout.Methods[first].Rank - 0.04, y, layout.Methods[last].Rank + 0.04, y, Colors.Black, 5);
        }

        double bottom = groupBottom - 0.45 - step * (perSide - 1) - 0.3;
        plt.Axes.SetLimits(left - labelUnits, right + labelUnits, bottom, 1.25);
        plt.Axes.Frameless();
        plt.HideGrid();
        plt.Title(title);
        plt.Axes.Title.Label.FontSize = 15;
        int height = (int)(170 + 60 * (1.25 - bottom));
        plt.SavePng(path, width, Math.Max(260, height));
    }

    private static void Line(Plot plt, double x1, double y1, double x2, double y2, Color color, double width)
    {
        var l = plt.Add.Line(x1, y1, x2, y2);
        l.LineColor = color;
        l.LineWidth = (float)width;
        l.MarkerSize = 0;
    }

    /// <summary>Mean MAE per model and method with 95% CI whiskers (over the lookbacks), baselines as their own group,
    /// and the naive forecast as a dashed reference line.</summary>
    public static void MaeByMethod(string path, string title, IReadOnlyList<StudyCell> cells, IReadOnlyList<string> arms, IReadOnlyList<string> models)
    {
        var plt = NewPlot();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var bars = new List<Bar>();
        double position = 0;
        var groups = models.Select(m => (Label: m, Model: m, Methods: arms)).ToList();
        var baselineMethods = cells.Where(c => c.Model == StudyMethods.BaselineModel && c.Method != StudyMethods.Naive)
            .Select(c => c.Method).Distinct().OrderBy(StudyMethods.Order).ToList();
        if (baselineMethods.Count > 0) groups.Add(("baselines", StudyMethods.BaselineModel, baselineMethods));
        var usedMethods = new List<string>();
        double top = 0;
        foreach (var (label, model, methods) in groups)
        {
            double start = position;
            foreach (var m in methods)
            {
                var values = cells.Where(c => c.Model == model && c.Method == m).Select(c => c.Mae).ToArray();
                if (values.Length == 0) continue;
                var ci = DescriptiveStatistics.MeanConfidenceInterval(values);
                double err = double.IsNaN(ci.HalfWidth) ? 0 : ci.HalfWidth;
                bars.Add(new Bar { Position = position, Value = ci.Mean, Error = err, FillColor = MethodColor(m), LineColor = Colors.Black, LineWidth = 1.5f, ErrorSize = 0.3, Size = 0.85 });
                top = Math.Max(top, ci.Mean + err);
                if (!usedMethods.Contains(m)) usedMethods.Add(m);
                position += 1;
            }
            if (position > start) ticks.AddMajor((start + position - 1) / 2, label);
            position += 0.8;
        }
        if (bars.Count > 0)
        {
            var barPlot = plt.Add.Bars(bars);
        }
        var naive = cells.Where(c => c.Method == StudyMethods.Naive).Select(c => c.Mae).ToArray();
        if (naive.Length == 0) naive = cells.Select(c => c.NaiveMae).Where(v => !double.IsNaN(v)).ToArray();
        if (naive.Length > 0)
        {
            double n = naive.Average();
            var line = plt.Add.HorizontalLine(n);
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 2;
            line.LineColor = Colors.Black;
            line.LegendText = string.Format(CultureInfo.InvariantCulture, "naive ({0:G4})", n);
            top = Math.Max(top, n);
        }
        foreach (var m in usedMethods)
            plt.Legend.ManualItems.Add(new LegendItem { LabelText = m, FillColor = MethodColor(m) });
        plt.ShowLegend(Edge.Right);
        plt.Axes.Bottom.TickGenerator = ticks;
        plt.Axes.Bottom.MajorTickStyle.Length = 0;
        plt.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plt.Axes.Left.Label.Text = "test MAE (mean over lookbacks, 95% CI)";
        plt.Axes.SetLimitsY(0, top * 1.08 + 1e-12);
        plt.Axes.SetLimitsX(-0.8, Math.Max(position - 0.6, 1));
        plt.Title(title);
        plt.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plt.SavePng(path, 1000, 520);
    }

    /// <summary>Global sparsity per epoch of the pruned trials: mean per model and pruning arm (thick) over the
    /// individual trials (thin, faint).</summary>
    public static void SparsityOverTraining(string path, string title, IReadOnlyList<(string Model, string Method, double[][] History)> trials)
    {
        var plt = NewPlot();
        var patterns = new[] { LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed };
        var models = trials.Select(t => t.Model).Distinct().ToList();
        foreach (var t in trials.Where(t => t.History.Length > 0).Take(400))
        {
            var s = plt.Add.Scatter(t.History.Select(p => p[0]).ToArray(), t.History.Select(p => p[1]).ToArray());
            s.Color = MethodColor(t.Method).WithAlpha(0.12);
            s.MarkerSize = 0;
            s.LineWidth = 1;
        }
        foreach (var g in trials.Where(t => t.History.Length > 0).GroupBy(t => (t.Model, t.Method)).OrderBy(g => g.Key.Model).ThenBy(g => StudyMethods.Order(g.Key.Method)))
        {
            var byEpoch = g.SelectMany(t => t.History).GroupBy(p => (int)p[0]).OrderBy(e => e.Key).ToArray();
            var s = plt.Add.Scatter(byEpoch.Select(e => (double)e.Key).ToArray(), byEpoch.Select(e => e.Average(p => p[1])).ToArray());
            s.Color = MethodColor(g.Key.Method);
            s.LinePattern = patterns[models.IndexOf(g.Key.Model) % patterns.Length];
            s.LineWidth = 2.5f;
            s.MarkerSize = 6;
            s.LegendText = $"{g.Key.Model} {g.Key.Method} (n = {g.Count()})";
        }
        foreach (var (level, name) in new[] { (0.3, "s_i"), (0.7, "s_f") })
        {
            var h = plt.Add.HorizontalLine(level);
            h.LinePattern = LinePattern.Dashed;
            h.LineColor = Colors.Gray;
            h.LineWidth = 1;
            h.Text = name;
            h.LabelOppositeAxis = true;
            h.LabelBackgroundColor = Colors.Gray;
            h.LabelFontColor = Colors.White;
        }
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plt.Axes.Bottom.Label.Text = "epoch (0-based)";
        plt.Axes.Left.Label.Text = "global sparsity (fraction of prunable weights = 0)";
        plt.Axes.SetLimitsY(0, 0.8);
        plt.ShowLegend(Edge.Right);
        plt.Title(title);
        plt.SavePng(path, 1000, 520);
    }

    /// <summary>Actual vs forecast (first horizon step) over the test windows, with the naive forecast (the previous actual).</summary>
    public static void ForecastVsActual(string path, string title, float[] actual, float[] forecast)
    {
        var plt = NewPlot();
        var xs = Enumerable.Range(0, actual.Length).Select(i => (double)i).ToArray();
        var a = plt.Add.Scatter(xs, actual.Select(v => (double)v).ToArray());
        a.LegendText = "actual";
        a.Color = Colors.Black;
        a.MarkerSize = 0;
        a.LineWidth = 2;
        if (actual.Length > 1)
        {
            var n = plt.Add.Scatter(xs[1..], actual[..^1].Select(v => (double)v).ToArray());
            n.LegendText = "naive (previous actual)";
            n.Color = Colors.Gray.WithAlpha(0.7);
            n.LinePattern = LinePattern.Dotted;
            n.MarkerSize = 0;
            n.LineWidth = 1.5f;
        }
        var f = plt.Add.Scatter(xs, forecast.Select(v => (double)v).ToArray());
        f.LegendText = "forecast";
        f.Color = s_palette[3];
        f.MarkerSize = 0;
        f.LineWidth = 2;
        plt.Axes.Bottom.Label.Text = "test window (time order)";
        plt.Axes.Left.Label.Text = "target";
        plt.ShowLegend(Edge.Bottom);
        plt.Title(title);
        plt.SavePng(path, 1000, 450);
    }
}
