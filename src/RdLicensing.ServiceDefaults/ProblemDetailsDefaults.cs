using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.ServiceDefaults;

public static class ProblemDetailsDefaults
{
    /// <summary>
    /// ProblemDetails for every error: framework-generated ones (unknown route, wrong method, server fault) get
    /// stable types of ours too, and a body that is not the expected JSON becomes a 400 that says why.
    /// </summary>
    public static IServiceCollection AddProblemDetailsDefaults(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails.Type?.StartsWith(ProblemTypes.Prefix, StringComparison.Ordinal) == true) return;
            context.ProblemDetails.Type = ProblemTypes.Prefix + (context.ProblemDetails.Status switch
            {
                400 => "malformed-request",
                404 => "not-found",
                405 => "method-not-allowed",
                413 => RequestBodyLimits.TooLargeSlug,
                415 => "unsupported-media-type",
                502 => "bad-gateway",
                _ => "internal-error",
            });
        });
        services.AddExceptionHandler<BadRequestHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 16);
        return services;
    }

    /// <summary>The matching middleware: exception handler and status code pages, both answering with ProblemDetails.</summary>
    public static WebApplication UseProblemDetailsDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>
/// Turns a body that is not JSON, or JSON of the wrong shape, into a 400 ProblemDetails that says so.
/// Only BadHttpRequestException is handled here; anything else stays a 500.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        context.Response.StatusCode = bad.StatusCode;
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            context.Response.Headers.Connection = "close";
            var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? RequestBodyLimits.AnonymousLimit;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = bad.StatusCode, Type = ProblemTypes.Prefix + RequestBodyLimits.TooLargeSlug, Title = "Request too large",
                    Detail = RequestBodyLimits.Detail(limit),
                },
            });
        }
        var detail = bad.InnerException is System.Text.Json.JsonException json
            ? $"The request body is not valid JSON for this call: {json.Message}"
            : bad.Message;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Type = ProblemTypes.Prefix + "malformed-request",
                Title = "The request could not be read",
                Detail = detail,
            },
        });
    }
}
