using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

/// <summary>
/// A connection decision while it is being made: the outcome so far, the notes for the client and the events
/// to write with it. <see cref="ConnectionDecider"/> fills it; the store records it in one transaction.
/// </summary>
internal sealed class ConnectionDraft(ConnectionRequest request, SessionHostConfiguration config, GracePeriod grace, DateTimeOffset now, string hostName)
{
    public ConnectionRequest Request { get; } = request;
    public SessionHostConfiguration Config { get; } = config;
    public DateTimeOffset Now { get; } = now;
    public string HostName { get; } = hostName;
    public ProductVersion Version => Config.Version.Value;
    public IReadOnlyList<string> Servers => Config.LicenseServers.Value;

    /// <summary>The grace period as it will be once this connection is recorded (the first client connection starts it).</summary>
    public GracePeriod Grace { get; private set; } = grace.HasStarted ? grace : new GracePeriod(now);

    /// <summary>Whether the store recorded a start before this connection.</summary>
    public bool HadRecordedGrace { get; } = grace.HasStarted;

    /// <summary>
    /// Why the grace period's start cannot be known (no local record and no license server answered), or null. While it is unknown
    /// the period counts as ended, and this connection does not start one.
    /// </summary>
    public string? GraceUnknown { get => _graceUnknown; init => _graceUnknown = value; }

    private string? _graceUnknown;

    /// <summary>A start a license server anchored that is earlier than this host's: recorded with the connection.</summary>
    public DateTimeOffset? AdoptedGraceStart { get; private set; }

    /// <summary>What the CAL request reports as the grace period's end: nothing while the start is unknown.</summary>
    public DateTimeOffset? ReportedGraceEndsAt => GraceUnknown is null ? Grace.EndsAt : null;

    /// <summary>Takes the start a license server anchored when it is earlier than the one this decision uses (or the start is unknown).</summary>
    public bool AdoptGrace(DateTimeOffset anchored)
    {
        if (GraceUnknown is null && Grace.StartedAt is { } start && start <= anchored) return false;
        Grace = new GracePeriod(anchored);
        AdoptedGraceStart = anchored;
        _graceUnknown = null; // a license server answered: the start is known now
        return true;
    }

    public List<PendingSessionHostEvent> Events { get; } = [];
    public List<string> Notes { get; } = [];

    public ConnectionOutcome Outcome { get; private set; } = ConnectionOutcome.Refused;
    public string Message { get; private set; } = "";
    public ClientCal? Cal { get; private set; }
    public byte[]? License { get; private set; }
    public string? LicenseServer { get; private set; }
    public ConnectionRefusal? Refusal { get; private set; }

    public bool GraceActive => GraceUnknown is null && Grace.IsActiveAt(Now);

    public void Event(SessionHostEventId id, string message, string? licenseServer = null) =>
        Events.Add(new PendingSessionHostEvent(id, message, Request.ClientName, Request.UserName, licenseServer));

    public void Note(string note) => Notes.Add(note);

    public void Licensed(ClientCal cal, byte[]? license, string? licenseServer, string message)
    {
        Outcome = ConnectionOutcome.Licensed;
        Cal = cal;
        License = license;
        LicenseServer = licenseServer;
        Message = message;
    }

    /// <summary>Per User behind a desktop: nothing is requested before the desktop says who signed in.</summary>
    public void AwaitSignIn(string message)
    {
        Outcome = ConnectionOutcome.AwaitingSignIn;
        Message = message;
    }

    /// <summary>No CAL: the grace period allows the connection while it runs; afterwards it is refused with <paramref name="code"/>.</summary>
    public void GraceOr(LicensingErrorCode code, string reason, string why, string? licenseServer = null)
    {
        var days = Grace.DaysLeftAt(Now);
        if (GraceActive)
        {
            Outcome = ConnectionOutcome.Grace;
            Message = $"Allowed by the licensing grace period ({days} day{(days == 1 ? "" : "s")} left, until {Grace.EndsAt:yyyy-MM-dd HH:mm} UTC) without a CAL. {why}";
            LicenseServer = licenseServer;
            Event(SessionHostEventId.ConnectionAllowedByGracePeriod, $"{Request.ClientName} connected without a CAL during the grace period ({days} days left): {why}", licenseServer);
            return;
        }
        var message = GraceUnknown is { } unknown
            ? $"{code.ClientMessage()} {why} Session host {HostName} has no record of its licensing grace period and no license server answered to say when it started " +
              $"({unknown}): it counts as ended until one does."
            : $"{code.ClientMessage()} {why} The licensing grace period of session host {HostName} ended on {Grace.EndsAt:yyyy-MM-dd}.";
        Outcome = ConnectionOutcome.Refused;
        Refusal = new ConnectionRefusal(code, reason, message);
        Message = message;
        LicenseServer = licenseServer;
        Event(SessionHostEventId.ConnectionRefused, $"{Request.ClientName} was refused ({code.ToHex()} {reason}): {why}", licenseServer);
    }

    /// <summary>Refused whatever the grace period: the request itself cannot be licensed (never let in by the grace period).</summary>
    public void Refuse(LicensingErrorCode code, string reason, string why, string? licenseServer = null)
    {
        var message = $"{code.ClientMessage()} {why}";
        Outcome = ConnectionOutcome.Refused;
        Refusal = new ConnectionRefusal(code, reason, message);
        Message = message;
        LicenseServer = licenseServer;
        Event(SessionHostEventId.ConnectionRefused, $"{Request.ClientName} was refused ({code.ToHex()} {reason}): {why}", licenseServer);
    }

    /// <summary>Records, as events and notes, why each license server before the one that answered (if any) was passed over.</summary>
    public void Failures(IReadOnlyList<LicenseServerFailure> failures)
    {
        foreach (var f in failures)
        {
            var (id, text) = f.Contact switch
            {
                LicenseServerContact.NotInSecurityGroup => (SessionHostEventId.NotInLicenseServerSecurityGroup,
                    $"License server {f.Url} refused session host {HostName}: it is not in that server's security group (Terminal Server Computers). {f.Problem}"),
                LicenseServerContact.NotEnrolled or LicenseServerContact.AccessDenied => (SessionHostEventId.LicenseServerAccessDenied,
                    $"License server {f.Url} cannot be used by session host {HostName}: {f.Problem}."),
                LicenseServerContact.NotConnectable => (SessionHostEventId.LicenseServerUnavailable, $"License server {f.Url} is not available ({f.Problem})."),
                _ => (SessionHostEventId.LicenseServerUnavailable, $"License server {f.Url} answered with an error ({f.Problem})."),
            };
            Event(id, text, f.Url);
            Note(text);
        }
    }

    public static string Summary(IReadOnlyList<LicenseServerFailure> failures) =>
        string.Join("; ", failures.Select(f => f.Contact switch
        {
            LicenseServerContact.NotConnectable => $"{f.Url} is not available ({f.Problem})",
            LicenseServerContact.NotInSecurityGroup => $"{f.Url} refused this host (not in its security group)",
            LicenseServerContact.NotEnrolled => $"{f.Url}: this host is not enrolled there",
            LicenseServerContact.AccessDenied => $"{f.Url} refused this host's token",
            _ => $"{f.Url} answered with an error ({f.Problem})",
        }));
}
