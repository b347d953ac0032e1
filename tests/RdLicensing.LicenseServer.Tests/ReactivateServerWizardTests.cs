using RdLicensing.Core.Codes;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Console.Models;
using static RdLicensing.LicenseServer.Tests.ConsoleWizardTestData;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Reactivate Server as a state machine (issue 15): reason, method, confirmation, code; refused on a server never activated.</summary>
public sealed class ReactivateServerWizardTests
{
    private static ReactivateForm Form(string method = "automatic", string? reason = "redeployed")
    {
        var form = ReactivateServerWizard.Start(Activated, Properties(method, method == "telephone" ? "Canada" : null));
        form.Reason = reason;
        return form;
    }

    [Fact]
    public void A_server_never_activated_has_nothing_to_reactivate_and_a_forged_next_is_refused()
    {
        var why = ReactivateServerWizard.DisabledBecause(NotActivated);
        Assert.Contains("never activated", why);
        Assert.Contains("Activate Server", why);
        var move = ReactivateServerWizard.Next(ReactivateStep.Confirm, Form(), NotActivated);
        Assert.Equal((true, ReactivateStep.Reason, why, WizardCall.None), (move.IsRefused, move.Step, move.Error, move.Call));
        // Positive controls: activated, expired and deactivated servers can be reactivated.
        foreach (var status in new[] { Activated, Expired, Deactivated })
        {
            Assert.Null(ReactivateServerWizard.DisabledBecause(status));
            Assert.Equal((ReactivateStep.Done, WizardCall.Finish), Pick(ReactivateServerWizard.Next(ReactivateStep.Confirm, Form(), status)));
        }
    }

    [Fact]
    public void An_expired_activation_starts_with_its_reason_and_others_with_none()
    {
        Assert.Equal("expired", ReactivateServerWizard.Start(Expired, Properties()).Reason);
        Assert.Null(ReactivateServerWizard.Start(Activated, Properties()).Reason);
        Assert.Equal("Lovelace", ReactivateServerWizard.Start(Activated, Properties()).LastName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("because")]
    public void Next_from_the_reason_needs_one_of_the_five(string? reason)
    {
        var move = ReactivateServerWizard.Next(ReactivateStep.Reason, Form(reason: reason), Activated);
        Assert.Equal((ReactivateStep.Reason, true), (move.Step, move.Errors.ContainsKey("Reason")));
    }

    [Fact]
    public void Each_step_leads_to_the_next_for_each_method()
    {
        Assert.Equal(5, ReactivateServerWizard.Reasons.Count);
        foreach (var (reason, _) in ReactivateServerWizard.Reasons)
            Assert.Equal((ReactivateStep.Method, WizardCall.None), Pick(ReactivateServerWizard.Next(ReactivateStep.Reason, Form(reason: reason), Activated)));
        Assert.Equal((ReactivateStep.Confirm, WizardCall.None), Pick(ReactivateServerWizard.Next(ReactivateStep.Method, Form("telephone"), Activated)));
        var noMethod = Form();
        noMethod.Method = "pigeon";
        Assert.True(ReactivateServerWizard.Next(ReactivateStep.Method, noMethod, Activated).Errors.ContainsKey("Method"));
        // Confirm: automatic reactivates; web and telephone ask for the request code, then the code step.
        Assert.Equal((ReactivateStep.Done, WizardCall.Finish), Pick(ReactivateServerWizard.Next(ReactivateStep.Confirm, Form(), Activated)));
        Assert.Equal((ReactivateStep.Code, WizardCall.Finish), Pick(ReactivateServerWizard.Next(ReactivateStep.Confirm, Form("web"), Activated)));
        Assert.Equal(["Reason", "Connection method", "Confirmation", "Completed"], ReactivateServerWizard.StepNames("automatic"));
        Assert.Equal(4, ReactivateServerWizard.IndexOf(ReactivateStep.Done, "web"));
        Assert.Equal(ReactivateStep.Confirm, ReactivateServerWizard.Back(ReactivateStep.Code));
        Assert.Equal(ReactivateStep.Reason, ReactivateServerWizard.Back(ReactivateStep.Reason));
        Assert.Equal(ReactivateStep.Reason, ReactivateServerWizard.StepOf(new ReactivateForm { Step = 4, Method = "automatic" }));
        Assert.Equal(ReactivateStep.Code, ReactivateServerWizard.StepOf(new ReactivateForm { Step = 4, Method = "web" }));
    }

    [Fact]
    public void The_confirmation_needs_both_names_and_sends_them_with_the_reason()
    {
        var form = Form("telephone");
        form.FirstName = " ";
        var move = ReactivateServerWizard.Next(ReactivateStep.Confirm, form, Activated);
        Assert.Equal((ReactivateStep.Confirm, WizardCall.None), (move.Step, move.Call));
        Assert.Contains("First name is required to reactivate", move.Errors["FirstName"]);

        var body = ReactivateServerWizard.Body(Form("telephone"));
        Assert.Equal(("redeployed", "telephone", "Ada", "Lovelace", "Canada"), (body.Reason, body.Method, body.FirstName, body.LastName, body.CountryRegion));
        Assert.Null(ReactivateServerWizard.Body(Form("web")).CountryRegion);
    }

    [Fact]
    public void The_code_step_finishes_only_with_a_whole_license_server_id()
    {
        var form = Form("web");
        form.LicenseServerId = "";
        Assert.True(ReactivateServerWizard.Next(ReactivateStep.Code, form, Activated).IsRefused);
        using var clearinghouse = KeyAuthority.Create("Wizard Clearinghouse", Now);
        form.LicenseServerId = LicenseServerIdCode.Issue(clearinghouse, Activated.ProductId, 2, Now, Now.AddDays(365));
        Assert.Equal((ReactivateStep.Code, WizardCall.Finish), Pick(ReactivateServerWizard.Next(ReactivateStep.Code, form, Activated)));
    }

    [Fact]
    public void Words_and_links()
    {
        Assert.Equal("The private key has been compromised", ReactivateServerWizard.ReasonLabel("key-compromised"));
        Assert.Equal("—", ReactivateServerWizard.ReasonLabel("nonsense"));
        Assert.Null(ReactivateServerWizard.ReasonText("nonsense"));
        Assert.StartsWith("no longer activated: its activation expired on", ReactivateServerWizard.StatusText(Expired));
        Assert.Equal("/console/reactivate?done=1&reason=key-compromised", ReactivateServerWizard.DoneUrl("key-compromised"));
        var form = Form("web");
        form.RequestCode = "RC";
        Assert.Equal("http://ch/activate?requestCode=RC&reason=redeployed&company.firstName=Ada&company.lastName=Lovelace",
            ReactivateServerWizard.ClearinghouseLink("http://ch/activate", form));
        Assert.DoesNotContain(ReactivateServerWizard.Kept(ReactivateStep.Confirm, form), k => k.Name == "Form.FirstName");
        Assert.Contains(ReactivateServerWizard.Kept(ReactivateStep.Code, form), k => k == ("Form.FirstName", "Ada"));
    }

    private static (ReactivateStep, WizardCall) Pick(WizardMove<ReactivateStep> move)
    {
        Assert.False(move.IsRefused, move.Error ?? string.Join("; ", move.Errors.Values));
        return (move.Step, move.Call);
    }
}
