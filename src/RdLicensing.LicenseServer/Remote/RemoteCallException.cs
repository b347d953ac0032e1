namespace RdLicensing.LicenseServer.Remote;

public enum RemoteFailure
{
    /// <summary>No address is configured for the other party.</summary>
    NotConfigured,
    /// <summary>No answer: refused connection, DNS, timeout, or an answer that is not the expected service.</summary>
    Unreachable,
    /// <summary>The other party answered with a ProblemDetails refusal; its detail is passed on.</summary>
    Refused,
}

/// <summary>A call to the clearinghouse or to another license server failed; the message says what happened.</summary>
public sealed class RemoteCallException(RemoteFailure failure, string message, int? status = null, string? problemType = null, string? field = null, int? group = null,
    IReadOnlyList<Guid>? keyPackIds = null, string? cause = null)
    : Exception(message)
{
    /// <summary>Which of several causes of one refusal type (extension <c>cause</c>), e.g. "contact-number-reused" for a clone-detected.</summary>
    public string? Cause { get; } = cause;

    /// <summary>The key packs a refusal names (extension <c>keyPackIds</c>), e.g. those a migration took away.</summary>
    public IReadOnlyList<Guid> KeyPackIds { get; } = keyPackIds ?? [];

    /// <summary>Whether the refusal's ProblemDetails type ends with this slug.</summary>
    public bool Is(string slug) => ProblemType?.EndsWith("/" + slug, StringComparison.Ordinal) == true;

    public RemoteFailure Failure { get; } = failure;

    /// <summary>The HTTP status of a refusal.</summary>
    public int? Status { get; } = status;

    /// <summary>The refusal's ProblemDetails type, passed on so scripts can tell refusals apart.</summary>
    public string? ProblemType { get; } = problemType;

    public string? Field { get; } = field;

    public int? Group { get; } = group;
}
