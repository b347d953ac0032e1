using System.Net;
using System.Text.RegularExpressions;

namespace RdLicensing.Testing;

/// <summary>
/// Posts an HTML form as a browser does: GET the page that shows it, take the form's hidden inputs (the framework's
/// antiforgery token and the form's name, <c>_handler</c>) with the antiforgery cookie the page set (the client keeps
/// cookies), add the typed fields, POST to the form's action.
/// </summary>
public static partial class HtmlForms
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    /// <param name="action">The form's action, e.g. /activate or /operator/install.</param>
    /// <param name="page">The page showing the form; <paramref name="action"/> itself when null.</param>
    public static async Task<HttpResponseMessage> SubmitFormAsync(this HttpClient client, string action, IEnumerable<KeyValuePair<string, string>> fields, string? page = null)
    {
        var hidden = await HiddenFieldsAsync(client, action, page);
        var all = new Dictionary<string, string>(hidden, StringComparer.Ordinal);
        foreach (var (name, value) in fields) all[name] = value;
        return await client.PostAsync(action, new FormUrlEncodedContent(all));
    }

    /// <summary>The hidden inputs of the form posting to <paramref name="action"/> on <paramref name="page"/>.</summary>
    public static async Task<Dictionary<string, string>> HiddenFieldsAsync(HttpClient client, string action, string? page = null)
    {
        using var response = await client.GetAsync(page ?? action);
        var html = await response.Content.ReadAsStringAsync();
        var form = Forms().Matches(html).FirstOrDefault(m => WebUtility.HtmlDecode(m.Groups["action"].Value) == action)
            ?? throw new InvalidOperationException($"{page ?? action} ({(int)response.StatusCode}) shows no form posting to {action}: {html}");
        var hidden = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Inputs().Matches(form.Groups["body"].Value))
        {
            var tag = input.Value;
            if (Attribute(tag, "type") != "hidden" || Attribute(tag, "name") is not { } name) continue;
            hidden[name] = Attribute(tag, "value") ?? "";
        }
        return hidden;
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"""\s{name}="(?<value>[^"]*)" """.Trim());
        return match.Success ? WebUtility.HtmlDecode(match.Groups["value"].Value) : null;
    }

    [GeneratedRegex("""<form[^>]*\saction="(?<action>[^"]*)"[^>]*>(?<body>.*?)</form>""", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex Inputs();
}
