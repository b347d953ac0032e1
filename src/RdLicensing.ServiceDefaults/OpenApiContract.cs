using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// What each service's OpenAPI document says beyond its 2xx answers: the bearer scheme on every operation that needs a
/// credential; the ProblemDetails answers (application/problem+json) an operation can produce — 400 for a malformed
/// request, 401/403 and 429 (failed authentications) where a credential is needed, 404 where the route names something,
/// 409 and 422 where the handler refuses with a problem, 413 where a body is read; and the closed sets of values
/// (program, status, version, method, type) as enums.
/// </summary>
public static class OpenApiContract
{
    public const string BearerScheme = "bearer";
    private const string ProblemSchema = "ProblemDetails";

    /// <param name="enums">Per property name (camelCase), the values a string property of that name takes; a value of
    /// <paramref name="enums"/> keyed "Type.property" (the declaring type's name) wins over the name alone, and an empty
    /// array there leaves that property free.</param>
    public static OpenApiOptions AddRdLicensingContract(this OpenApiOptions options, IReadOnlyDictionary<string, string[]> enums)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(enums);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An RdLicensing token: Authorization: Bearer rdla_… (license server administrator), rdlh_… (session host), rdca_… (clearinghouse vendor) or rdsa_… (session host administrator).",
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "RFC 9457 problem details; type is https://rdlicensing.dev/problems/<slug>, stable for scripts; detail says what to do. Refusals may add fields (e.g. field).",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var secured = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            var refuses = metadata.OfType<System.Reflection.MethodInfo>().Any(m => CanReturnProblem(m.ReturnType));
            var method = context.Description.HttpMethod ?? "GET";
            var hasBody = method is "POST" or "PUT" or "PATCH";
            var names = (context.Description.RelativePath ?? "").Contains('{', StringComparison.Ordinal);
            operation.Responses ??= new OpenApiResponses();
            if (secured)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
            }
            void Problem(int status, string description)
            {
                var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (operation.Responses.ContainsKey(key)) return;
                operation.Responses[key] = new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                    },
                };
            }
            if (hasBody || refuses || context.Description.ParameterDescriptions.Count > 0) Problem(400, "The request is not valid: the problem names the field and what to send.");
            if (secured)
            {
                Problem(401, "No token, or a token this service does not know.");
                Problem(403, "The token is valid but not for this operation.");
                Problem(429, "Too many failed authentications from this address, or too many requests for this credential (Retry-After says when to try again).");
            }
            if (names && refuses) Problem(404, "What the route names does not exist.");
            if (refuses)
            {
                Problem(409, "Refused in the current state (e.g. not activated, already used, limit reached): the detail says what to do.");
                Problem(422, "The request is understood but cannot be applied (e.g. a signature or code that does not verify).");
            }
            if (hasBody) Problem(413, "The request body is larger than this route accepts.");
            if (metadata.OfType<FileDownloadMetadata>().FirstOrDefault() is { } file)
                operation.Responses["200"] = new OpenApiResponse
                {
                    Description = file.Description,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [file.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                };
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is not { } property || schema is not OpenApiSchema { } s) return Task.CompletedTask;
            if (s.Type is not { } type || !type.HasFlag(JsonSchemaType.String) || s.Enum is { Count: > 0 }) return Task.CompletedTask;
            var values = enums.TryGetValue(property.DeclaringType.Name + "." + property.Name, out var specific) ? specific
                : enums.TryGetValue(property.Name, out var general) ? general : null;
            if (values is { Length: > 0 })
            {
                s.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList();
                if (type.HasFlag(JsonSchemaType.Null)) s.Enum.Add(null!); // a field that may be left out takes null too
            }
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>Whether a handler's return type (Task of Results&lt;…&gt; or a result) includes a ProblemHttpResult.</summary>
    private static bool CanReturnProblem(Type type)
    {
        if (type == typeof(ProblemHttpResult)) return true;
        return type.IsGenericType && type.GetGenericArguments().Any(CanReturnProblem);
    }
}

/// <summary>Endpoint metadata: the operation answers 200 with a file of this content type (CSV, a backup), not JSON.</summary>
public sealed record FileDownloadMetadata(string ContentType, string Description);
