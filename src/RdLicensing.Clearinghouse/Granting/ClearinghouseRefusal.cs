namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// Why the clearinghouse refused a request. Thrown inside the write transaction, so nothing it started
/// (a code used, an entitlement drawn) is kept. The API answers it as ProblemDetails; the web pages show
/// the detail next to <see cref="Field"/>.
/// </summary>
public sealed class ClearinghouseRefusal(int status, string slug, string title, string detail, string? field = null, int? group = null,
    IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;

    /// <summary>The last part of the ProblemDetails type, https://rdlicensing.dev/problems/&lt;slug&gt;.</summary>
    public string Slug { get; } = slug;

    public string Title { get; } = title;

    public string Detail => Message;

    /// <summary>The request field at fault, as named in JSON (e.g. "company.countryRegion").</summary>
    public string? Field { get; } = field;

    /// <summary>The mistyped group (1-based) of a typed code.</summary>
    public int? Group { get; } = group;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    /// <summary>Problem type slug of every identifier the clearinghouse does not recognize (<see cref="NotRecognized"/>).</summary>
    public const string NotRecognizedSlug = "not-recognized";

    /// <summary>
    /// Refusals that tell an identifier guesser "wrong": an unrecognized agreement, Open License or retail number, a
    /// License Server ID or source that is not this Product ID's. Each counts against the client address and the Product
    /// ID named (<see cref="Abuse.UnrecognizedIdentifiers"/>); a lock-out follows after too many.
    /// </summary>
    public static readonly IReadOnlySet<string> UnrecognizedIdentifierSlugs = new HashSet<string>(StringComparer.Ordinal)
    {
        NotRecognizedSlug, "license-server-id-rejected", "license-server-id-superseded", "license-server-id-mismatch", "source-not-found", "key-pack-not-found",
    };

    public bool IsUnrecognizedIdentifier => UnrecognizedIdentifierSlugs.Contains(Slug);

    /// <summary>
    /// An identifier (agreement, Open License or retail number) that is unknown, or known but not for what was asked: one
    /// problem type and one wording whatever the reason, so a refusal reveals nothing about what exists or remains.
    /// </summary>
    public static ClearinghouseRefusal NotRecognized(string detail, string field) =>
        new(StatusCodes.Status422UnprocessableEntity, NotRecognizedSlug, "Not recognized", detail, field);

    public static ClearinghouseRefusal Invalid(string field, string detail) =>
        new(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid", detail, field);

    /// <summary>Required company information (names, company, country/region) left empty.</summary>
    public static ClearinghouseRefusal MissingInformation(string field, string detail) =>
        new(StatusCodes.Status400BadRequest, "activation-missing-information", "Required information missing", detail, field);

    public static ClearinghouseRefusal Mistyped(string field, int? group, string detail) =>
        new(StatusCodes.Status400BadRequest, "code-mistyped", "Code mistyped", detail, field, group);

    public static ClearinghouseRefusal Conflict(string slug, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status409Conflict, slug, title, detail, extensions: extensions);

    public static ClearinghouseRefusal Unprocessable(string slug, string title, string detail, string? field = null) =>
        new(StatusCodes.Status422UnprocessableEntity, slug, title, detail, field);

    public static ClearinghouseRefusal NotFound(string slug, string detail) =>
        new(StatusCodes.Status404NotFound, slug, "Not found", detail);
}
