namespace RdLicensing.LicenseServer.Console;

/// <summary>The API refused or could not be reached: <see cref="Exception.Message"/> is the one line to show (the ProblemDetails detail).</summary>
public sealed class ManagerApiException(string message, int? status = null) : Exception(message)
{
    public int? Status { get; } = status;
}
