using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

public sealed record CalQuery(
    CalType? Type = null,
    CalStatus? Status = null,
    ProductVersion? Version = null,
    string? User = null,
    string? Device = null,
    bool? OverUsed = null,
    int Page = 1,
    int PageSize = 50,
    Guid? KeyPackId = null,
    CalSortColumn SortBy = CalSortColumn.Id,
    bool Descending = true);

/// <summary>The columns the issued CALs can be sorted by (newest first, by ID, unless asked otherwise).</summary>
public enum CalSortColumn { Id, Client, User, Type, Status, Issued, Expires, Version, Host }

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Events newest first: AfterSequence (seq &gt; N) follows the log, BeforeSequence (seq &lt; N) pages back through it.</summary>
public sealed record EventQuery(LicensingEventId? EventId = null, EventLevel? MinimumLevel = null, long? AfterSequence = null, int Limit = 100, long? BeforeSequence = null);

public sealed record SessionHostRecord(string Name, bool InSecurityGroup, DateTimeOffset EnrolledAt, DateTimeOffset? LastSeenAt);

public sealed record ReportRecord(string Id, string Type, DateTimeOffset CreatedAt, string Scope, string Summary);

/// <summary>Counts of issued CALs per type and version, for status and reports.</summary>
public sealed record CalCounts(CalType Type, ProductVersion Version, int Temporary, int Permanent, int OverUsed, int Revoked);
