using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Domain → wire records.</summary>
internal static class Views
{
    public static CalView ToView(this IssuedCal c) => new(c.Id, c.Type.ToShortName(), c.Status.ToShortName(), c.Version.ToShortName(),
        c.KeyPackId, c.IsTemporary, c.Validated, c.OverUsed, c.HardwareId, c.ClientName, c.UserName, c.HostName, c.IssuedAt, c.ExpiresAt, c.RevokedAt);

    public static KeyPackView ToView(this KeyPack p) => new(p.Id, p.Program.ToShortName(), p.Program.ToDisplayName(), p.Version.ToShortName(),
        p.Version.ToDisplayName(), p.Type.ToShortName(), p.Total, p.Issued, p.Available, p.ExpiresAt, p.Description, p.Origin.Clearinghouse,
        p.Origin.LicenseServerProductId, p.Origin.ProgramReference, p.InstalledAt);

    public static RevocationView ToView(this RevocationAllowance a, ProductVersion version) =>
        new(version.ToShortName(), a.Installed, a.Limit, a.RevokedNow, a.RevocableNow, a.NextPossibleAt);

    public static EventView ToView(this LicensingEvent e) => new(e.Sequence, e.At, (int)e.EventId, e.EventId.ToString(), e.Level.ToString().ToLowerInvariant(),
        e.Message, e.SessionHost, e.Device, e.User, e.CalId);

    public static SessionHostView ToView(this SessionHostRecord h) => new(h.Name, h.InSecurityGroup, h.EnrolledAt, h.LastSeenAt);

    public static ReportView ToView(this ReportRecord r) => new(r.Id, r.Type, r.CreatedAt, r.Scope, r.Summary);
}
