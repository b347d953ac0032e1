using System.Text.Json;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Proof;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>
/// Proof of possession on the routes where a license server acts for itself (automatic method). A route (or route group)
/// marked with <see cref="RequireServerProof{TBuilder}"/> runs only after this middleware has buffered its body (at most
/// <see cref="MaxBodyBytes"/>), read the <see cref="ServerRequestProof.HeaderName"/> header, checked that it signs this very
/// method, path and body and that it speaks for the body's Product ID; the endpoint then takes a <see cref="SignedServerRequest"/>
/// parameter and the service checks the key inside its write transaction (<see cref="ServerKeyCheck"/>).
/// </summary>
/// <remarks>
/// It is middleware rather than an endpoint filter because the signature covers the exact bytes, which must be read before
/// the framework binds (and consumes) the JSON body. Every refusal — here, or by the key check inside the service — is
/// recorded as a security event (table <c>security_events</c>, the vendor's one list) and logged, after the service's transaction rolled back.
/// </remarks>
public static partial class ServerProofs
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{5}-\d{5}-\d{5}-\d{5}$")]
    private static partial System.Text.RegularExpressions.Regex ProductIdShape();

    public const int MaxBodyBytes = 64 * 1024;

    private sealed class Required;

    /// <summary>Marks the endpoint(s): only a request signed by the license server it names reaches them.</summary>
    public static TBuilder RequireServerProof<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Required());

    public static WebApplication UseServerProofs(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<Required>() is null)
            {
                await next(context);
                return;
            }
            var signed = await VerifyAsync(context);
            if (signed is null) return;
            context.Items[SignedServerRequest.ItemKey] = signed;
            await next(context);
            if (signed.Refusal is { } refusal)
                await RecordAsync(context, refusal.Slug, signed.ProductId, signed.InstallationId, refusal.Detail);
        });
        return app;
    }

    private static async Task<SignedServerRequest?> VerifyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            await ProblemTypes.WriteAsync(context.Response, StatusCodes.Status413PayloadTooLarge, "request-too-large", "Request too large",
                $"The request body is larger than {MaxBodyBytes / 1024} KiB; a license server's request is far smaller.");
            return null;
        }
        var body = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                await ProblemTypes.WriteAsync(context.Response, StatusCodes.Status413PayloadTooLarge, "request-too-large", "Request too large",
                    $"The request body is larger than {MaxBodyBytes / 1024} KiB; a license server's request is far smaller.");
                return null;
            }
            body.Write(buffer, 0, read);
        }
        var bytes = body.ToArray();
        request.Body = new MemoryStream(bytes, writable: false);

        ServerRequestProof proof;
        try
        {
            proof = ServerRequestProof.Parse(request.Headers[ServerRequestProof.HeaderName]);
        }
        catch (ServerProofException e)
        {
            await RefuseAsync(context, "proof-required", BodyProductId(bytes), null,
                $"The request is not signed by a license server ({e.Message}). Only the license server itself can ask for this: run the action on the license server (automatic method), or carry the request code it shows to the web page or the operator.");
            return null;
        }
        if (!proof.Verifies(request.Method, request.Path.Value ?? "", bytes))
        {
            await RefuseAsync(context, "proof-invalid", proof.ProductId, proof.InstallationId,
                $"The {ServerRequestProof.HeaderName} signature does not cover this request (altered, or signed for another request). Nothing was changed; send the request again from the license server.");
            return null;
        }
        // A malformed Product ID is left to the endpoint, which names the field; the service compares again in its transaction.
        if (BodyProductId(bytes) is { } named && ProductIdShape().IsMatch(named) && named != proof.ProductId)
        {
            // Recorded under the server the request tried to act for.
            await RefuseAsync(context, "proof-product-mismatch", named, proof.InstallationId,
                $"The request is signed for license server {proof.ProductId} but asks for license server {named}: a license server can only act for itself.");
            return null;
        }
        return new SignedServerRequest(proof);
    }

    private static async Task RefuseAsync(HttpContext context, string slug, string? productId, string? installationId, string detail)
    {
        await RecordAsync(context, slug, productId, installationId, detail);
        await ProblemTypes.WriteAsync(context.Response, StatusCodes.Status422UnprocessableEntity, slug, "Not signed by the license server", detail);
    }

    /// <summary>Records and logs a refused attempt to act for a license server (its own transaction: the refused one rolled back).</summary>
    public static async Task RecordAsync(HttpContext context, string kind, string? productId, string? installationId, string detail)
    {
        var services = context.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var address = context.Connection.RemoteIpAddress?.ToString();
        var path = context.Request.Path.Value ?? "";
        // What a stranger sent is recorded only when it has the shape of what it claims to be.
        productId = productId is { Length: <= 23 } p && p.All(c => char.IsAsciiDigit(c) || c == '-') ? p : productId is null ? null : "(malformed)";
        services.GetRequiredService<ILoggerFactory>().CreateLogger("RdLicensing.Clearinghouse.ServerProofs").LogWarning(
            "Refused {Path} for license server {ProductId} from {Address}: {Kind}", path, productId ?? "(none)", address ?? "(unknown)", kind);
        await services.GetRequiredService<ClearinghouseStore>().WriteAsync(
            s => s.InsertSecurityEventAsync(now, kind, address, productId, installationId, $"{context.Request.Method} {path}", detail), CancellationToken.None);
    }

    /// <summary>The top-level "productId" of a JSON body (the license server the request is for), when it has one.</summary>
    private static string? BodyProductId(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var property in document.RootElement.EnumerateObject())
                if (string.Equals(property.Name, "productId", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                    return property.Value.GetString()?.Trim();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
