using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace RdLicensing.LicenseServer.Console.Charts;

/// <summary>One named series of values, one per category (day), drawn in <see cref="Color"/>.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<int> Values, bool Dashed = false);

/// <summary>
/// Charts drawn on the server as SVG (no script, nothing to download): stacked bars per day and lines over days. Each
/// chart is an image with a title and a description that says what it shows in words; the page puts the numbers in a
/// table beside it for the keyboard and screen readers. The legend is HTML beside the image (<see cref="Legend"/>), so it
/// wraps on a narrow screen instead of being cut; a small chart (<c>small: true</c>) is one of several side by side.
/// </summary>
public static class SvgChart
{
    private const int Width = 720;
    private const int Height = 220;
    private const int SmallWidth = 360;
    private const int SmallHeight = 170;
    private const int Left = 44;
    private const int Right = 12;
    private const int Top = 12;
    private const int Bottom = 36;

    public static MarkupString StackedBars(string id, string title, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series)
    {
        var (width, height) = (Width, Height);
        var totals = categories.Select((_, i) => series.Sum(s => s.Values[i])).ToList();
        var max = NiceMax(totals.DefaultIfEmpty(0).Max());
        var svg = Begin(id, title, Describe(title, categories, series), width, height);
        Axis(svg, max, width, height);
        var slot = (double)(width - Left - Right) / Math.Max(1, categories.Count);
        var barWidth = Math.Max(2, slot * 0.7);
        for (var i = 0; i < categories.Count; i++)
        {
            var x = Left + i * slot + (slot - barWidth) / 2;
            double y = height - Bottom;
            foreach (var s in series)
            {
                var h = Scale(s.Values[i], max, height);
                if (h <= 0) continue;
                y -= h;
                svg.Append(Invariant($"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{barWidth:0.#}\" height=\"{h:0.#}\" fill=\"{s.Color}\"><title>{Esc(categories[i])}: {s.Values[i]} {Esc(s.Name)}</title></rect>"));
            }
        }
        CategoryLabels(svg, categories, slot, height, small: false);
        return End(svg);
    }

    public static MarkupString Lines(string id, string title, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series, bool small = false)
    {
        var (width, height) = small ? (SmallWidth, SmallHeight) : (Width, Height);
        var max = NiceMax(series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var svg = Begin(id, title, DescribeLevels(title, categories, series), width, height, small);
        Axis(svg, max, width, height);
        var slot = (double)(width - Left - Right) / Math.Max(1, categories.Count);
        foreach (var s in series)
        {
            var points = s.Values.Select((v, i) => Invariant($"{Left + i * slot + slot / 2:0.#},{height - Bottom - Scale(v, max, height):0.#}"));
            var dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2.5\"{dash} points=\"{string.Join(' ', points)}\"><title>{Esc(s.Name)}</title></polyline>"));
        }
        CategoryLabels(svg, categories, slot, height, small);
        return End(svg);
    }

    /// <summary>The series' names with their colour (and dash), as an HTML list that wraps on a narrow screen.</summary>
    public static MarkupString Legend(IReadOnlyList<ChartSeries> series, string? label = null)
    {
        var html = new StringBuilder(Invariant($"<ul class=\"legend\" aria-label=\"{Esc(label ?? "Legend")}\">"));
        foreach (var s in series)
        {
            var swatch = s.Dashed
                ? Invariant($"<line x1=\"0\" y1=\"7\" x2=\"18\" y2=\"7\" stroke=\"{s.Color}\" stroke-width=\"3\" stroke-dasharray=\"5 3\"/>")
                : Invariant($"<rect x=\"0\" y=\"1\" width=\"18\" height=\"12\" fill=\"{s.Color}\"/>");
            html.Append(Invariant($"<li><svg width=\"18\" height=\"14\" aria-hidden=\"true\" focusable=\"false\">{swatch}</svg>{Esc(s.Name)}</li>"));
        }
        return new(html.Append("</ul>").ToString());
    }

    private static StringBuilder Begin(string id, string title, string description, int width, int height, bool small = false) =>
        new StringBuilder()
            .Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart{(small ? " small" : "")}\" id=\"{Esc(id)}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{Esc(id)}-title {Esc(id)}-desc\">"))
            .Append(Invariant($"<title id=\"{Esc(id)}-title\">{Esc(title)}</title><desc id=\"{Esc(id)}-desc\">{Esc(description)}</desc>"));

    private static MarkupString End(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    private static void Axis(StringBuilder svg, int max, int width, int height)
    {
        for (var step = 0; step <= 4; step++)
        {
            var value = max * step / 4;
            var y = height - Bottom - Scale(value, max, height);
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#d1d9e0\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" font-size=\"11\" fill=\"#59636e\">{value}</text>"));
        }
    }

    private static void CategoryLabels(StringBuilder svg, IReadOnlyList<string> categories, double slot, int height, bool small)
    {
        // At most about a dozen labels fit (five on a small chart); the rest are in each bar's tooltip and the table.
        var every = Math.Max(1, (int)Math.Ceiling(categories.Count / (small ? 5.0 : 12.0)));
        for (var i = 0; i < categories.Count; i += every)
            svg.Append(Invariant($"<text x=\"{Left + i * slot + slot / 2:0.#}\" y=\"{height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#59636e\">{Esc(categories[i])}</text>"));
    }

    private static string Describe(string title, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series) =>
        categories.Count == 0 ? $"{title}: no data." :
        $"{title}, {categories[0]} to {categories[^1]}: " + string.Join("; ", series.Select(s => $"{s.Name} {s.Values.Sum()} in all, at most {s.Values.DefaultIfEmpty(0).Max()} a day"));

    /// <summary>Lines are levels, not counts: each series' last value and its highest, not a sum.</summary>
    private static string DescribeLevels(string title, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series) =>
        categories.Count == 0 ? $"{title}: no data." :
        $"{title}, {categories[0]} to {categories[^1]}: " + string.Join("; ", series.Select(s => $"{s.Name} {s.Values.LastOrDefault()} on {categories[^1]}, at most {s.Values.DefaultIfEmpty(0).Max()}"));

    private static double Scale(int value, int max, int height) => max == 0 ? 0 : (double)value / max * (height - Top - Bottom);

    /// <summary>The smallest of 4, 8, 20, 40, 80, 200… at or above the largest value, so the four grid lines fall on round numbers.</summary>
    private static int NiceMax(int max)
    {
        if (max <= 4) return 4;
        var magnitude = (int)Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var factor in new[] { 1, 2, 4, 8, 10 })
            if (factor * magnitude >= max && factor * magnitude % 4 == 0) return factor * magnitude;
        return 10 * magnitude;
    }

    private static string Esc(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
