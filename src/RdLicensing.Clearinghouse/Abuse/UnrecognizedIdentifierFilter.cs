using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Clearinghouse.Abuse;

/// <summary>
/// Guards the clearinghouse's anonymous and per-server routes (every method but GET): refuses a locked-out address or
/// Product ID before the request is handled, and counts an answer that is an unrecognized-identifier refusal. The
/// Product IDs a request names are its body's string properties ending in "ProductId" (productId, sourceProductId,
/// targetProductId), or the posted form's fields of those names.
/// </summary>
public sealed class UnrecognizedIdentifierFilter : IEndpointFilter
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ProductIdProperties = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) return await next(invocation);

        var guard = context.RequestServices.GetRequiredService<UnrecognizedIdentifiers>();
        var productIds = await ProductIdsAsync(invocation);
        if (guard.LockedOut(context, productIds) is { } retryAfter) return UnrecognizedIdentifiers.LockedOutResult(retryAfter);

        var result = await next(invocation);
        if (UnrecognizedIdentifiers.WasNoted(context) || IsUnrecognized(result))
            await guard.RecordAsync(context, productIds);
        return result;
    }

    private static bool IsUnrecognized(object? result) =>
        result is IResult and INestedHttpResult { Result: var inner } ? IsUnrecognized(inner)
        : result is ProblemHttpResult { ProblemDetails.Type: { } type }
          && type.StartsWith(ProblemTypes.Prefix, StringComparison.Ordinal)
          && ClearinghouseRefusal.UnrecognizedIdentifierSlugs.Contains(type[ProblemTypes.Prefix.Length..]);

    private static async Task<IReadOnlyCollection<string>> ProductIdsAsync(EndpointFilterInvocationContext invocation)
    {
        var found = new List<string>();
        foreach (var argument in invocation.Arguments)
        {
            if (argument is null or string or CancellationToken) continue;
            if ((argument as HttpRequest ?? (argument as HttpContext)?.Request) is { } request)
            {
                if (!request.HasFormContentType) continue;
                var form = await request.ReadFormAsync(invocation.HttpContext.RequestAborted);
                found.AddRange(form.Where(f => f.Key.EndsWith("productId", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value.ToString()));
                continue;
            }
            var type = argument.GetType();
            if (type.Namespace?.StartsWith("RdLicensing.", StringComparison.Ordinal) != true) continue;
            foreach (var property in ProductIdProperties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.PropertyType == typeof(string) && p.Name.EndsWith("ProductId", StringComparison.Ordinal) && p.GetIndexParameters().Length == 0)
                         .ToArray()))
                if (property.GetValue(argument) is string { Length: > 0 } value) found.Add(value);
        }
        return found;
    }
}
