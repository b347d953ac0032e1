using RdLicensing.Core.Codes;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Console.Models;
using static RdLicensing.LicenseServer.Tests.ConsoleWizardTestData;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Deactivate Server as a state machine (issue 15): the confirmation is required, the clearinghouse's code finishes web and telephone.</summary>
public sealed class DeactivateServerWizardTests
{
    private static DeactivateForm Form(string method = "automatic") =>
        DeactivateServerWizard.Start(Properties(method, method == "telephone" ? "Canada" : null));

    [Fact]
    public void Deactivate_is_refused_without_the_confirmation_ticked_and_carried_out_with_it()
    {
        var form = Form();
        var refused = DeactivateServerWizard.Next(DeactivateStep.Confirm, form, Activated);
        Assert.Equal((true, DeactivateStep.Confirm, WizardCall.None), (refused.IsRefused, refused.Step, refused.Call));
        Assert.Equal(DeactivateServerWizard.ConfirmRequired, refused.Errors["Confirm"]);
        form.Confirm = false;
        Assert.True(DeactivateServerWizard.Next(DeactivateStep.Confirm, form, Activated).IsRefused);

        form.Confirm = true; // positive control
        var done = DeactivateServerWizard.Next(DeactivateStep.Confirm, form, Activated);
        Assert.Equal((false, WizardCall.Finish), (done.IsRefused, done.Call));
    }

    [Fact]
    public void A_server_not_activated_or_already_deactivated_has_nothing_to_deactivate()
    {
        Assert.Contains("already deactivated", DeactivateServerWizard.DisabledBecause(Deactivated));
        Assert.Equal("/console/reactivate", DeactivateServerWizard.Instead(Deactivated).Href);
        Assert.Contains("not activated", DeactivateServerWizard.DisabledBecause(NotActivated));
        Assert.Equal("/console/activate", DeactivateServerWizard.Instead(NotActivated).Href);
        var form = Form();
        form.Confirm = true;
        foreach (var status in new[] { Deactivated, NotActivated })
        {
            var move = DeactivateServerWizard.Next(DeactivateStep.Confirm, form, status);
            Assert.Equal((true, DeactivateStep.MethodAndName, WizardCall.None), (move.IsRefused, move.Step, move.Call));
        }
        // Positive controls: activated and expired servers can be deactivated.
        Assert.Null(DeactivateServerWizard.DisabledBecause(Activated));
        Assert.Null(DeactivateServerWizard.DisabledBecause(Expired));
    }

    [Fact]
    public void The_first_step_needs_a_method_and_both_names()
    {
        var form = Form("telephone");
        form.Country = null;
        form.LastName = "";
        var move = DeactivateServerWizard.Next(DeactivateStep.MethodAndName, form, Activated);
        Assert.Equal(DeactivateStep.MethodAndName, move.Step);
        Assert.Equal(["Country", "LastName"], move.Errors.Keys.Order());
        Assert.Equal((false, DeactivateStep.Confirm), (DeactivateServerWizard.Next(DeactivateStep.MethodAndName, Form("web"), Activated) is var m ? (m.IsRefused, m.Step) : default));
    }

    [Fact]
    public void The_code_step_finishes_only_with_a_whole_confirmation_code_and_has_no_back()
    {
        var form = Form("web");
        using var clearinghouse = KeyAuthority.Create("Wizard Clearinghouse", Now);
        var code = DeactivationConfirmationCode.Issue(clearinghouse, Activated.ProductId, "0123456789ab", Now);
        form.ConfirmationCode = code[..11];
        var partial = DeactivateServerWizard.Next(DeactivateStep.Code, form, Activated);
        Assert.True(partial.IsRefused);
        Assert.StartsWith("The confirmation code is not complete", partial.Code!.Message);
        var mistyped = code[..6] + (code[6] == 'A' ? 'B' : 'A') + code[7..]; // the second group's first character
        var wrong = DeactivateServerWizard.Next(DeactivateStep.Code, new DeactivateForm { ConfirmationCode = mistyped }, Activated);
        Assert.Equal((true, WizardCall.None, 2), (wrong.IsRefused, wrong.Call, wrong.Code!.WrongGroup));
        form.ConfirmationCode = code;
        var whole = DeactivateServerWizard.Next(DeactivateStep.Code, form, Activated);
        Assert.Equal((false, WizardCall.Finish), (whole.IsRefused, whole.Call));
        Assert.Equal(DeactivateStep.Code, DeactivateServerWizard.Back(DeactivateStep.Code));
        Assert.Equal(DeactivateStep.MethodAndName, DeactivateServerWizard.Back(DeactivateStep.Confirm));
    }

    [Fact]
    public void The_request_and_the_code_are_sent_apart_and_the_request_code_travels_to_the_code_step()
    {
        var form = Form("telephone");
        var request = DeactivateServerWizard.Body(DeactivateStep.Confirm, form);
        Assert.Equal(("telephone", "Ada", "Lovelace", "Canada", null), (request.Method, request.FirstName, request.LastName, request.CountryRegion, request.ConfirmationCode));
        DeactivateServerWizard.Carry(form, new("P", "telephone", null, "Canada", "+1 800 555 0199", "", "REQ"));
        Assert.Equal((4 - 1, "REQ", "+1 800 555 0199"), (form.Step, form.RequestCode, form.TelephoneNumber));
        Assert.Equal(DeactivateStep.Code, DeactivateServerWizard.StepOf(form));
        form.ConfirmationCode = "CODE";
        var answer = DeactivateServerWizard.Body(DeactivateStep.Code, form);
        Assert.Equal(("CODE", null), (answer.ConfirmationCode, answer.Method));
        Assert.Contains(DeactivateServerWizard.Kept(DeactivateStep.Code, form), k => k == ("Form.RequestCode", "REQ"));
        Assert.Empty(DeactivateServerWizard.Kept(DeactivateStep.MethodAndName, form));
        Assert.Equal("/console/deactivate?done=1&method=telephone&country=Canada", DeactivateServerWizard.DoneUrl(form));
        Assert.Equal(DeactivateStep.MethodAndName, DeactivateServerWizard.StepOf(new DeactivateForm { Step = 4 })); // Done is never posted
    }
}
