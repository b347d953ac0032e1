using System.Text;

namespace RdLicensing.Core.Signing;

/// <summary>
/// The exact bytes that are signed: a header line naming the format and its version, then one
/// <c>name=value</c> line per field in the schema's fixed order. Nothing depends on JSON formatting,
/// so a document re-serialised by any tool still verifies, and a field cannot be moved or added.
/// </summary>
public static class CanonicalPayload
{
    public static byte[] Build(SignedDocumentSchema schema, IReadOnlyDictionary<string, string> fields)
    {
        var text = new StringBuilder();
        text.Append(schema.Format).Append('/').Append(schema.Version).Append('\n');
        foreach (var name in schema.Fields)
        {
            if (!fields.TryGetValue(name, out var value))
                throw new SignedDocumentException(SignedDocumentError.Malformed, $"field '{name}' is missing");
            if (value.Contains('\n') || value.Contains('\r'))
                throw new SignedDocumentException(SignedDocumentError.Malformed, $"field '{name}' contains a line break");
            text.Append(name).Append('=').Append(value).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

/// <summary>A signed document kind: its format name, version and ordered field list.</summary>
public sealed record SignedDocumentSchema(string Format, int Version, IReadOnlyList<string> Fields);

public static class CanonicalPayloadReader
{
    /// <summary>Reads back what <see cref="CanonicalPayload.Build"/> wrote; rejects anything else.</summary>
    public static Dictionary<string, string> Read(SignedDocumentSchema schema, string text)
    {
        var lines = text.Split('\n');
        if (lines.Length != schema.Fields.Count + 2 || lines[^1] != "" || lines[0] != $"{schema.Format}/{schema.Version}")
            throw new SignedDocumentException(SignedDocumentError.WrongFormat, $"not a {schema.Format} version {schema.Version} payload");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            var prefix = schema.Fields[i] + "=";
            var line = lines[i + 1];
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
                throw new SignedDocumentException(SignedDocumentError.Malformed, $"field '{schema.Fields[i]}' is missing");
            fields[schema.Fields[i]] = line[prefix.Length..];
        }
        return fields;
    }
}
