using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Console;

namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>Who an endpoint serves: decides which credential the fuzzer sends.</summary>
internal enum Caller
{
    Anonymous,
    Admin,
    SessionHost,
    Console,
}

/// <summary>One method of one mapped route, with what the fuzzer needs to aim at it.</summary>
/// <param name="BodyType">The JSON body the endpoint reads, if any.</param>
/// <param name="ReadsForm">The endpoint reads a posted form.</param>
/// <param name="Query">Query parameters it binds, with their CLR types.</param>
internal sealed record FuzzEndpoint(string Method, RoutePattern Pattern, Caller Needs, Type? BodyType, bool ReadsForm, IReadOnlyList<(string Name, Type Type)> Query)
{
    public string Name => $"{Method} {Pattern.RawText}";

    public bool IsApi => Pattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true;

    public IEnumerable<RoutePatternParameterPart> RouteParameters => Pattern.Parameters;
}

/// <summary>
/// Every endpoint the license server maps, read from its <see cref="EndpointDataSource"/>: a new endpoint is fuzzed
/// without anyone listing it. Minimal API endpoints say their body and query parameters through their handler's
/// signature; console pages through their [SupplyParameterFromQuery] properties.
/// </summary>
internal static class EndpointCatalog
{
    private static readonly Type[] FrameworkParameters =
        [typeof(HttpContext), typeof(HttpRequest), typeof(HttpResponse), typeof(CancellationToken), typeof(ClaimsPrincipal), typeof(IFormCollection), typeof(IFormFile)];

    public static IReadOnlyList<FuzzEndpoint> Of(IServiceProvider services)
    {
        var isService = services.GetRequiredService<IServiceProviderIsService>();
        var endpoints = new List<FuzzEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
            var readsForm = accepts?.ContentTypes.Any(t => t.Contains("form", StringComparison.OrdinalIgnoreCase)) == true;
            var bodyType = readsForm ? null : accepts?.RequestType;
            var query = QueryParameters(endpoint, bodyType, isService);
            foreach (var method in methods)
                endpoints.Add(new FuzzEndpoint(method, endpoint.RoutePattern, CallerOf(endpoint), bodyType, readsForm && method != HttpMethods.Get, query));
        }
        return endpoints.DistinctBy(e => e.Name).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    private static Caller CallerOf(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) return Caller.Anonymous;
        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Contains(TokenAuthenticationHandler.AdminRole)) return Caller.Admin;
        if (policies.Contains(TokenAuthenticationHandler.SessionHostRole)) return Caller.SessionHost;
        if (policies.Contains(ConsoleClaims.Scheme)) return Caller.Console;
        return Caller.Anonymous;
    }

    private static List<(string, Type)> QueryParameters(RouteEndpoint endpoint, Type? bodyType, IServiceProviderIsService isService)
    {
        var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is { } component)
        {
            return component.Type.GetProperties()
                .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SupplyParameterFromQueryAttribute>()))
                .Where(x => x.Attribute is not null)
                .Select(x => (x.Attribute!.Name ?? x.Property.Name, x.Property.PropertyType))
                .ToList();
        }
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler) return [];
        return handler.GetParameters()
            .Where(p => p.Name is not null && !routeNames.Contains(p.Name))
            .Where(p => p.ParameterType != bodyType && !FrameworkParameters.Contains(p.ParameterType) && !isService.IsService(p.ParameterType))
            .Where(p => p.GetCustomAttribute<FromServicesAttribute>() is null && p.GetCustomAttribute<FromBodyAttribute>() is null)
            .Where(p => IsSimple(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType))
            .Select(p => (p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!, p.ParameterType))
            .ToList();
    }

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Guid) || type == typeof(decimal)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeSpan);
}
