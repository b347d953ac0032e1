using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Components.Wizards;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>The Activate Server wizard's pages, in licmgr's order; the form carries the current one (the shared <c>WizardState</c>).</summary>
public enum ActivateStep
{
    /// <summary>Automatic connection, Web Browser or Telephone (and the country called).</summary>
    Method = 1,

    /// <summary>Company information: first and last name, company, country or region.</summary>
    Required,

    /// <summary>Optional information; Finish here for the automatic connection.</summary>
    Optional,

    /// <summary>Web and telephone: the request code, where to take it, and the License Server ID typed back.</summary>
    Code,

    /// <summary>The result (shown after the redirect, never posted).</summary>
    Done,
}

/// <summary>What the Activate Server form posts: the step, the button, and every value typed on any step.</summary>
public sealed class ActivateForm
{
    public int Step { get; set; }
    public string? Action { get; set; }
    public string? Method { get; set; }
    public string? Country { get; set; }
    public CompanyForm? Company { get; set; }
    public string? LicenseServerId { get; set; }
    public string? RequestCode { get; set; }
}

/// <summary>
/// The Activate Server wizard as a state machine: its pages for the connection method chosen, where Back and Next lead, each
/// step's checks, and the refusal on a server already activated (Reactivate Server is what gets a new License Server ID). Pure,
/// so each step is unit-tested; the page makes the calls (<see cref="WizardCall"/>).
/// </summary>
public static class ActivateServerWizard
{
    public const string DoneUrl = "/console/activate?done=1";

    /// <summary>Why Activate Server cannot apply to this server (Next disabled with it, a forged Next refused with it); null when it can.</summary>
    public static string? DisabledBecause(StatusView status) => status.Activation.Status == "activated"
        ? "This license server is already activated: Reactivate Server gets it a new License Server ID."
        : null;

    public static bool IsAutomatic(string? method) => method is null or "automatic";

    /// <summary>The form a first visit shows: the method and company information of the server's properties.</summary>
    public static ActivateForm Start(PropertiesView properties) => new()
    {
        Step = (int)ActivateStep.Method,
        Method = properties.ConnectionMethod,
        Country = properties.CountryRegion,
        Company = CompanyForm.From(properties.Company),
    };

    /// <summary>The step a posted form is on: the automatic connection has no code step; anything else starts again at Method.</summary>
    public static ActivateStep StepOf(ActivateForm form) =>
        WizardRules.Of(form.Step, ActivateStep.Method, IsAutomatic(form.Method) ? ActivateStep.Optional : ActivateStep.Code);

    /// <summary>The pages listed at the top for the method chosen.</summary>
    public static IReadOnlyList<string> StepNames(string? method) => IsAutomatic(method)
        ? ["Connection method", "Company information", "Optional information", "Completed"]
        : ["Connection method", "Company information", "Optional information", "License Server ID", "Completed"];

    /// <summary>The place of <paramref name="step"/> in <see cref="StepNames"/> (Done is the last).</summary>
    public static int IndexOf(ActivateStep step, string? method) => step == ActivateStep.Done ? StepNames(method).Count - 1 : (int)step - 1;

    public static ActivateStep Back(ActivateStep step) => step <= ActivateStep.Method ? ActivateStep.Method : step - 1;

    /// <summary>Next (or Finish) from <paramref name="step"/>.</summary>
    public static WizardMove<ActivateStep> Next(ActivateStep step, ActivateForm form, StatusView status)
    {
        if (DisabledBecause(status) is { } refused) return WizardMove<ActivateStep>.Refused(ActivateStep.Method, refused);
        var company = form.Company ?? new CompanyForm();
        switch (step)
        {
            case ActivateStep.Method:
                if (MethodChoice.Check(form.Method, form.Country) is { } methodError)
                    return WizardMove<ActivateStep>.Refused(step, new Dictionary<string, string> { [methodError.Key] = methodError.Value });
                // Web and telephone: the request code is made now, once (it travels in a hidden field from then on).
                return WizardMove<ActivateStep>.To(ActivateStep.Required, IsAutomatic(form.Method) ? WizardCall.None : WizardCall.Instructions);
            case ActivateStep.Required:
                var required = company.Check(CompanyForm.Required);
                return required.Count > 0 ? WizardMove<ActivateStep>.Refused(step, required) : WizardMove<ActivateStep>.To(ActivateStep.Optional);
            case ActivateStep.Optional:
                var optional = company.Check(CompanyForm.Optional);
                if (optional.Count > 0) return WizardMove<ActivateStep>.Refused(step, optional);
                if (company.CheckAsServer() is { } serverError) return WizardMove<ActivateStep>.Refused(step, serverError.Value);
                return IsAutomatic(form.Method)
                    ? WizardMove<ActivateStep>.To(ActivateStep.Optional, WizardCall.Finish)
                    : WizardMove<ActivateStep>.To(ActivateStep.Code);
            case ActivateStep.Code:
                var progress = CodeBox.Finished(LicenseServerIdCode.CheckTypingSoFar(form.LicenseServerId), "The License Server ID");
                return new WizardMove<ActivateStep>(step, new Dictionary<string, string>(),
                    Call: progress.State == TypingState.Complete ? WizardCall.Finish : WizardCall.None, Code: progress);
            default:
                return WizardMove<ActivateStep>.To(ActivateStep.Method);
        }
    }

    /// <summary>The request code the wizard shows: the first one made stays, whatever the page shows again.</summary>
    public static void KeepFirstRequestCode(ActivateForm form, ActivationInstructionsView instructions)
    {
        if (string.IsNullOrEmpty(form.RequestCode)) form.RequestCode = instructions.RequestCode;
    }

    /// <summary>Every value entered on the other steps, carried in hidden fields (Back keeps what was typed).</summary>
    public static IEnumerable<(string Name, string? Value)> Kept(ActivateStep step, ActivateForm form)
    {
        if (step != ActivateStep.Method)
        {
            yield return ("Form.Method", form.Method);
            yield return ("Form.Country", form.Country);
        }
        var shown = step switch { ActivateStep.Required => CompanyForm.Required, ActivateStep.Optional => CompanyForm.Optional, _ => [] };
        foreach (var f in CompanyForm.All.Except(shown))
            yield return ($"Form.Company.{f.Key}", form.Company?[f.Key]);
        if (step != ActivateStep.Code) yield return ("Form.LicenseServerId", form.LicenseServerId);
        yield return ("Form.RequestCode", form.RequestCode);
    }

    /// <summary>The clearinghouse page with the request code and the company information filled in (its form reads them from the query).</summary>
    public static string ClearinghouseLink(string pageUrl, ActivateForm form)
    {
        var company = (form.Company ?? new CompanyForm()).ToCompany();
        return ManagerApi.WithQuery(pageUrl,
        [
            new("requestCode", form.RequestCode), new("company.firstName", company.FirstName), new("company.lastName", company.LastName),
            new("company.company", company.Company), new("company.countryRegion", company.CountryRegion), new("company.email", company.Email),
            new("company.organizationalUnit", company.OrganizationalUnit), new("company.address", company.Address), new("company.city", company.City),
            new("company.stateProvince", company.StateProvince), new("company.postalCode", company.PostalCode),
        ]);
    }
}
