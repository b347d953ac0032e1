namespace RdLicensing.Cli;

/// <summary>A failure the user should read as one line, <c>rdlic: message</c>, with the exit code to return.</summary>
internal class CliException(string message, int exitCode = CliException.Failure) : Exception(message)
{
    public const int Failure = 1;
    public const int Usage = 2;

    public int ExitCode { get; } = exitCode;
}

/// <summary>The command line itself is wrong (a value, a missing file): exit code 2.</summary>
internal sealed class UsageException(string message) : CliException(message, Usage);

/// <summary>The license server answered with ProblemDetails; <see cref="CliException.Message"/> is its detail.</summary>
internal sealed class ProblemException(int status, string? type, string detail) : CliException(detail)
{
    public int Status { get; } = status;

    /// <summary>The stable problem type, e.g. https://rdlicensing.dev/problems/revocation-limit-reached.</summary>
    public string? Type { get; } = type;
}
