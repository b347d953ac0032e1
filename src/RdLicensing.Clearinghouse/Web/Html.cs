using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// Server-rendered HTML for the clearinghouse web site: plain forms, no JavaScript. Every value that did not
/// come from this file goes through <see cref="E"/> (HtmlEncoder).
/// </summary>
public static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static ContentHttpResult Page(string title, string body, int status = StatusCodes.Status200OK) =>
        TypedResults.Content($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} — RdLicensing Clearinghouse</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.4; }
            nav a { margin-right: 1rem; }
            label { display: block; margin-top: .6rem; font-weight: 600; }
            input, select { font-size: 1rem; padding: .25rem; width: 24rem; max-width: 100%; }
            .hint { color: #555; font-size: .9rem; font-weight: normal; }
            .error { color: #b00020; font-weight: 600; }
            .code { font-family: ui-monospace, monospace; font-size: 1.6rem; letter-spacing: .08em; word-spacing: .5em; }
            .groups td { font-family: ui-monospace, monospace; font-size: 1.4rem; padding: 0 1rem 0 0; }
            table.list { border-collapse: collapse; font-size: .9rem; }
            table.list td, table.list th { border: 1px solid #ccc; padding: .2rem .4rem; text-align: left; }
            pre { background: #f4f4f4; padding: .5rem; overflow-x: auto; }
            fieldset { margin-top: 1rem; }
            </style>
            </head>
            <body>
            <nav><a href="/">Clearinghouse</a><a href="/activate">Activate a license server</a><a href="/install">Install licenses</a><a href="/telephone">Telephone numbers</a><a href="/operator">Operator console</a></nav>
            <h1>{{E(title)}}</h1>
            {{body}}
            </body>
            </html>
            """, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>
    /// A labelled text input with its error (if any) right below it. Required fields are only marked: the
    /// server checks them and says which is missing (and a reactivation needs fewer than an activation).
    /// </summary>
    public static string Input(string name, string label, string? value, FormErrors errors, bool required = false, string? hint = null, string type = "text") =>
        $"""<label for="{E(name)}">{E(label)}{(required ? " *" : "")}{(hint is null ? "" : $""" <span class="hint">{E(hint)}</span>""")}</label>""" +
        $"""<input id="{E(name)}" name="{E(name)}" type="{E(type)}" value="{E(value)}">""" +
        errors.For(name);

    public static string Select(string name, string label, IEnumerable<(string Value, string Text)> options, string? selected, FormErrors errors, string? hint = null) =>
        $"""<label for="{E(name)}">{E(label)}{(hint is null ? "" : $""" <span class="hint">{E(hint)}</span>""")}</label><select id="{E(name)}" name="{E(name)}">""" +
        string.Concat(options.Select(o => $"""<option value="{E(o.Value)}"{(o.Value == selected ? " selected" : "")}>{E(o.Text)}</option>""")) +
        "</select>" + errors.For(name);

    public static string Hidden(string name, string value) => $"""<input type="hidden" name="{E(name)}" value="{E(value)}">""";

    /// <summary>A code in groups of five, large and monospaced, for copying or reading aloud.</summary>
    public static string Code(string code, string id) => $"""<p class="code" id="{E(id)}">{E(code.Replace('-', ' '))}</p>""";

    /// <summary>The code group by group, numbered, for an operator reading it back over the telephone.</summary>
    public static string Groups(string code) =>
        """<table class="groups">""" +
        string.Concat(code.Split('-').Select((g, i) => $"<tr><td>Group {i + 1}</td><td>{E(string.Join(' ', g.ToCharArray()))}</td></tr>")) +
        "</table>";

    public static string Table(IEnumerable<string> headers, IEnumerable<IEnumerable<string?>> rows) =>
        """<table class="list"><tr>""" + string.Concat(headers.Select(h => $"<th>{E(h)}</th>")) + "</tr>" +
        string.Concat(rows.Select(r => "<tr>" + string.Concat(r.Select(c => $"<td>{E(c)}</td>")) + "</tr>")) + "</table>";
}

/// <summary>Error messages of a submitted form by field name; "" is the form as a whole.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string? field, string message) => _errors[field ?? ""] = message;

    /// <summary>The error of a field, or of the form when <paramref name="field"/> is a field this form does not show.</summary>
    public string For(string field) => _errors.TryGetValue(field, out var message) ? $"""<p class="error" id="error-{Html.E(field)}">{Html.E(message)}</p>""" : "";

    public string General(IEnumerable<string> shownFields)
    {
        var shown = shownFields.ToHashSet(StringComparer.Ordinal);
        return string.Concat(_errors.Where(e => !shown.Contains(e.Key)).Select(e => $"""<p class="error" id="error-form">{Html.E(e.Value)}</p>"""));
    }
}
