using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Connections;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Apis;

/// <summary>Domain → wire records of the session host API.</summary>
public static class Views
{
    public static GraceView Grace(GracePeriod grace, DateTimeOffset now) => new(grace.StateAt(now), grace.StartedAt, grace.EndsAt, grace.DaysLeftAt(now));

    public static ConnectionView ToView(this ConnectionDecision d, DateTimeOffset now) => new(
        d.Outcome.ToString().ToLowerInvariant(),
        d.Allowed,
        d.Message,
        d.SessionId,
        d.HostName,
        d.Mode.ToShortName(),
        d.HostVersion.ToShortName(),
        d.Cal is { } c
            ? new ClientCalView(c.Type.ToShortName(), c.Status, c.Version.ToShortName(), c.Temporary, c.Validated, c.OverUsed, c.ExpiresAt,
                c.Source == ClientCalSource.Presented ? "presented" : "license-server", c.LicenseServerProductId)
            : null,
        d.License is null ? null : Convert.ToBase64String(d.License),
        d.LicenseServer,
        d.Refusal is { } r ? new ConnectionRefusalView(r.Code?.ToHex(), r.Reason, r.Message) : null,
        Grace(d.Grace, now),
        d.Notes);

    public static SessionView ToView(this HostSessionRecord s, Rdp.LiveConnection? live = null) =>
        new(s.Id, s.Administrative, s.ClientName, s.UserName, s.Outcome, s.LicenseServer, s.SignedIn, s.StartedAt, s.LastActivityAt, s.EndedAt, s.EndReason,
            s.AuthenticatedUser ?? live?.AuthenticatedUser, s.HardwareId, CalOf(s), live is not null, live?.Desktop, live?.BytesFromClient ?? 0, live?.BytesToClient ?? 0);

    private static string CalOf(HostSessionRecord s) =>
        s.Administrative ? "administrative"
        : s.Outcome == "grace" ? "none (grace period)"
        : s.Outcome == "awaitingsignin" ? s.SignedIn ? "Per User (recorded at sign-in)" : "Per User (at sign-in)"
        : s.CalTemporary ? s.CalValidated ? "temporary, validated" : "temporary"
        : s.Outcome == "licensed" ? "permanent"
        : s.Outcome;

    public static SessionHostEventView ToView(this SessionHostEvent e) =>
        new(e.Sequence, e.At, (int)e.EventId, e.EventId.ToString(), e.Level.ToString().ToLowerInvariant(), e.Message, e.Device, e.User, e.LicenseServer);

    public static ClockView Clock(TimeProvider clock) => clock is SimulatedTimeProvider simulated
        ? new ClockView("simulated", clock.GetUtcNow(), $"{simulated.Offset.TotalDays:0.###}d")
        : new ClockView("real", clock.GetUtcNow(), "0d");

    public static string CalName(string type) => CalTypes.TryParse(type, out var t) ? t.ToDisplayName() : type;

    public static string VersionName(string version) => ProductVersions.TryParse(version, out var v) ? v.ToDisplayName() : version;
}
