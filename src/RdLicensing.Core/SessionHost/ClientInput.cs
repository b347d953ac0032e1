namespace RdLicensing.Core.SessionHost;

/// <summary>What is wrong with a client's identifiers, and in which field.</summary>
public sealed record ClientInputProblem(string Field, string Message);

/// <summary>
/// The identifiers a client gives on a connection — client (machine) name, hardware id, user name — checked by the
/// session host itself with the same rules the license server applies to a CAL request (SessionHostApi): at most
/// <see cref="MaxIdLength"/> characters for the hardware id and <see cref="MaxNameLength"/> for the names, one line of
/// printable text (no control character). A connection whose input fails them is refused by the host as a licensing
/// refusal; it never reaches a license server, so a server's 400 can never be mistaken for "no license server answered".
/// </summary>
public static class ClientInput
{
    public const int MaxIdLength = 128;
    public const int MaxNameLength = 256;

    /// <summary>The first problem with the given identifiers (as they will be sent: trimmed, empty as absent), or null when they are acceptable.</summary>
    public static ClientInputProblem? Check(string? clientName, string? hardwareId, string? userName)
    {
        if (Problem("hardwareId", hardwareId, MaxIdLength) is { } id) return id;
        if (Problem("clientName", clientName, MaxNameLength) is { } client) return client;
        return Problem("userName", userName, MaxNameLength);
    }

    private static ClientInputProblem? Problem(string field, string? value, int max)
    {
        if (value is null) return null;
        if (value.Length > max) return new ClientInputProblem(field, $"{field} is longer than {max} characters");
        var control = value.FirstOrDefault(char.IsControl);
        return value.Any(char.IsControl)
            ? new ClientInputProblem(field, $"{field} contains a control character (U+{(int)control:X4}); it must be one line of printable text")
            : null;
    }
}
