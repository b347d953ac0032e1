using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RdLicensing.Cli.Output;

/// <summary>
/// Everything rdlic prints on stdout: tables and lines through Spectre.Console, with colour only on a real
/// terminal; --json answers verbatim (indented) so scripts can parse them.
/// </summary>
internal sealed class Render
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _stdout;

    public Render(TextWriter stdout)
    {
        _stdout = stdout;
        IsTerminal = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Redirected output (files, pipes, tests) is never wrapped, so every line stays greppable.
        if (!IsTerminal) Console.Profile.Width = 4096;
    }

    public IAnsiConsole Console { get; }

    public bool IsTerminal { get; }

    /// <summary>Plain text, never interpreted as markup.</summary>
    public void Line(string text = "") => Console.WriteLine(text);

    /// <summary>Text in a style (colour is dropped when not on a terminal).</summary>
    public void Line(string text, Style style) => Console.Write(new Text(text + "\n", style));

    public void Warning(string text) => Line(text, new Style(Color.Yellow));

    public void Loud(string text) => Line(text, new Style(Color.Red, decoration: Decoration.Bold));

    public void Write(IRenderable renderable) => Console.Write(renderable);

    /// <summary>Label/value lines with the values aligned.</summary>
    public void Fields(IReadOnlyList<(string Label, Text Value)> fields)
    {
        var width = fields.Max(f => f.Label.Length) + 2;
        foreach (var (label, value) in fields)
        {
            Console.Write(new Text(label.PadRight(width)));
            Console.Write(value);
            Console.WriteLine();
        }
    }

    /// <summary>A result rdlic makes itself (no server answer to pass on), as JSON with the web's camelCase names.</summary>
    public void JsonOf(object value) => _stdout.WriteLine(JsonSerializer.Serialize(value, value.GetType(), IndentedWeb));

    private static readonly JsonSerializerOptions IndentedWeb = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        _stdout.WriteLine(JsonSerializer.Serialize(document.RootElement, Indented));
    }

    public static Table Table(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers) table.AddColumn(new TableColumn(header));
        return table;
    }

    public static Text Cell(string? text, Style? style = null) => new(text ?? "", style ?? Style.Plain);

    public static Text Number(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    public static string Date(DateTimeOffset? value) => value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "-";

    public static string Time(DateTimeOffset? value) => value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "-";
}
