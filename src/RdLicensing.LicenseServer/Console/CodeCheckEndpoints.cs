using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Codes;
using RdLicensing.LicenseServer.Console.Components.Wizards;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// Typing feedback for the wizards' code boxes: htmx posts the form as the administrator types, and the answer is the
/// fragment that says which group is wrong (checked by Core, exactly as the server checks the code when it is sent).
/// </summary>
public static class CodeCheckEndpoints
{
    /// <summary>The codes that can be checked while typed, by route name.</summary>
    public static IReadOnlyDictionary<string, Func<string?, TypingProgress>> Checks { get; } = new Dictionary<string, Func<string?, TypingProgress>>(StringComparer.Ordinal)
    {
        ["license-server-id"] = LicenseServerIdCode.CheckTypingSoFar,
        ["key-pack-id"] = KeyPackIdCode.CheckTypingSoFar,
        ["license-code"] = CodeTyping.RetailCode,
        ["confirmation-code"] = DeactivationConfirmationCode.CheckTypingSoFar,
    };

    public const int MaxCodeLength = 400;

    /// <summary>POST /console/check/{code}?field=NAME — reads form field NAME (the antiforgery token comes with the form).</summary>
    public static WebApplication MapConsoleCodeChecks(this WebApplication app)
    {
        app.MapPost("/console/check/{code}", Check).RequireAuthorization(ConsoleClaims.Scheme).ExcludeFromDescription();
        return app;
    }

    private static Results<RazorComponentResult<TypingFeedback>, NotFound, BadRequest> Check(string code, string? field, IFormCollection form)
    {
        if (!Checks.TryGetValue(code, out var check)) return TypedResults.NotFound();
        if (string.IsNullOrEmpty(field)) return TypedResults.BadRequest();
        var typed = form[field].ToString();
        if (typed.Length > MaxCodeLength) typed = typed[..MaxCodeLength];
        return new RazorComponentResult<TypingFeedback>(new { Progress = check(typed) });
    }
}
