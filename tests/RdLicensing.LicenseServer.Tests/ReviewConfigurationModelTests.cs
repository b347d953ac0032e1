using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Models;
using static RdLicensing.LicenseServer.Tests.ConsoleWizardTestData;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Review Configuration's page logic (issue 15): problems apart, headings that never contradict the attention list, the buttons' changes.</summary>
public sealed class ReviewConfigurationModelTests
{
    private static ConfigurationReviewView Review(params ReviewCheckView[] checks) => new("P", "2025", Now, Activated.Activation, null, false,
        new DatabaseView("sqlite", "/data/licenses.db", "/data", 1024, true), new PoliciesView(true, false), 1, [], checks);

    [Fact]
    public void Problems_come_apart_from_passed_checks()
    {
        var review = Review(new("a", "error", "A", "activate", null), new("b", "ok", "B", null, null), new("c", "warning", "C", null, null));
        Assert.Equal(["a", "c"], ReviewConfigurationModel.Problems(review).Select(c => c.Id));
        Assert.Equal(["b"], ReviewConfigurationModel.Passed(review).Select(c => c.Id));
        Assert.Equal("2 problem(s) found", ReviewConfigurationModel.ProblemsHeading(2));
    }

    [Fact]
    public void No_problems_found_points_at_what_needs_attention_rather_than_contradicting_it()
    {
        Assert.Equal("Needs attention (2)", ReviewConfigurationModel.AttentionHeading(2));
        Assert.EndsWith("(what needs attention is listed above).", ReviewConfigurationModel.NoProblems(2));
        Assert.Equal("Needs attention: nothing", ReviewConfigurationModel.AttentionHeading(0));
        Assert.EndsWith("configuration.", ReviewConfigurationModel.NoProblems(0));
    }

    [Theory]
    [InlineData("group-add:rdsh-01", ReviewFixKind.AddToGroup, "rdsh-01", false)]
    [InlineData("group-remove:rdsh-01", ReviewFixKind.RemoveFromGroup, "rdsh-01", false)]
    [InlineData("security-group:on", ReviewFixKind.SecurityGroupPolicy, null, true)]
    [InlineData("security-group:off", ReviewFixKind.SecurityGroupPolicy, null, false)]
    [InlineData("prevent-upgrade:on", ReviewFixKind.PreventUpgrade, null, true)]
    public void A_button_is_read_as_its_change(string action, ReviewFixKind kind, string? host, bool on) =>
        Assert.Equal(new ReviewFix(kind, host, on), ReviewConfigurationModel.Read(action));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("group-add:")] // no host
    [InlineData("group-add")]
    [InlineData("security-group:maybe")]
    [InlineData("rebuild:now")] // not a change this page makes
    [InlineData("SECURITY-GROUP:on")]
    public void Anything_else_is_refused_as_unknown(string? action) =>
        Assert.Equal(ReviewFixKind.Unknown, ReviewConfigurationModel.Read(action).Kind);

    [Fact]
    public void The_buttons_offer_the_opposite_of_the_state_and_the_page_says_what_changed()
    {
        var member = new SessionHostView("rdsh-01", true, Now, null);
        var outsider = member with { InSecurityGroup = false };
        Assert.Equal("group-remove:rdsh-01", ReviewConfigurationModel.GroupToggle(member));
        Assert.Equal("group-add:rdsh-01", ReviewConfigurationModel.GroupToggle(outsider));
        Assert.Equal(ReviewFixKind.RemoveFromGroup, ReviewConfigurationModel.Read(ReviewConfigurationModel.GroupToggle(member)).Kind);
        Assert.Equal("security-group:off", ReviewConfigurationModel.SecurityGroupToggle(true));
        Assert.Equal("prevent-upgrade:on", ReviewConfigurationModel.PreventUpgradeToggle(false));
        Assert.Equal("Session host rdsh-01 was added to the license server security group.", ReviewConfigurationModel.GroupChanged(member));
        Assert.Equal("Session host rdsh-01 was removed from the license server security group.", ReviewConfigurationModel.GroupChanged(outsider));
        Assert.Equal("The license server security group policy is now off.", ReviewConfigurationModel.SecurityGroupChanged(false));
        Assert.Equal("Not a member — refused", ReviewConfigurationModel.NotMember(policyOn: true));
        Assert.Equal("Not a member", ReviewConfigurationModel.NotMember(policyOn: false));
    }

    [Fact]
    public void Activation_words_and_expiry()
    {
        Assert.Equal("Not activated", ReviewConfigurationModel.ActivationText("not-activated"));
        Assert.Equal("2026-06-11 (in 10 days)", ReviewConfigurationModel.Expiry(Now.AddDays(10), Now));
        Assert.Equal("2026-05-31 (expired)", ReviewConfigurationModel.Expiry(Now.AddDays(-1), Now));
    }
}
