using System.Net.Http.Headers;
using System.Text.Json;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// A failed answer's body as a ProblemDetails (RFC 9457): the <c>type</c> (and its last segment, the stable slug of
/// <see cref="ProblemTypes"/>), title, detail, the answer's status and the other members (extensions such as
/// <c>field</c> or <c>group</c>). When the body is no ProblemDetails (an HTML error page, plain text, an empty or
/// oversized body, JSON of another shape), <see cref="Unreadable"/> says so in words and the members are null.
/// </summary>
public sealed record RemoteProblem(int Status, string? Type, string? Title, string? Detail, IReadOnlyDictionary<string, JsonElement> Extensions, string? Unreadable)
{
    /// <summary>The type's last path segment ("host-not-in-security-group"), or null without a type.</summary>
    public string? Slug => Type is null ? null : Type[(Type.LastIndexOf('/') + 1)..];

    /// <summary>What a person reads: the detail, else the title; null when the answer explained nothing.</summary>
    public string? DetailOrTitle => Detail ?? Title;

    /// <summary>Always a sentence: the detail, the title, or why the answer could not be read.</summary>
    public string Summary => Detail ?? Title ?? Unreadable ?? "the answer explained nothing";

    /// <summary>A string extension member, or null when absent or not a string.</summary>
    public string? Text(string name) => Extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An integer extension member, or null when absent or not an integer.</summary>
    public int? Integer(string name) => Extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}

/// <summary>
/// The one reader of failed answers for every RdLicensing client (rdlic, the console, the license server's remote calls,
/// the session host's license server calls): reads at most <see cref="MaxBodyBytes"/> of the body and never throws for
/// what the body holds. Transport failures while reading (the connection breaking) are the caller's, as for any read.
/// </summary>
public static class ProblemReader
{
    /// <summary>A ProblemDetails is a few hundred bytes; a body larger than this is not read further nor parsed.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task<RemoteProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0) length += read;
        return Parse((int)response.StatusCode, response.Content.Headers.ContentType, buffer.AsSpan(0, length));
    }

    /// <summary>The body already read (at most <see cref="MaxBodyBytes"/> + 1 bytes are looked at).</summary>
    public static RemoteProblem Parse(int status, MediaTypeHeaderValue? contentType, ReadOnlySpan<byte> body)
    {
        var mediaType = contentType?.MediaType;
        if (body.Length > MaxBodyBytes)
            return Unreadable(status, $"the answer is larger than {MaxBodyBytes / 1024} KiB{Of(mediaType)}, too large for an error explanation; it was not read");
        if (body.IsEmpty) return Unreadable(status, "the answer has no body");
        if (mediaType is not null && !IsJson(mediaType))
            return Unreadable(status, mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
                ? "the answer is an HTML page, not an RdLicensing error; is the address right?"
                : $"the answer is {mediaType}, not a ProblemDetails");
        try
        {
            using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Unreadable(status, "the answer is JSON but not a ProblemDetails object");
            string? type = null, title = null, detail = null;
            var extensions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var member in root.EnumerateObject())
            {
                var text = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                switch (member.Name)
                {
                    case "type": type = text; break;
                    case "title": title = text; break;
                    case "detail": detail = text; break;
                    case "status" or "instance": break;
                    default: extensions[member.Name] = member.Value.Clone(); break;
                }
            }
            return type is null && title is null && detail is null
                ? new RemoteProblem(status, null, null, null, extensions, "the answer is JSON without a type, title or detail")
                : new RemoteProblem(status, type, title, detail, extensions, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // not JSON, too deep, or text that is not UTF-8
        {
            return Unreadable(status, $"the answer is not JSON{Of(mediaType)}");
        }
    }

    private static RemoteProblem Unreadable(int status, string why) => new(status, null, null, null, NoExtensions, why);

    private static readonly IReadOnlyDictionary<string, JsonElement> NoExtensions = new Dictionary<string, JsonElement>();

    private static string Of(string? mediaType) => mediaType is null ? "" : $" ({mediaType})";

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
}
