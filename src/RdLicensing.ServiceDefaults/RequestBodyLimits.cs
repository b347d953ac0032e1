using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// How large a request body each route accepts, for every RdLicensing service: a route anyone may call (anonymous, or
/// not an endpoint at all) at most <see cref="AnonymousLimit"/> — forms and small JSON; a route that needs a credential
/// <see cref="AuthenticatedLimit"/>, unless the endpoint sets its own (<see cref="IRequestSizeLimitMetadata"/>). A body
/// announced larger (Content-Length) is refused at once without reading it; a chunked body is cut off when it passes the
/// limit (on anonymous routes here, read up to the limit; elsewhere the reader throws and <see cref="ProblemDetailsDefaults"/> answers). Either way 413 with the problem
/// type <see cref="TooLargeSlug"/> and nothing buffered beyond the limit.
/// </summary>
public static class RequestBodyLimits
{
    public const long AnonymousLimit = 64 * 1024;
    public const long AuthenticatedLimit = 1024 * 1024;
    public const string TooLargeSlug = "request-too-large";

    /// <summary>After routing (the endpoint is known), before anything reads a body.</summary>
    public static WebApplication UseRequestBodyLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var limit = LimitFor(context.GetEndpoint());
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
            if (context.Request.ContentLength > limit)
            {
                context.Response.Headers.Connection = "close"; // the unread body is not drained
                await WriteAsync(context.Response, limit);
                return;
            }
            if (limit <= AnonymousLimit && context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            {
                // A chunked body on an anonymous route is read here, up to the limit, so every reader downstream (forms,
                // antiforgery, JSON) sees the same small body — and a larger one is a 413 whoever would have read it.
                var body = new MemoryStream();
                try
                {
                    await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    context.Response.Headers.Connection = "close";
                    await WriteAsync(context.Response, limit);
                    return;
                }
                body.Position = 0;
                context.Request.Body = body;
            }
            await next(context);
        });
        return app;
    }

    public static long LimitFor(Endpoint? endpoint)
    {
        if (endpoint?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } explicitLimit }) return explicitLimit;
        var anonymous = endpoint is null
                        || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                        || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null;
        return anonymous ? AnonymousLimit : AuthenticatedLimit;
    }

    public static string Detail(long limit) =>
        $"The request body is larger than this call accepts ({Size(limit)}). Send less: forms and requests without a credential take at most " +
        $"{Size(AnonymousLimit)}, calls with a credential at most {Size(AuthenticatedLimit)}.";

    internal static Task WriteAsync(HttpResponse response, long limit) =>
        ProblemTypes.WriteAsync(response, StatusCodes.Status413PayloadTooLarge, TooLargeSlug, "Request too large", Detail(limit));

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes / 1024} KiB";
}
