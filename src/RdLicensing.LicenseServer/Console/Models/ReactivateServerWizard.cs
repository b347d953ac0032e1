using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Console.Components.Cals;
using RdLicensing.LicenseServer.Console.Components.Wizards;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>The Reactivate Server wizard's pages, in licmgr's order; the form carries the current one (the shared <c>WizardState</c>).</summary>
public enum ReactivateStep
{
    /// <summary>Why: one of the five reasons.</summary>
    Reason = 1,

    /// <summary>Automatic connection, Web Browser or Telephone.</summary>
    Method,

    /// <summary>What will happen, and the first and last name; Finish here for the automatic connection.</summary>
    Confirm,

    /// <summary>Web and telephone: the request code, where to take it, and the new License Server ID typed back.</summary>
    Code,

    /// <summary>The result (shown after the redirect, never posted).</summary>
    Done,
}

/// <summary>What the Reactivate Server form posts: the step, the button, and every value typed on any step.</summary>
public sealed class ReactivateForm
{
    public int Step { get; set; }
    public string? Action { get; set; }
    public string? Reason { get; set; }
    public string? Method { get; set; }
    public string? Country { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? LicenseServerId { get; set; }
    public string? RequestCode { get; set; }
}

/// <summary>
/// The Reactivate Server wizard (Advanced) as a state machine: reason, method, confirmation, and for web and telephone the new
/// License Server ID; refused on a server that was never activated (Activate Server instead). Pure, so each step is
/// unit-tested; the page makes the calls (<see cref="WizardCall"/>).
/// </summary>
public static class ReactivateServerWizard
{
    /// <summary>The five reasons of `rdlic server reactivate --reason`, worded as licmgr lists them.</summary>
    public static IReadOnlyList<(string Value, string Label)> Reasons { get; } =
    [
        ("redeployed", "The license server has been redeployed"),
        ("certificate-corrupt", "The license server certificate has been corrupted"),
        ("key-compromised", "The private key has been compromised"),
        ("expired", "The activation key has expired"),
        ("upgraded", "The license server has been upgraded"),
    ];

    /// <summary>Why Reactivate Server cannot apply: a server never activated has no License Server ID to replace.</summary>
    public static string? DisabledBecause(StatusView status) => status.Activation.LicenseServerId is null
        ? "This license server was never activated, so there is nothing to reactivate: use Activate Server."
        : null;

    /// <summary>The form a first visit shows: the properties' method and name; the reason "expired" when the activation has.</summary>
    public static ReactivateForm Start(StatusView status, PropertiesView properties) => new()
    {
        Step = (int)ReactivateStep.Reason,
        Reason = status.Activation.Status == "expired" ? "expired" : null,
        Method = properties.ConnectionMethod,
        Country = properties.CountryRegion,
        FirstName = properties.Company.FirstName,
        LastName = properties.Company.LastName,
    };

    public static bool IsAutomatic(string? method) => method is null or "automatic";

    /// <summary>The step a posted form is on: the automatic connection has no code step; anything else starts again at Reason.</summary>
    public static ReactivateStep StepOf(ReactivateForm form) =>
        WizardRules.Of(form.Step, ReactivateStep.Reason, IsAutomatic(form.Method) ? ReactivateStep.Confirm : ReactivateStep.Code);

    public static IReadOnlyList<string> StepNames(string? method) => IsAutomatic(method)
        ? ["Reason", "Connection method", "Confirmation", "Completed"]
        : ["Reason", "Connection method", "Confirmation", "License Server ID", "Completed"];

    public static int IndexOf(ReactivateStep step, string? method) => step == ReactivateStep.Done ? StepNames(method).Count - 1 : (int)step - 1;

    public static ReactivateStep Back(ReactivateStep step) => step <= ReactivateStep.Reason ? ReactivateStep.Reason : step - 1;

    /// <summary>Next (or Finish) from <paramref name="step"/>.</summary>
    public static WizardMove<ReactivateStep> Next(ReactivateStep step, ReactivateForm form, StatusView status)
    {
        if (DisabledBecause(status) is { } refused) return WizardMove<ReactivateStep>.Refused(ReactivateStep.Reason, refused);
        switch (step)
        {
            case ReactivateStep.Reason:
                return Reasons.Any(r => r.Value == form.Reason)
                    ? WizardMove<ReactivateStep>.To(ReactivateStep.Method)
                    : WizardMove<ReactivateStep>.Refused(step, new Dictionary<string, string> { ["Reason"] = "Choose the reason for reactivating the license server." });
            case ReactivateStep.Method:
                return MethodChoice.Check(form.Method, form.Country) is { } methodError
                    ? WizardMove<ReactivateStep>.Refused(step, new Dictionary<string, string> { [methodError.Key] = methodError.Value })
                    : WizardMove<ReactivateStep>.To(ReactivateStep.Confirm);
            case ReactivateStep.Confirm:
                var names = CompanyForm.CheckNames(form.FirstName, form.LastName, "reactivate");
                if (names.Count > 0) return WizardMove<ReactivateStep>.Refused(step, names);
                // Automatic: the server is reactivated; web and telephone: the server makes the request code, nothing changes yet.
                return WizardMove<ReactivateStep>.To(IsAutomatic(form.Method) ? ReactivateStep.Done : ReactivateStep.Code, WizardCall.Finish);
            case ReactivateStep.Code:
                var progress = CodeBox.Finished(LicenseServerIdCode.CheckTypingSoFar(form.LicenseServerId), "The License Server ID");
                return new WizardMove<ReactivateStep>(step, new Dictionary<string, string>(),
                    Call: progress.State == TypingState.Complete ? WizardCall.Finish : WizardCall.None, Code: progress);
            default:
                return WizardMove<ReactivateStep>.To(ReactivateStep.Reason);
        }
    }

    /// <summary>What POST /api/admin/activation/reactivate is sent.</summary>
    public static ReactivationBody Body(ReactivateForm form) =>
        new(form.Reason, form.Method, form.FirstName, form.LastName, MethodChoice.CountryFor(form.Method, form.Country));

    public static string DoneUrl(string? reason) => "/console/reactivate?done=1&reason=" + Uri.EscapeDataString(reason ?? "");

    public static IEnumerable<(string Name, string? Value)> Kept(ReactivateStep step, ReactivateForm form)
    {
        if (step != ReactivateStep.Reason) yield return ("Form.Reason", form.Reason);
        if (step != ReactivateStep.Method)
        {
            yield return ("Form.Method", form.Method);
            yield return ("Form.Country", form.Country);
        }
        if (step != ReactivateStep.Confirm)
        {
            yield return ("Form.FirstName", form.FirstName);
            yield return ("Form.LastName", form.LastName);
        }
        if (step != ReactivateStep.Code) yield return ("Form.LicenseServerId", form.LicenseServerId);
        yield return ("Form.RequestCode", form.RequestCode);
    }

    /// <summary>The clearinghouse page with the request code, the reason and the name filled in.</summary>
    public static string ClearinghouseLink(string pageUrl, ReactivateForm form) => ManagerApi.WithQuery(pageUrl,
    [
        new("requestCode", form.RequestCode), new("reason", form.Reason), new("company.firstName", CompanyValidation.Clean(form.FirstName)),
        new("company.lastName", CompanyValidation.Clean(form.LastName)),
    ]);

    public static string ReasonLabel(string? reason) => Reasons.FirstOrDefault(r => r.Value == reason).Label ?? "—";

    /// <summary>The reason as the result says it ("the license server has been redeployed"), or null for an unknown one.</summary>
    public static string? ReasonText(string? reason) => reason is not null && ActivationService.Reasons.TryGetValue(reason, out var text) ? text : null;

    public static string StatusText(StatusView status) => status.Activation.Status switch
    {
        "activated" => $"activated until {UsageText.Date(status.Activation.ExpiresAt)}",
        "expired" => $"no longer activated: its activation expired on {UsageText.Date(status.Activation.ExpiresAt)}",
        "deactivated" => "deactivated: no permanent Per Device CALs until reactivated",
        var other => other,
    };
}
