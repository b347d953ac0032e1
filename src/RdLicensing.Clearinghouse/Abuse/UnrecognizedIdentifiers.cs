using System.Net;
using Microsoft.Extensions.Options;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Abuse;

/// <summary>
/// Anti-enumeration (<see cref="ClearinghouseRateLimits"/>): every refusal that tells a guesser "wrong" (<see
/// cref="ClearinghouseRefusal.IsUnrecognizedIdentifier"/>) counts against the client address and, apart, against each
/// Product ID the request names. Once either has used up its allowance, every guarded request from that address or for
/// that Product ID is refused with 429 until the window ends — a right guess included — and the lock-out is recorded
/// once as a security event (GET /api/admin/security-events). The API routes are guarded by
/// <see cref="UnrecognizedIdentifierFilter"/>; a web page that catches a refusal itself calls <see cref="Note"/>.
/// </summary>
public sealed class UnrecognizedIdentifiers(IOptions<ClearinghouseOptions> options, TimeProvider clock, ClearinghouseStore store,
    ILogger<UnrecognizedIdentifiers> logger)
{
    /// <summary>Problem type slug of a client address or Product ID locked out after too many unrecognized identifiers.</summary>
    public const string LockedOutSlug = "too-many-unrecognized";

    public const string AddressLockedOut = "unrecognized-identifiers-address";
    public const string ProductLockedOut = "unrecognized-identifiers-product";

    private const int MaxProductIdLength = 64;
    private static readonly object RefusedKey = new();

    private readonly FailureLimiter _failures = new(options.Value.RateLimits.UnrecognizedIdentifiersPerWindow,
        options.Value.RateLimits.UnrecognizedIdentifierWindow, clock);

    private readonly FailureLimiter _productFailures = new(options.Value.RateLimits.UnrecognizedIdentifiersPerProductId,
        options.Value.RateLimits.UnrecognizedIdentifierWindow, clock);

    /// <summary>For pages that catch <see cref="ClearinghouseRefusal"/> themselves: marks this request as refused for an unrecognized identifier.</summary>
    public static void Note(HttpContext context, ClearinghouseRefusal refusal)
    {
        if (refusal.IsUnrecognizedIdentifier) context.Items[RefusedKey] = true;
    }

    internal static bool WasNoted(HttpContext context) => context.Items.ContainsKey(RefusedKey);

    /// <summary>How long the client's address, or one of the Product IDs named, is still locked out; null when neither is.</summary>
    public TimeSpan? LockedOut(HttpContext context, IReadOnlyCollection<string> productIds)
    {
        var retry = _failures.LockedOut(AddressKey(context.Connection.RemoteIpAddress));
        foreach (var productId in Usable(productIds))
            if (_productFailures.LockedOut(ProductKey(productId)) is { } forProduct && (retry is null || forProduct > retry)) retry = forProduct;
        return retry;
    }

    /// <summary>Counts one unrecognized identifier against the address and each Product ID named; a lock-out that begins is recorded.</summary>
    public async Task RecordAsync(HttpContext context, IReadOnlyCollection<string> productIds)
    {
        var address = ClientAddress.Normalize(context.Connection.RemoteIpAddress);
        var route = $"{context.Request.Method} {context.Request.Path}";
        var usable = Usable(productIds).ToList();
        var tally = _failures.RecordFailure(AddressKey(context.Connection.RemoteIpAddress));
        if (tally.JustLockedOut)
            await RecordLockOutAsync(AddressLockedOut, address, usable.FirstOrDefault(), route, tally,
                $"{tally.Count} unrecognized identifiers from {address}");
        foreach (var productId in usable)
        {
            var forProduct = _productFailures.RecordFailure(ProductKey(productId));
            if (forProduct.JustLockedOut)
                await RecordLockOutAsync(ProductLockedOut, address, productId, route, forProduct,
                    $"{forProduct.Count} unrecognized identifiers naming license server {productId} (the last from {address})");
        }
    }

    /// <summary>The 429 answer while locked out.</summary>
    public static IResult LockedOutResult(TimeSpan retryAfter) => new LockedOutAnswer(retryAfter);

    private async Task RecordLockOutAsync(string kind, string address, string? productId, string route, FailureTally tally, string what)
    {
        var until = clock.GetUtcNow() + tally.WindowLeft;
        var detail = $"{what} within {Minutes(_failures.WindowLength)}: refused until {until:yyyy-MM-dd HH:mm:ss} UTC.";
        logger.LogWarning("Security: {Kind} {Address} {ProductId} on {Route}: {Detail}", kind, address, productId, route, detail);
        // Recorded whether or not the client waits for its answer (CancellationToken.None, deliberately): a guesser that drops
        // each connection at once must not keep its lock-out out of the security events (ServerProofs records the same way).
        await store.AddSecurityEventAsync(clock.GetUtcNow(), kind, address, productId, null, route, detail, CancellationToken.None);
    }

    private static IEnumerable<string> Usable(IEnumerable<string> productIds) =>
        productIds.Select(p => p.Trim().ToUpperInvariant()).Where(p => p.Length is > 0 and <= MaxProductIdLength).Distinct(StringComparer.Ordinal);

    private static string AddressKey(IPAddress? address) => "address:" + ClientAddress.Normalize(address);

    private static string ProductKey(string productId) => "product:" + productId;

    private static string Minutes(TimeSpan window) => window.TotalMinutes >= 1 ? $"{window.TotalMinutes:0.#} min" : $"{window.TotalSeconds:0} s";

    private sealed class LockedOutAnswer(TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            TooManyRequests.WriteAsync(httpContext, retryAfter, LockedOutSlug, "Too many unrecognized identifiers",
                seconds => "Too many license numbers, agreement numbers or License Server IDs that were not recognized came from this address or named " +
                           $"this license server. Check them against your purchase and the license server, and try again after {seconds} s.");
    }
}
