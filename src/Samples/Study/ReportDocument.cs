using System.Net;
using System.Text;

namespace Samples.Study;

/// <summary>A report as a list of blocks, rendered to Markdown and to self-contained HTML by the same code.</summary>
public sealed class ReportDocument
{
    private readonly List<ReportBlock> _blocks = [];

    /// <summary>The blocks in order.</summary>
    public IReadOnlyList<ReportBlock> Blocks => _blocks;

    /// <summary>Adds a heading of <paramref name="level"/> (1–4).</summary>
    public void Heading(int level, string text) => _blocks.Add(new ReportBlock.Heading(level, text));

    /// <summary>Adds a paragraph (inline <c>**bold**</c> and <c>`code`</c> are rendered).</summary>
    public void Paragraph(string text) => _blocks.Add(new ReportBlock.Paragraph(text));

    /// <summary>Adds a bullet list.</summary>
    public void Bullets(IEnumerable<string> items) => _blocks.Add(new ReportBlock.Bullets(items.ToList()));

    /// <summary>Adds a table; <paramref name="emphasis"/> rows (e.g. baselines) are rendered in italics.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, Func<int, bool>? emphasis = null)
    {
        var list = rows.ToList();
        _blocks.Add(new ReportBlock.Table(header, list, Enumerable.Range(0, list.Count).Select(i => emphasis?.Invoke(i) ?? false).ToList()));
    }

    /// <summary>Adds a PNG image stored at <paramref name="relativePath"/> under the report's folder.</summary>
    public void Image(string relativePath, string caption) => _blocks.Add(new ReportBlock.Image(relativePath, caption));

    /// <summary>Adds pre-formatted text.</summary>
    public void Code(string text) => _blocks.Add(new ReportBlock.Code(text));

    /// <summary>Renders Markdown (images referenced by relative path).</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var b in _blocks)
        {
            switch (b)
            {
                case ReportBlock.Heading h: sb.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine(); break;
                case ReportBlock.Paragraph p: sb.AppendLine(p.Text).AppendLine(); break;
                case ReportBlock.Bullets l:
                    foreach (var i in l.Items) sb.Append("- ").AppendLine(i);
                    sb.AppendLine();
                    break;
                case ReportBlock.Table t:
                    sb.Append("| ").Append(string.Join(" | ", t.Header.Select(EscapeCell))).AppendLine(" |");
                    sb.Append('|').Append(string.Concat(t.Header.Select((_, j) => j > 0 && IsNumericColumn(t, j) ? "---:|" : "---|"))).AppendLine();
                    for (int r = 0; r < t.Rows.Count; r++)
                    {
                        var cells = t.Rows[r].Select((c, j) => t.Emphasis[r] && c.Length > 0 && j == 0 ? $"*{EscapeCell(c)}*" : EscapeCell(c));
                        sb.Append("| ").Append(string.Join(" | ", cells)).AppendLine(" |");
                    }
                    sb.AppendLine();
                    break;
                case ReportBlock.Image i: sb.AppendLine($"![{i.Caption}]({i.RelativePath})").AppendLine().AppendLine($"*{i.Caption}*").AppendLine(); break;
                case ReportBlock.Code c: sb.AppendLine("```").AppendLine(c.Text).AppendLine("```").AppendLine(); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Renders a self-contained HTML page; images are read from <paramref name="baseDirectory"/> and embedded as base64.</summary>
    public string ToHtml(string title, string baseDirectory)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append("<title>").Append(WebUtility.HtmlEncode(title)).AppendLine("</title>");
        sb.AppendLine("""
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
            h1{border-bottom:3px solid #2a6fb0;padding-bottom:.2em}h2{border-bottom:1px solid #ccc;margin-top:2em}
            table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left}.num{text-align:right}
            th{background:#f0f4f8}tr.baseline td{color:#666;font-style:italic;background:#fafafa}
            tr:hover td{background:#eef5fc}figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
            pre{background:#f6f8fa;padding:.8em;overflow-x:auto}code{background:#f6f8fa;padding:0 .2em}
            .warning{background:#fff3cd;border:1px solid #e0c36c;padding:.6em 1em;border-radius:4px}
            </style></head><body>
            """);
        foreach (var b in _blocks)
        {
            switch (b)
            {
                case ReportBlock.Heading h: sb.Append($"<h{h.Level}>").Append(Inline(h.Text)).AppendLine($"</h{h.Level}>"); break;
                case ReportBlock.Paragraph p:
                    bool warn = p.Text.StartsWith("**Smoke run", StringComparison.Ordinal) || p.Text.StartsWith("**Partial", StringComparison.Ordinal);
                    sb.Append(warn ? "<p class=\"warning\">" : "<p>").Append(Inline(p.Text)).AppendLine("</p>");
                    break;
                case ReportBlock.Bullets l:
                    sb.AppendLine("<ul>");
                    foreach (var i in l.Items) sb.Append("<li>").Append(Inline(i)).AppendLine("</li>");
                    sb.AppendLine("</ul>");
                    break;
                case ReportBlock.Table t:
                    sb.AppendLine("<table><thead><tr>");
                    var numeric = t.Header.Select((_, j) => j > 0 && IsNumericColumn(t, j)).ToArray();
                    for (int j = 0; j < t.Header.Count; j++) sb.Append(numeric[j] ? "<th class=\"num\">" : "<th>").Append(Inline(t.Header[j])).Append("</th>");
                    sb.AppendLine("</tr></thead><tbody>");
                    for (int r = 0; r < t.Rows.Count; r++)
                    {
                        sb.Append(t.Emphasis[r] ? "<tr class=\"baseline\">" : "<tr>");
                        for (int j = 0; j < t.Rows[r].Count; j++)
                            sb.Append(j < numeric.Length && numeric[j] ? "<td class=\"num\">" : "<td>").Append(Inline(t.Rows[r][j])).Append("</td>");
                        sb.AppendLine("</tr>");
                    }
                    sb.AppendLine("</tbody></table>");
                    break;
                case ReportBlock.Image i:
                    var path = Path.Combine(baseDirectory, i.RelativePath);
                    string src = File.Exists(path) ? "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(path)) : i.RelativePath;
                    sb.Append("<figure><img alt=\"").Append(WebUtility.HtmlEncode(i.Caption)).Append("\" src=\"").Append(src).Append("\"><figcaption>")
                      .Append(Inline(i.Caption)).AppendLine("</figcaption></figure>");
                    break;
                case ReportBlock.Code c: sb.Append("<pre>").Append(WebUtility.HtmlEncode(c.Text)).AppendLine("</pre>"); break;
            }
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static bool IsNumericColumn(ReportBlock.Table t, int j) =>
        t.Rows.All(r => j >= r.Count || r[j].Length == 0 || r[j].TrimStart('*', '+', '−', '-', '[').Length > 0 && (char.IsDigit(r[j].TrimStart('*', '+', '−', '-', '[')[0]) || r[j] is "—" or "yes" or "no" or "not ranked"));

    private static string EscapeCell(string s) => s.Replace("|", "\\|");

    private static string Inline(string text)
    {
        var s = WebUtility.HtmlEncode(text);
        s = System.Text.RegularExpressions.Regex.Replace(s, @"\*\*(.+?)\*\*", "<strong>$1</strong>");
        s = System.Text.RegularExpressions.Regex.Replace(s, @"`(.+?)`", "<code>$1</code>");
        return s;
    }
}

/// <summary>A block of a <see cref="ReportDocument"/>.</summary>
public abstract record ReportBlock
{
    /// <summary>A heading.</summary>
    public sealed record Heading(int Level, string Text) : ReportBlock;

    /// <summary>A paragraph.</summary>
    public sealed record Paragraph(string Text) : ReportBlock;

    /// <summary>A bullet list.</summary>
    public sealed record Bullets(IReadOnlyList<string> Items) : ReportBlock;

    /// <summary>A table.</summary>
    public sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<bool> Emphasis) : ReportBlock;

    /// <summary>An image.</summary>
    public sealed record Image(string RelativePath, string Caption) : ReportBlock;

    /// <summary>Pre-formatted text.</summary>
    public sealed record Code(string Text) : ReportBlock;
}
