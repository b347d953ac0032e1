using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Console.Models;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Manage Licenses as a state machine (issue 15): its pages for each choice, Back and Next, each step's checks.</summary>
public sealed class ManageLicensesWizardTests
{
    private static KeyPackView Pack(string version) => new(Guid.NewGuid(), "retail", "Retail", version, version, "per-device", 10, 2, 8, null, "", "", "", "", DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_pages_follow_the_choices_made()
    {
        Assert.Equal([ManageStep.Action, ManageStep.Source, ManageStep.Running, ManageStep.Packs, ManageStep.Confirm, ManageStep.Done],
            ManageLicensesWizard.Steps(new ManageLicensesForm()).Select(s => s.Step));
        Assert.Equal([ManageStep.Action, ManageStep.Source, ManageStep.Dead, ManageStep.Confirm, ManageStep.Done],
            ManageLicensesWizard.Steps(new ManageLicensesForm { Choice = "migrate", Reason = "dead" }).Select(s => s.Step));
        Assert.Equal([ManageStep.Action, ManageStep.Rebuild, ManageStep.Done],
            ManageLicensesWizard.Steps(new ManageLicensesForm { Choice = "rebuild" }).Select(s => s.Step));
    }

    [Theory]
    [InlineData(null, ManageStep.Action)]
    [InlineData("3", ManageStep.Running)]
    [InlineData("dead", ManageStep.Dead)]
    [InlineData("8", ManageStep.Action)] // Done is never posted: a forged one starts again
    [InlineData("done", ManageStep.Action)]
    [InlineData("99", ManageStep.Action)]
    [InlineData("nonsense", ManageStep.Action)]
    public void A_posted_step_is_read_and_anything_else_starts_again(string? posted, ManageStep step) =>
        Assert.Equal(step, ManageLicensesWizard.StepOf(posted));

    [Fact]
    public void Next_from_the_action_page_needs_a_choice()
    {
        Assert.Equal((ManageStep.Action, "choice"), (ManageLicensesWizard.NextFromAction(new()).Step, ManageLicensesWizard.NextFromAction(new()).Error?.Field));
        Assert.Equal((ManageStep.Source, null), ManageLicensesWizard.NextFromAction(new() { Choice = "migrate" }));
        Assert.Equal((ManageStep.Rebuild, null), ManageLicensesWizard.NextFromAction(new() { Choice = "rebuild" }));
    }

    [Fact]
    public void Next_from_the_reason_page_leads_to_the_running_or_the_dead_source()
    {
        Assert.Equal("reason", ManageLicensesWizard.NextFromSource(new()).Error?.Field);
        Assert.Equal(ManageStep.Running, ManageLicensesWizard.NextFromSource(new() { Reason = "running" }).Step);
        Assert.Equal(ManageStep.Dead, ManageLicensesWizard.NextFromSource(new() { Reason = "dead" }).Step);
    }

    [Theory]
    [InlineData(ManageStep.Source, null, ManageStep.Action)]
    [InlineData(ManageStep.Rebuild, null, ManageStep.Action)]
    [InlineData(ManageStep.Running, "running", ManageStep.Source)]
    [InlineData(ManageStep.Dead, "dead", ManageStep.Source)]
    [InlineData(ManageStep.Packs, "running", ManageStep.Running)]
    [InlineData(ManageStep.Confirm, "running", ManageStep.Packs)]
    [InlineData(ManageStep.Confirm, "dead", ManageStep.Dead)]
    public void Back_returns_to_the_page_before(ManageStep from, string? reason, ManageStep to) =>
        Assert.Equal(to, ManageLicensesWizard.Back(from, new ManageLicensesForm { Reason = reason }));

    [Fact]
    public void Next_from_the_packs_page_keeps_only_ticked_packs_this_server_can_host()
    {
        var old = Pack("2019");
        var newer = Pack("2025");
        var (step, selected, error) = ManageLicensesWizard.NextFromPacks([newer.Id], [old, newer], ProductVersion.WindowsServer2022);
        Assert.Equal((ManageStep.Packs, "packs"), (step, error?.Field)); // a 2025 pack cannot live on a 2022 server
        Assert.Empty(selected);

        (step, selected, error) = ManageLicensesWizard.NextFromPacks([old.Id, newer.Id, Guid.NewGuid()], [old, newer], ProductVersion.WindowsServer2022);
        Assert.Equal((ManageStep.Confirm, null), (step, error));
        Assert.Equal([old.Id], selected);
    }

    [Fact]
    public void A_dead_source_needs_a_well_typed_license_server_id_first()
    {
        var (step, _, error) = ManageLicensesWizard.NextFromDead(new ManageLicensesForm { LicenseServerId = "ABCDE-12345" }, ProductVersion.WindowsServer2022);
        Assert.Equal((ManageStep.Dead, "lsid"), (step, error?.Field));
    }

    [Fact]
    public void Purchase_proofs_are_checked_per_program_and_a_mistyped_retail_code_names_its_group()
    {
        var code = LicenseIdentifiers.NewRetailCode();
        var groups = code.Split('-');
        var typo = GroupedCode.Alphabet.Select(c => groups[3][..2] + c + groups[3][3..]).First(g => !LicenseIdentifiers.RetailGroupIsValid(3, g));
        var mistyped = string.Join('-', groups[0], groups[1], groups[2], typo, groups[4]);

        var (_, problem) = ManageLicensesWizard.ReadProofs(new() { Program = "retail", Codes = code + "\n" + mistyped });
        Assert.Equal("codes", problem?.Field);
        Assert.Contains($"group 4 ({typo}) is wrong", problem!.Message);

        var (proofs, none) = ManageLicensesWizard.ReadProofs(new() { Program = "retail", Codes = code.ToLowerInvariant() + "\n" });
        Assert.Null(none);
        Assert.Equal(code, Assert.Single(proofs).LicenseCode);

        Assert.Equal("program", ManageLicensesWizard.ReadProofs(new()).Problem?.Field);
        Assert.Equal("open", ManageLicensesWizard.ReadProofs(new() { Program = "open", LicenseNumber = "1234567", AuthorizationNumber = "ABCDEFGHJK12345" }).Problem?.Field);
        Assert.Null(ManageLicensesWizard.ReadProofs(new() { Program = "open", LicenseNumber = "12345678", AuthorizationNumber = "ABCDEFGHJK12345" }).Problem);
        Assert.Equal("agreement", ManageLicensesWizard.ReadProofs(new() { Program = "ea", AgreementNumber = "1234567" }).Problem?.Field);
        Assert.Null(ManageLicensesWizard.ReadProofs(new() { Program = "ea", AgreementNumber = "1234567", AgreementVersion = "2022", AgreementType = "per-user" }).Problem);
    }

    [Fact]
    public void Rebuild_needs_its_box_ticked()
    {
        Assert.Equal("confirm-delete", ManageLicensesWizard.CheckRebuild(new())?.Field);
        Assert.Null(ManageLicensesWizard.CheckRebuild(new() { ConfirmDelete = true }));
    }

    [Fact]
    public void Each_page_keeps_in_hidden_fields_what_it_does_not_show_and_never_the_typed_token()
    {
        var form = new ManageLicensesForm { Choice = "migrate", Reason = "running", SourceUrl = "http://10.0.0.9:5080", SourceToken = "rdla_secret", SourceKey = "protected" };
        var selected = new[] { Guid.NewGuid() };

        var onRunning = ManageLicensesWizard.Kept(ManageStep.Running, form, selected).ToList();
        Assert.DoesNotContain(onRunning, k => k.Name == "Form.SourceUrl"); // shown on that page
        Assert.DoesNotContain(onRunning, k => k.Name == "Form.SourceToken" || k.Value == "rdla_secret");
        Assert.Contains(("Form.SourceKey", "protected"), onRunning);
        Assert.Contains(("pack", selected[0].ToString()), onRunning);

        var onPacks = ManageLicensesWizard.Kept(ManageStep.Packs, form, selected).ToList();
        Assert.Contains(("Form.SourceUrl", "http://10.0.0.9:5080"), onPacks);
        Assert.DoesNotContain(onPacks, k => k.Name == "pack"); // the checkboxes post them
    }
}
