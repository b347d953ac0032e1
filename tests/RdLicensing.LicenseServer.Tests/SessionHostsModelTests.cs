using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Models;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>The Session hosts page's logic (issue 15): the name's check, the re-issue wording, the one-time token and the step on the host.</summary>
public sealed class SessionHostsModelTests
{
    private static readonly DateTimeOffset Enrolled = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_name_is_refused_with_what_to_type(string? name) =>
        Assert.Equal("Enter the session host's computer name (as the host knows itself, e.g. RDSH01).", SessionHostsModel.Check(name));

    [Theory]
    [InlineData("rdsh 01", "The name may hold only letters, digits, '-', '.' and '_': remove the space.")]
    [InlineData("rdsh/01;x", "The name may hold only letters, digits, '-', '.' and '_': remove '/' ';'.")]
    [InlineData("rdsh-é", "The name may hold only letters, digits, '-', '.' and '_': remove 'é'.")]
    public void An_invalid_name_names_the_characters_to_remove(string name, string error) =>
        Assert.Equal(error, SessionHostsModel.Check(name));

    [Fact]
    public void A_too_long_name_says_how_long_it_is_and_the_limit()
    {
        Assert.Equal("The name is 254 characters long: a computer name has at most 253.", SessionHostsModel.Check(new string('a', 254)));
        Assert.Null(SessionHostsModel.Check(new string('a', 253)));
    }

    [Theory]
    [InlineData("RDSH01")]
    [InlineData(" rdsh-01.contoso.example ")]
    [InlineData("rdsh_02")]
    public void A_computer_name_passes(string name) => Assert.Null(SessionHostsModel.Check(name));

    [Fact]
    public void A_new_host_gets_its_token_once_and_the_command_to_store_it()
    {
        var result = SessionHostsModel.Result(new EnrollResponse(new SessionHostView("rdsh-01", false, Enrolled, null), "rdlh_abc", NewlyEnrolled: true), "http://ls:5080/");
        Assert.Equal(("rdsh-01 is enrolled.", "rdlh_abc"), (result.Heading, result.Token));
        Assert.Null(result.OldTokenStops);
        Assert.Equal("rdlic sessionhost enroll --license-server http://ls:5080 --host-token rdlh_abc", result.HostCommand);
    }

    [Fact]
    public void A_reissue_says_the_old_token_stops_working_before_and_after()
    {
        var hosts = new[] { new SessionHostView("RDSH-01", true, Enrolled, Enrolled) };
        Assert.True(SessionHostsModel.IsEnrolled(hosts, " rdsh-01 ")); // the license server compares names case-insensitively
        Assert.False(SessionHostsModel.IsEnrolled(hosts, "rdsh-02"));
        Assert.False(SessionHostsModel.IsEnrolled(hosts, null));
        Assert.Equal("RDSH-01 is enrolled already: a new token replaces its current one, which stops working at once. RDSH-01 is refused until it stores the new token.",
            SessionHostsModel.ReissueWarning("RDSH-01"));
        Assert.Equal("/console/sessionhosts?name=RDSH-01#enroll-heading", SessionHostsModel.ReissueHref("RDSH-01"));

        var result = SessionHostsModel.Result(new EnrollResponse(hosts[0], "rdlh_new", NewlyEnrolled: false), "http://ls:5080");
        Assert.Equal("RDSH-01 has a new token.", result.Heading);
        Assert.Equal("The old token of RDSH-01 no longer works: RDSH-01 is refused by this license server until it stores this one.", result.OldTokenStops);
    }

    [Fact]
    public void A_refusal_by_the_license_server_is_shown_with_its_reason() =>
        Assert.Equal("rdsh-01 was not enrolled: The license server at http://ls:5080 no longer accepts this administrator token: sign in again.",
            SessionHostsModel.Refused(" rdsh-01", "The license server at http://ls:5080 no longer accepts this administrator token: sign in again."));

    [Fact]
    public void A_removal_is_asked_about_the_enrolled_host_and_said_once_it_is_gone()
    {
        var hosts = new[] { new SessionHostView("RDSH-01", false, Enrolled, null) };
        Assert.Equal("/console/sessionhosts?remove=RDSH-01#remove-heading", SessionHostsModel.RemoveHref("RDSH-01"));

        // Asked about the host as enrolled (names compare case-insensitively); a name no longer enrolled says so.
        Assert.Equal((hosts[0], (string?)null), SessionHostsModel.ToConfirm(hosts, "rdsh-01", posting: false));
        Assert.Equal((null, "No session host named rdsh-02 is enrolled: it may have been removed already."),
            SessionHostsModel.ToConfirm(hosts, "rdsh-02", posting: false));
        Assert.Equal((null, null), SessionHostsModel.ToConfirm(hosts, "rdsh-01", posting: true)); // the post says what happened
        Assert.Equal((null, null), SessionHostsModel.ToConfirm(hosts, null, posting: false));
        Assert.Contains("Its token stops working at once", SessionHostsModel.RemoveQuestion("RDSH-01"));
        Assert.Contains("The CALs it obtained stay issued", SessionHostsModel.RemoveQuestion("RDSH-01"));

        Assert.Equal(("RDSH-01", (string?)null), SessionHostsModel.CheckRemove(new RemoveHostForm { Name = " RDSH-01 " }));
        Assert.Equal((null, "Choose the session host to remove in the list."), SessionHostsModel.CheckRemove(new RemoveHostForm { Name = " " }));

        // "Removed" only once the list no longer holds it: a crafted ?removed= for an enrolled host says nothing.
        Assert.Null(SessionHostsModel.Removed(hosts, "rdsh-01"));
        Assert.Equal("rdsh-02 was removed: its token no longer works. Enroll it again to give it a new one.", SessionHostsModel.Removed(hosts, "rdsh-02"));
        Assert.Equal("/console/sessionhosts?removed=rdsh%2002", SessionHostsModel.RemovedUrl("rdsh 02"));
    }
}
