using System.Text.Json;
using System.Text.Json.Nodes;

namespace RdLicensing.Core.Signing;

public enum SignedDocumentError
{
    Malformed,
    WrongFormat,
    UntrustedSigner,
    BadSignature,
}

public sealed class SignedDocumentException(SignedDocumentError error, string message) : Exception(message)
{
    public SignedDocumentError Error { get; } = error;
}

/// <summary>
/// The file form of everything a clearinghouse signs (key packs, activation certificates):
/// <c>{"format":…,"formatVersion":…,"fields":{…},"signature":"base64"}</c>. The signature covers
/// <see cref="CanonicalPayload"/> of the fields, never the JSON text.
/// </summary>
public sealed record SignedDocument(SignedDocumentSchema Schema, IReadOnlyDictionary<string, string> Fields, byte[] Signature)
{
    public const int MaxFileBytes = 64 * 1024;

    public byte[] CanonicalBytes() => CanonicalPayload.Build(Schema, Fields);

    public string ToJson()
    {
        var fields = new JsonObject();
        foreach (var name in Schema.Fields) fields[name] = Fields[name];
        var root = new JsonObject
        {
            ["format"] = Schema.Format,
            ["formatVersion"] = Schema.Version,
            ["fields"] = fields,
            ["signature"] = Convert.ToBase64String(Signature),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Parses a document of the given schema. Never trusts it: call <see cref="VerifyWith"/>.</summary>
    public static SignedDocument Parse(string json, SignedDocumentSchema schema)
    {
        if (json.Length > MaxFileBytes)
            throw new SignedDocumentException(SignedDocumentError.Malformed, $"the file is larger than {MaxFileBytes / 1024} KiB");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 8 }) as JsonObject
                ?? throw new SignedDocumentException(SignedDocumentError.Malformed, "the file is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new SignedDocumentException(SignedDocumentError.Malformed, $"the file is not valid JSON ({e.Message})");
        }

        var format = ReadString(root, "format");
        if (format != schema.Format)
            throw new SignedDocumentException(SignedDocumentError.WrongFormat, $"the file is a '{format}', expected a '{schema.Format}'");
        if (root["formatVersion"] is not JsonValue versionNode || !versionNode.TryGetValue<int>(out var version) || version != schema.Version)
            throw new SignedDocumentException(SignedDocumentError.WrongFormat, $"unsupported formatVersion; this server reads {schema.Format} version {schema.Version}");

        if (root["fields"] is not JsonObject fieldsNode)
            throw new SignedDocumentException(SignedDocumentError.Malformed, "'fields' is missing or not an object");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in fieldsNode)
        {
            if (!schema.Fields.Contains(name))
                throw new SignedDocumentException(SignedDocumentError.Malformed, $"unknown field '{name}'");
            if (node is not JsonValue value || !value.TryGetValue<string>(out var text))
                throw new SignedDocumentException(SignedDocumentError.Malformed, $"field '{name}' is not a string");
            fields[name] = text;
        }
        foreach (var name in schema.Fields)
        {
            if (!fields.ContainsKey(name))
                throw new SignedDocumentException(SignedDocumentError.Malformed, $"field '{name}' is missing");
        }

        byte[] signature;
        try { signature = Convert.FromBase64String(ReadString(root, "signature")); }
        catch (FormatException) { throw new SignedDocumentException(SignedDocumentError.Malformed, "'signature' is not base64"); }

        return new SignedDocument(schema, fields, signature);
    }

    /// <summary>Throws unless the document names this clearinghouse and its signature verifies with its key.</summary>
    public void VerifyWith(ClearinghouseCertificate clearinghouse)
    {
        if (Fields.TryGetValue("clearinghouse", out var signer) && signer != clearinghouse.Thumbprint)
            throw new SignedDocumentException(SignedDocumentError.UntrustedSigner,
                $"it was signed by clearinghouse {Short(signer)}, not by the trusted clearinghouse {Short(clearinghouse.Thumbprint)}");
        if (!clearinghouse.Verify(CanonicalBytes(), Signature))
            throw new SignedDocumentException(SignedDocumentError.BadSignature,
                "its signature does not verify: the file was altered or signed by another key");
    }

    private static string Short(string thumbprint) => thumbprint.Length > 16 ? thumbprint[..16] : thumbprint;

    private static string ReadString(JsonObject root, string name) =>
        root[name] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new SignedDocumentException(SignedDocumentError.Malformed, $"'{name}' is missing or not a string");
}
