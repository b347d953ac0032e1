using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;

namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>One request the fuzzer sends; kept as bytes so it can be sent again when a failure is reported.</summary>
/// <param name="MustBeRefused">Malformed beyond doubt (a broken body, a route value that names nothing to change): any 2xx is a failure.</param>
internal sealed record FuzzRequest(string What, string Method, string Target, byte[]? Body = null, string? ContentType = null, bool MustBeRefused = false)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Target);
        if (Body is null) return message;
        message.Content = new ByteArrayContent(Body);
        if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "" : Body.Length > 160 ? $" [{Body.Length} bytes]" : " " + Encoding.UTF8.GetString(Body);
        return $"{Method} {(Target.Length > 160 ? Target[..160] + "…" : Target)} ({What}){body}";
    }
}

/// <summary>
/// The malformed requests for one endpoint, the same every run (the random choices are seeded by the endpoint's name):
/// bodies built from the endpoint's own JSON shape and then broken — truncated, structurally damaged, not UTF-8, each
/// field of the wrong type, null, 1 MB long or nested too deep — plus wrong content types, and route and query values
/// that are not what the route expects.
/// </summary>
internal static class BadInputs
{
    private const int Seed = 20250613;

    /// <summary>Route values of the right form that name nothing, so a request aimed at one thing can never change another.</summary>
    public static string SampleRouteValue(RoutePatternParameterPart parameter) =>
        parameter.ParameterPolicies.Select(p => p.Content).FirstOrDefault() switch
        {
            "long" or "int" => "987654321",
            "guid" => "0badf00d-0000-4000-8000-000000000000",
            _ => "no-such-thing",
        };

    private static readonly string[] BadValues =
    [
        "abc", "-1", "0", "-2147483649", "99999999999999999999999999", "1.5", "1e10", "0x10", " ", "true", "null",
        "\u2603\U0001F600", "\u0000", "../../../etc/passwd", "..\\..\\windows\\win.ini", "'; DROP TABLE key_packs; --",
        "<script>alert(1)</script>", "%", new string('9', 400), new string('x', 4000),
    ];

    // Already escaped: what a client sends when it escapes on purpose, or wrongly (invalid UTF-8, overlong encodings).
    private static readonly string[] EscapedBadValues = ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%C0%AE%C0%AE", "%FF%FE"];

    // A NUL in the path never reaches the application: Kestrel refuses it with an empty 400, so it goes in the query only.
    private static readonly string[] RouteBadValues = [.. BadValues.Where(v => v != "\u0000").Select(Uri.EscapeDataString), .. EscapedBadValues];
    private static readonly string[] QueryBadValues = [.. BadValues.Select(Uri.EscapeDataString), .. EscapedBadValues, "%00"];

    private static readonly string[] WrongContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz",
        "application/json; charset=utf-7", "application/json; charset=nonsense", "*/*",
    ];

    public static IEnumerable<FuzzRequest> For(FuzzEndpoint endpoint, string? antiforgeryToken)
    {
        var random = new Random(Seed ^ BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint.Name))));
        var path = Path(endpoint.Pattern, _ => null);
        var sample = endpoint.BodyType is { } bodyType ? JsonShape.Sample(bodyType) : null;
        var sampleBytes = sample is null ? null : Encoding.UTF8.GetBytes(sample.ToJsonString());

        foreach (var parameter in endpoint.RouteParameters)
        {
            foreach (var value in RouteBadValues)
                yield return new FuzzRequest($"route {parameter.Name}", endpoint.Method, Path(endpoint.Pattern, p => p == parameter.Name ? value : null), sampleBytes,
                    sampleBytes is null ? null : "application/json", MustBeRefused: endpoint.Method != HttpMethods.Get);
        }

        foreach (var (name, _) in endpoint.Query)
        {
            foreach (var value in QueryBadValues)
                yield return new FuzzRequest($"query {name}", endpoint.Method, $"{path}?{name}={value}");
            yield return new FuzzRequest($"query {name} twice", endpoint.Method, $"{path}?{name}=1&{name}=2");
        }
        yield return new FuzzRequest("unknown query", endpoint.Method, path + "?" + string.Join('&', Enumerable.Range(0, 50).Select(i => $"p{i}=%00")));

        if (endpoint.Method == HttpMethods.Get || endpoint.Method == HttpMethods.Head) yield break;

        if (endpoint.ReadsForm || endpoint.BodyType is null)
        {
            foreach (var request in Forms(endpoint, path, antiforgeryToken)) yield return request;
            if (endpoint.BodyType is null) yield break;
        }

        foreach (var request in Bodies(endpoint, path, sample!, sampleBytes!, random)) yield return request;
    }

    private static IEnumerable<FuzzRequest> Bodies(FuzzEndpoint endpoint, string path, JsonNode sample, byte[] sampleBytes, Random random)
    {
        FuzzRequest Json(string what, byte[] body) => new(what, endpoint.Method, path, body, "application/json", MustBeRefused: true);
        FuzzRequest Text(string what, string body) => Json(what, Encoding.UTF8.GetBytes(body));

        yield return Text("empty body", "");
        yield return new FuzzRequest("no body, no content type", endpoint.Method, path, MustBeRefused: true);
        yield return Text("null body", "null");
        foreach (var notAnObject in new[] { "[]", "42", "\"text\"", "true", "{not json", "{\"a\":", "\uFEFF\uFEFF{}", "{}}" })
            yield return Text("not the object: " + notAnObject, notAnObject);
        yield return Text("deeply nested body", new string('[', 10_000) + new string(']', 10_000));
        yield return Text("1 MB string for a body", "\"" + new string('A', 1_000_000) + "\"");
        for (var i = 0; i < 4; i++)
        {
            var garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            yield return Json("random bytes", garbage);
        }

        var json = Encoding.UTF8.GetString(sampleBytes);
        for (var i = 0; i < 6; i++)
        {
            var length = random.Next(1, json.Length);
            yield return Text($"truncated at {length}", json[..length]);
        }
        var structural = StructuralPositions(json);
        for (var i = 0; i < 4 && structural.Count > 0; i++)
        {
            var at = structural[random.Next(structural.Count)];
            yield return Text($"'{json[at]}' at {at} removed", json.Remove(at, 1));
        }
        // Between tokens, or inside a value. (Inside a property name it would go unnoticed: a name the body type does not
        // have is skipped without being decoded, so the request is the same as without that field.)
        var notNames = structural.Concat(ValueStarts(json)).Distinct().ToList();
        for (var i = 0; i < 3; i++)
        {
            var at = notNames[random.Next(notNames.Count)];
            var bytesBefore = Encoding.UTF8.GetByteCount(json[..at]);
            yield return Json($"invalid UTF-8 at {at}", [.. sampleBytes[..bytesBefore], 0xC3, 0x28, .. sampleBytes[bytesBefore..]]);
        }

        // A body whose only field is null is the empty request, which may be a valid one (a report of the default type).
        var nullable = JsonShape.Paths(sample).Count > 1;
        foreach (var fieldPath in JsonShape.Paths(sample))
        {
            var original = JsonShape.At(sample, fieldPath);
            foreach (var wrong in WrongKinds(original))
                yield return Text($"{fieldPath} = {wrong?.ToJsonString() ?? "null"}", JsonShape.Replace(sample, fieldPath, wrong)!.ToJsonString());
            // Null may rightly mean "leave as is" (the policies): it must not fail the server, and the state check still applies.
            if (nullable) yield return Text($"{fieldPath} = null", JsonShape.Replace(sample, fieldPath, null)!.ToJsonString()) with { MustBeRefused = false };
            if (original is JsonValue v && v.TryGetValue<string>(out _))
            {
                yield return Text($"{fieldPath} 1 MB long", JsonShape.Replace(sample, fieldPath, new string('A', 1_000_000))!.ToJsonString());
                // PostgreSQL text cannot hold NUL: a value that reaches the database with one fails there.
                yield return Text($"{fieldPath} with a NUL", JsonShape.Replace(sample, fieldPath, "a\u0000b")!.ToJsonString()) with { MustBeRefused = false };
            }
            yield return Text($"{fieldPath} nested too deep", JsonShape.Replace(sample, fieldPath, Nested(40))!.ToJsonString());
        }

        foreach (var contentType in WrongContentTypes)
            yield return new FuzzRequest("content type " + contentType, endpoint.Method, path, sampleBytes, contentType, MustBeRefused: true);
    }

    private static IEnumerable<FuzzRequest> Forms(FuzzEndpoint endpoint, string path, string? antiforgeryToken)
    {
        FuzzRequest Form(string what, string body, string type = "application/x-www-form-urlencoded") =>
            new(what, endpoint.Method, path, Encoding.UTF8.GetBytes(body), type);
        var token = antiforgeryToken is null ? "" : "__RequestVerificationToken=" + Uri.EscapeDataString(antiforgeryToken) + "&";

        yield return Form("garbage form without antiforgery token", "a=%ZZ&&==&b");
        yield return Form("empty form", "");
        yield return Form("json where a form is expected", "{\"a\":1}", "application/json");
        yield return Form("broken multipart", "--fuzz\r\nContent-Disposition: form-data\r\n\r\nx", "multipart/form-data; boundary=fuzz");
        yield return new FuzzRequest("random bytes", endpoint.Method, path, Enumerable.Range(0, 256).Select(i => (byte)(255 - i)).ToArray(), "application/octet-stream");
        if (antiforgeryToken is null) yield break;
        yield return Form("unknown form name", token + "_handler=no-such-form&a=1");
        yield return Form("no form name", token + "a=%ZZ&&==");
        yield return Form("1 MB field", token + "_handler=no-such-form&a=" + new string('A', 1_000_000));
        yield return Form("control characters", token + "_handler=%00%01&%00=%00");
    }

    /// <summary>Positions of braces, brackets, colons, commas and quotes outside strings (and the quotes themselves): removing one always breaks the JSON.</summary>
    private static List<int> StructuralPositions(string json)
    {
        var positions = new List<int>();
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') { inString = false; positions.Add(i); }
            }
            else if (c == '"') { inString = true; positions.Add(i); }
            else if (c is '{' or '}' or '[' or ']' or ':' or ',') positions.Add(i);
        }
        return positions;
    }

    /// <summary>Positions just inside the opening quote of string values.</summary>
    private static IEnumerable<int> ValueStarts(string json)
    {
        for (var i = 1; i < json.Length; i++)
            if (json[i - 1] == '"' && i >= 2 && json[i - 2] == ':') yield return i;
    }

    /// <summary>Arrays in arrays, deeper than the server reads (16).</summary>
    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    /// <summary>Values of every other JSON kind than the field's own.</summary>
    private static IEnumerable<JsonNode?> WrongKinds(JsonNode? original) => original switch
    {
        JsonObject => [JsonValue.Create("x"), JsonValue.Create(5), new JsonArray()],
        JsonArray => [JsonValue.Create("x"), new JsonObject(), JsonValue.Create(5)],
        JsonValue v when v.TryGetValue<string>(out _) => [JsonValue.Create(12345), JsonValue.Create(true), new JsonObject(), new JsonArray()],
        JsonValue v when v.TryGetValue<bool>(out _) => [JsonValue.Create("yes"), JsonValue.Create(1), new JsonObject()],
        JsonValue => [JsonValue.Create("abc"), JsonValue.Create(true), new JsonObject(), JsonValue.Create(1.5), JsonNode.Parse("1e40")],
        _ => [JsonValue.Create(5)],
    };

    /// <summary>The route's path with sample values, or the value <paramref name="choose"/> gives (already escaped).</summary>
    public static string Path(RoutePattern pattern, Func<string, string?> choose)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => choose(parameter.Name) ?? SampleRouteValue(parameter),
                    _ => "",
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }
}
