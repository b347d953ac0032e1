using System.Globalization;
using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>The license server's event log, as <c>rdlic events</c> reads it.</summary>
public sealed partial class ManagerApi
{
    /// <summary>GET /api/admin/events — newest first; <paramref name="level"/> is a minimum; <paramref name="before"/> pages back from a sequence number.</summary>
    public Task<List<EventView>> EventsAsync(int? eventId, string? level, long? before, int limit, CancellationToken ct) =>
        GetAsync<List<EventView>>(WithQuery("api/admin/events",
        [
            new("eventId", eventId?.ToString(CultureInfo.InvariantCulture)), new("level", level),
            new("before", before?.ToString(CultureInfo.InvariantCulture)), new("limit", limit.ToString(CultureInfo.InvariantCulture)),
        ]), ct);
}
