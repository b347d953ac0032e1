using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Recovery;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Rebuild the database (delete every CAL, reissue through the clearinghouse) and take a backup.</summary>
public static class RecoveryApi
{
    public static RouteGroupBuilder MapRecoveryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Recovery").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapPost("/database/rebuild", Rebuild)
            .WithSummary($"Delete every key pack and issued CAL (confirm: \"{DatabaseRebuilder.Confirmation}\"), then reinstall what the clearinghouse reissues.");
        api.MapPost("/backup", Backup).WithSummary("A consistent copy of the database, identity included (application/octet-stream).")
            .WithMetadata(new ServiceDefaults.FileDownloadMetadata("application/octet-stream", "The backup file (rdlic server restore --file)."));
        return api;
    }

    public static async Task<Results<Ok<RebuildResponse>, ProblemHttpResult>> Rebuild(RebuildBody body, DatabaseRebuilder rebuilder, CancellationToken cancellationToken)
    {
        if (!string.Equals(body.Confirm?.Trim(), DatabaseRebuilder.Confirmation, StringComparison.OrdinalIgnoreCase))
            return Problems.Invalid("confirm",
                $"Rebuilding deletes every installed key pack and every issued CAL. To confirm, send confirm: \"{DatabaseRebuilder.Confirmation}\" (rdlic: server rebuild-database --yes).");
        return TypedResults.Ok(await rebuilder.RebuildAsync(cancellationToken));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Backup(DatabaseBackup backup, LicenseStore store, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (store.Dialect is not SqliteDialect)
            return Problems.Conflict("backup-not-here", "Back up the PostgreSQL database instead",
                $"This license server keeps its data in PostgreSQL ({StoreDialects.Describe(store.Dialect)}), which every node shares: back it up with pg_dump or the cluster's continuous archiving.");
        return TypedResults.File(await backup.CreateAsync(cancellationToken), "application/octet-stream",
            $"rdlicensing-backup-{clock.GetUtcNow():yyyyMMdd-HHmmss}.db");
    }
}
