using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Components.Wizards;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>The Deactivate Server wizard's pages; the form carries the current one (the shared <c>WizardState</c>).</summary>
public enum DeactivateStep
{
    /// <summary>Automatic connection, Web Browser or Telephone, and the first and last name.</summary>
    MethodAndName = 1,

    /// <summary>What deactivating does, and the box that confirms it: nothing happens without it.</summary>
    Confirm,

    /// <summary>Web and telephone: the request code, and the clearinghouse's confirmation code typed back (the server stays activated until then).</summary>
    Code,

    /// <summary>The result (shown after the redirect, never posted).</summary>
    Done,
}

/// <summary>What the Deactivate Server form posts.</summary>
public sealed class DeactivateForm
{
    public int Step { get; set; }
    public string? Action { get; set; }
    public string? Method { get; set; }
    public string? Country { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public bool? Confirm { get; set; }
    public string? RequestCode { get; set; }
    public string? PageUrl { get; set; }
    public string? TelephoneNumber { get; set; }
    public string? ConfirmationCode { get; set; }
}

/// <summary>
/// The Deactivate Server wizard (Advanced, danger) as a state machine: method and name, the confirmation that must be ticked,
/// and for web and telephone the clearinghouse's confirmation code; refused on a server not activated or already deactivated.
/// Pure, so each step is unit-tested; the page makes the calls (<see cref="WizardCall"/>).
/// </summary>
public static class DeactivateServerWizard
{
    public static IReadOnlyList<string> StepNames { get; } = ["Connection method and name", "Confirmation", "Confirmation code", "Completed"];

    public const string ConfirmRequired =
        "Tick the box to confirm: a deactivated license server issues no permanent Per Device CALs until it is reactivated.";

    /// <summary>Why there is nothing to deactivate (never activated, or deactivated already); null when the server can be deactivated.</summary>
    public static string? DisabledBecause(StatusView status) =>
        status.Activation.Status == "deactivated" ? "This license server is already deactivated: there is nothing to deactivate."
        : status.Activation.LicenseServerId is null ? "This license server is not activated: there is nothing to deactivate."
        : null;

    /// <summary>Where the refusal points: Reactivate Server for a server that was activated once, else Activate Server.</summary>
    public static (string Href, string Label) Instead(StatusView status) => status.Activation.LicenseServerId is not null
        ? ("/console/reactivate", "Reactivate Server")
        : ("/console/activate", "Activate Server");

    public static DeactivateForm Start(PropertiesView properties) => new()
    {
        Step = (int)DeactivateStep.MethodAndName,
        Method = properties.ConnectionMethod,
        Country = properties.CountryRegion,
        FirstName = properties.Company.FirstName,
        LastName = properties.Company.LastName,
    };

    /// <summary>The step a posted form is on; anything else starts again at the first.</summary>
    public static DeactivateStep StepOf(DeactivateForm form) => WizardRules.Of(form.Step, DeactivateStep.MethodAndName, DeactivateStep.Code);

    /// <summary>
    /// Back from the confirmation returns to the first page; the code step has no Back (the request code was made for this
    /// deactivation: a Back there is read as the code posted).
    /// </summary>
    public static DeactivateStep Back(DeactivateStep step) => step == DeactivateStep.Code ? DeactivateStep.Code : DeactivateStep.MethodAndName;

    /// <summary>Next (or Deactivate) from <paramref name="step"/>.</summary>
    public static WizardMove<DeactivateStep> Next(DeactivateStep step, DeactivateForm form, StatusView status)
    {
        // The code step finishes a deactivation the server already asked for: it is not refused as "already deactivated" before the code is checked.
        if (step != DeactivateStep.Code && DisabledBecause(status) is { } refused)
            return WizardMove<DeactivateStep>.Refused(DeactivateStep.MethodAndName, refused);
        switch (step)
        {
            case DeactivateStep.MethodAndName:
                var errors = CompanyForm.CheckNames(form.FirstName, form.LastName, "deactivate");
                if (MethodChoice.Check(form.Method, form.Country) is { } methodError) errors[methodError.Key] = methodError.Value;
                return errors.Count > 0 ? WizardMove<DeactivateStep>.Refused(step, errors) : WizardMove<DeactivateStep>.To(DeactivateStep.Confirm);
            case DeactivateStep.Confirm:
                return form.Confirm == true
                    ? WizardMove<DeactivateStep>.To(DeactivateStep.Done, WizardCall.Finish)
                    : WizardMove<DeactivateStep>.Refused(step, new Dictionary<string, string> { ["Confirm"] = ConfirmRequired });
            case DeactivateStep.Code:
                var progress = CodeBox.Finished(DeactivationConfirmationCode.CheckTypingSoFar(form.ConfirmationCode), "The confirmation code");
                return new WizardMove<DeactivateStep>(step, new Dictionary<string, string>(),
                    Call: progress.State == TypingState.Complete ? WizardCall.Finish : WizardCall.None, Code: progress);
            default:
                return WizardMove<DeactivateStep>.To(DeactivateStep.MethodAndName);
        }
    }

    /// <summary>What POST /api/admin/activation/deactivate is sent: the request on the confirmation step, the clearinghouse's code on the code step.</summary>
    public static DeactivationBody Body(DeactivateStep step, DeactivateForm form) => step == DeactivateStep.Code
        ? new DeactivationBody(null, null, null, null, form.ConfirmationCode)
        : new DeactivationBody(form.Method, form.FirstName, form.LastName, MethodChoice.CountryFor(form.Method, form.Country));

    /// <summary>Web or telephone: the request code and where to take it travel to the code step (nothing changed yet on the server).</summary>
    public static void Carry(DeactivateForm form, ActivationInstructionsView instructions)
    {
        (form.RequestCode, form.PageUrl, form.TelephoneNumber) = (instructions.RequestCode, instructions.PageUrl, instructions.TelephoneNumber);
        form.Step = (int)DeactivateStep.Code;
    }

    public static string DoneUrl(DeactivateForm form) => ManagerApi.WithQuery("/console/deactivate",
        [new("done", "1"), new("method", form.Method), new("country", MethodChoice.CountryFor(form.Method, form.Country))]);

    public static string ClearinghouseLink(string page, DeactivateForm form) => ManagerApi.WithQuery(page,
        [new("requestCode", form.RequestCode), new("firstName", form.FirstName), new("lastName", form.LastName)]);

    public static IEnumerable<(string Name, string? Value)> Kept(DeactivateStep step, DeactivateForm form)
    {
        if (step == DeactivateStep.MethodAndName) yield break;
        if (step == DeactivateStep.Code)
        {
            yield return ("Form.RequestCode", form.RequestCode);
            yield return ("Form.PageUrl", form.PageUrl);
            yield return ("Form.TelephoneNumber", form.TelephoneNumber);
        }
        yield return ("Form.Method", form.Method);
        yield return ("Form.Country", form.Country);
        yield return ("Form.FirstName", form.FirstName);
        yield return ("Form.LastName", form.LastName);
    }
}
