using RdLicensing.Core.Codes;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Console.Components.Wizards;
using RdLicensing.LicenseServer.Console.Models;
using static RdLicensing.LicenseServer.Tests.ConsoleWizardTestData;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Activate Server as a state machine (issue 15): its pages for each method, Back and Next, each step's checks, the refusal on an activated server.</summary>
public sealed class ActivateServerWizardTests
{
    private static ActivateForm Form(string method = "automatic", string? country = null) =>
        ActivateServerWizard.Start(Properties(method, country));

    [Fact]
    public void On_an_activated_server_activate_is_disabled_with_the_reason_and_a_forged_next_is_refused_with_it()
    {
        var why = ActivateServerWizard.DisabledBecause(Activated);
        Assert.Contains("already activated", why);
        Assert.Contains("Reactivate Server", why);
        foreach (var step in new[] { ActivateStep.Method, ActivateStep.Required, ActivateStep.Optional, ActivateStep.Code })
        {
            var move = ActivateServerWizard.Next(step, Form(), Activated);
            Assert.True(move.IsRefused);
            Assert.Equal((ActivateStep.Method, why, WizardCall.None), (move.Step, move.Error, move.Call));
        }
        // Positive controls: a server never activated, deactivated or expired can be activated.
        foreach (var status in new[] { NotActivated, Deactivated, Expired })
        {
            Assert.Null(ActivateServerWizard.DisabledBecause(status));
            Assert.Equal(ActivateStep.Required, ActivateServerWizard.Next(ActivateStep.Method, Form(), status).Step);
        }
    }

    [Fact]
    public void The_pages_follow_the_method_and_a_forged_step_starts_again()
    {
        Assert.Equal(4, ActivateServerWizard.StepNames("automatic").Count);
        Assert.Equal(5, ActivateServerWizard.StepNames("web").Count);
        Assert.Equal("License Server ID", ActivateServerWizard.StepNames("telephone")[ActivateServerWizard.IndexOf(ActivateStep.Code, "telephone")]);
        Assert.Equal("Completed", ActivateServerWizard.StepNames("web")[ActivateServerWizard.IndexOf(ActivateStep.Done, "web")]);

        Assert.Equal(ActivateStep.Code, ActivateServerWizard.StepOf(new ActivateForm { Step = 4, Method = "web" }));
        Assert.Equal(ActivateStep.Method, ActivateServerWizard.StepOf(new ActivateForm { Step = 4, Method = "automatic" })); // no code step
        Assert.Equal(ActivateStep.Method, ActivateServerWizard.StepOf(new ActivateForm { Step = 5, Method = "web" })); // Done is never posted
        Assert.Equal(ActivateStep.Method, ActivateServerWizard.StepOf(new ActivateForm { Step = 0 }));
        Assert.Equal(ActivateStep.Method, ActivateServerWizard.StepOf(new ActivateForm { Step = -7 }));
    }

    [Fact]
    public void Next_from_the_method_needs_a_method_and_for_the_telephone_a_country_with_a_number()
    {
        var none = ActivateServerWizard.Next(ActivateStep.Method, new ActivateForm(), NotActivated);
        Assert.Equal((ActivateStep.Method, true), (none.Step, none.Errors.ContainsKey("Method")));
        var noCountry = ActivateServerWizard.Next(ActivateStep.Method, Form("telephone", "Atlantis"), NotActivated);
        Assert.Equal((ActivateStep.Method, true), (noCountry.Step, noCountry.Errors.ContainsKey("Country")));

        Assert.Equal((ActivateStep.Required, WizardCall.None), Pick(ActivateServerWizard.Next(ActivateStep.Method, Form(), NotActivated)));
        // Web and telephone: the request code is made when the method is chosen.
        Assert.Equal((ActivateStep.Required, WizardCall.Instructions), Pick(ActivateServerWizard.Next(ActivateStep.Method, Form("web"), NotActivated)));
        Assert.Equal((ActivateStep.Required, WizardCall.Instructions), Pick(ActivateServerWizard.Next(ActivateStep.Method, Form("telephone", "Canada"), NotActivated)));
    }

    [Fact]
    public void The_company_steps_name_every_wrong_field_and_the_automatic_method_finishes_on_the_optional_step()
    {
        var form = Form();
        form.Company = new CompanyForm { FirstName = "Ada" };
        var required = ActivateServerWizard.Next(ActivateStep.Required, form, NotActivated);
        Assert.Equal(ActivateStep.Required, required.Step);
        Assert.Equal(["Company", "CountryRegion", "LastName"], required.Errors.Keys.Order());

        form = Form();
        form.Company!.Email = "not-an-address";
        var optional = ActivateServerWizard.Next(ActivateStep.Optional, form, NotActivated);
        Assert.Equal((ActivateStep.Optional, true), (optional.Step, optional.Errors.ContainsKey("Email")));

        Assert.Equal((ActivateStep.Optional, WizardCall.None), Pick(ActivateServerWizard.Next(ActivateStep.Required, Form(), NotActivated)));
        Assert.Equal((ActivateStep.Optional, WizardCall.Finish), Pick(ActivateServerWizard.Next(ActivateStep.Optional, Form(), NotActivated)));
        Assert.Equal((ActivateStep.Code, WizardCall.None), Pick(ActivateServerWizard.Next(ActivateStep.Optional, Form("web"), NotActivated)));
    }

    [Fact]
    public void The_code_step_finishes_only_with_a_whole_license_server_id()
    {
        var form = Form("web");
        using var clearinghouse = KeyAuthority.Create("Wizard Clearinghouse", Now);
        var id = LicenseServerIdCode.Issue(clearinghouse, Activated.ProductId, 1, Now, Now.AddDays(365));
        form.LicenseServerId = id[..17]; // three groups of thirty
        var partial = ActivateServerWizard.Next(ActivateStep.Code, form, NotActivated);
        Assert.True(partial.IsRefused);
        Assert.Equal(WizardCall.None, partial.Call);
        Assert.StartsWith("The License Server ID is not complete", partial.Code!.Message);

        form.LicenseServerId = id;
        var whole = ActivateServerWizard.Next(ActivateStep.Code, form, NotActivated);
        Assert.False(whole.IsRefused);
        Assert.Equal(WizardCall.Finish, whole.Call);
    }

    [Fact]
    public void Back_returns_to_the_page_before_and_keeps_what_the_page_does_not_show()
    {
        Assert.Equal(ActivateStep.Method, ActivateServerWizard.Back(ActivateStep.Method));
        Assert.Equal(ActivateStep.Method, ActivateServerWizard.Back(ActivateStep.Required));
        Assert.Equal(ActivateStep.Optional, ActivateServerWizard.Back(ActivateStep.Code));

        var form = Form("web");
        form.RequestCode = "REQUEST";
        var kept = ActivateServerWizard.Kept(ActivateStep.Required, form).ToDictionary(k => k.Name, k => k.Value);
        Assert.Equal("web", kept["Form.Method"]);
        Assert.Equal("ada@contoso.example", kept["Form.Company.Email"]); // an optional field, on the required page
        Assert.False(kept.ContainsKey("Form.Company.FirstName")); // shown on this page
        Assert.Equal("REQUEST", kept["Form.RequestCode"]);
        Assert.DoesNotContain(ActivateServerWizard.Kept(ActivateStep.Method, form), k => k.Name == "Form.Method");
    }

    [Fact]
    public void The_first_request_code_stays_and_the_clearinghouse_link_fills_in_the_company()
    {
        var form = Form("web");
        ActivateServerWizard.KeepFirstRequestCode(form, new("P", "web", "http://ch/activate", null, null, "", "FIRST"));
        ActivateServerWizard.KeepFirstRequestCode(form, new("P", "web", "http://ch/activate", null, null, "", "SECOND"));
        Assert.Equal("FIRST", form.RequestCode);
        var link = ActivateServerWizard.ClearinghouseLink("http://ch/activate", form);
        Assert.StartsWith("http://ch/activate?requestCode=FIRST&", link);
        Assert.Contains("company.company=Contoso", link);
    }

    private static (ActivateStep, WizardCall) Pick(WizardMove<ActivateStep> move)
    {
        Assert.False(move.IsRefused, move.Error ?? string.Join("; ", move.Errors.Values));
        return (move.Step, move.Call);
    }
}
