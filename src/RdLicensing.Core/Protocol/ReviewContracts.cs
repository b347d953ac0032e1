namespace RdLicensing.Core.Protocol;

/// <summary>
/// GET /api/admin/review — Review Configuration: what the license server is set up with, and each check
/// (<see cref="Checks"/>, problems first) with the fix the Licensing Manager offers for it.
/// </summary>
public sealed record ConfigurationReviewView(
    string ProductId,
    string ServerVersion,
    DateTimeOffset Now,
    ActivationView Activation,
    string? Clearinghouse,
    bool ClearinghouseAddressConfigured,
    DatabaseView Database,
    PoliciesView Policies,
    int KeyPacks,
    IReadOnlyList<SessionHostView> SessionHosts,
    IReadOnlyList<ReviewCheckView> Checks);

/// <summary>
/// Where the license server keeps its database. Location: the database file (or the provider's name when it is not a
/// file); SizeBytes: the file with its write-ahead log; OwnerOnly: null where file modes do not apply (Windows).
/// </summary>
public sealed record DatabaseView(string Provider, string Location, string? Folder, long? SizeBytes, bool? OwnerOnly);

/// <summary>
/// One check. Status "error" | "warning" | "ok"; Fix (when one exists): "activate", "reactivate", "install-licenses",
/// "add-to-security-group" (Subject: the session host); Subject: what the check is about.
/// </summary>
public sealed record ReviewCheckView(string Id, string Status, string Message, string? Fix, string? Subject);
