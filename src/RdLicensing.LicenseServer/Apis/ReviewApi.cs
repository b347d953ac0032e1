using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Review Configuration: the settings that decide whether the license server can license its session hosts, checked.</summary>
public static class ReviewApi
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                              | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static RouteGroupBuilder MapReviewApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/review", Review)
            .WithSummary("Review Configuration: activation and certificate expiry, clearinghouse, database location and size, policies, enrolled session hosts, and every check (problems first) with its fix.");
        return api;
    }

    public static async Task<Ok<ConfigurationReviewView>> Review(ServerState server, LicenseStore store, ClearinghouseClient clearinghouse, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = server.CurrentActivation; // one read: another node may change it meanwhile
        var activation = current.Certificate;
        var status = current.StatusAt(now);
        var policies = await LicensingPolicies.ReadAsync(store, cancellationToken);
        var hosts = (await store.SessionHostsAsync(cancellationToken)).Select(h => h.ToView()).OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var keyPacks = (await store.KeyPacksAsync(cancellationToken)).Count;
        var database = Database(store.Dialect);
        var checks = ConfigurationReview.Check(new ReviewInput(now, status, activation?.ExpiresAt, server.Clearinghouse?.Subject, clearinghouse.IsConfigured,
            policies.SecurityGroupEnabled, hosts.Select(h => new ReviewedHost(h.Name, h.InSecurityGroup)).ToList(), keyPacks, database));
        return TypedResults.Ok(new ConfigurationReviewView(server.ProductId, server.Version.ToShortName(), now,
            new ActivationView(status, activation?.LicenseServerId, activation?.IssuedAt, activation?.ExpiresAt),
            server.Clearinghouse?.Subject, clearinghouse.IsConfigured, database,
            new PoliciesView(policies.SecurityGroupEnabled, policies.PreventLicenseUpgrade), keyPacks, hosts, checks));
    }

    /// <summary>The database file, its folder, its size with the write-ahead log, and whether only its owner may read it.</summary>
    public static DatabaseView Database(IStoreDialect dialect)
    {
        if (dialect is not SqliteDialect sqlite) return new DatabaseView(dialect.Name, StoreDialects.Describe(dialect), null, null, null);
        var file = new FileInfo(sqlite.DatabasePath);
        long? size = file.Exists ? file.Length + (new FileInfo(file.FullName + "-wal") is { Exists: true } wal ? wal.Length : 0) : null;
        bool? ownerOnly = OperatingSystem.IsWindows() || !file.Exists ? null : (File.GetUnixFileMode(file.FullName) & GroupOrOther) == 0;
        return new DatabaseView(sqlite.Name, file.FullName, file.DirectoryName, size, ownerOnly);
    }
}
