using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>
/// A source license server that comes back after a migration for a "no longer functioning" source took its key packs is
/// told so at its next signed request on these routes: refused once (409 <see cref="MigrationProblems.MigratedAway"/>,
/// naming the key packs, the target and the date), the notice then marked as given. Only a request signed by the key the
/// clearinghouse holds for the server consumes the notice. Afterwards the source is refused for those packs specifically
/// (reissue no longer returns them; release and conversion of them are refused with the same problem type).
/// </summary>
public static class MigratedAwayNotice
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Items[SignedServerRequest.ItemKey] is not SignedServerRequest signed) return await next(context);
        var services = context.HttpContext.RequestServices;
        var store = services.GetRequiredService<ClearinghouseStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var pending = await store.WriteAsync<IReadOnlyList<MigrationRecord>>(async s =>
        {
            var unnotified = await s.UnnotifiedDeadMigrationsAsync(signed.ProductId);
            if (unnotified.Count == 0) return unnotified;
            var key = await s.CurrentServerKeyAsync(signed.ProductId);
            if (key is null || !key.PublicKey.AsSpan().SequenceEqual(signed.Proof.PublicKey)) return [];
            await s.MarkMigrationsNotifiedAsync(unnotified.Select(m => m.SourceKeyPackId), now);
            return unnotified;
        }, context.HttpContext.RequestAborted);
        if (pending.Count == 0) return await next(context);

        var byTarget = pending.GroupBy(m => (m.TargetProductId, Day: m.RecordedAt.ToString("yyyy-MM-dd")))
            .Select(g => $"key pack(s) {string.Join(", ", g.Select(m => m.SourceKeyPackId))} ({g.Sum(m => m.Quantity)} license(s)) were migrated to license server {g.Key.TargetProductId} on {g.Key.Day}");
        var refusal = ClearinghouseRefusal.Conflict(MigrationProblems.MigratedAway, "Key packs migrated away",
            $"License server {signed.ProductId} no longer holds some of its key packs: {string.Join("; ", byTarget)}, by a migration for a source license server " +
            "that no longer functions, proven with their purchase identifiers. Remove them from this license server (it was just done, if it runs RdLicensing); " +
            "if that migration was not yours, contact the vendor. Nothing else was done; send the request again.",
            MigrationService.MigratedAwayExtensions(pending));
        return Problems.From(refusal);
    }
}
