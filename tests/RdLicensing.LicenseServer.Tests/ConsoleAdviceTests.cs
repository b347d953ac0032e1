using RdLicensing.LicenseServer.Console;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Advice inside the console is a console action on the signed-in server; elsewhere it leads to Servers; host settings stay CLI.</summary>
public sealed class ConsoleAdviceTests
{
    private const string Here = "http://127.0.0.1:5080";

    [Theory]
    [InlineData("not-in-security-group", "/console/review#hosts-heading", "Add rdsh-01 to the security group")]
    [InlineData("license-server-not-activated", "/console/review", "Activate or reactivate on Review Configuration")]
    [InlineData("activation-expiring", "/console/reactivate", "Reactivate Server")]
    [InlineData("no-licenses-available", "/console/install", "Install Licenses")]
    [InlineData("no-licenses-installed", "/console/install", "Install Licenses")]
    [InlineData("cals-older-than-host", "/console/install", "Install Licenses")]
    [InlineData("license-server-access-denied", "/console/sessionhosts?name=rdsh-01#enroll-heading", "Enroll rdsh-01 or issue it a new token in Session hosts")]
    public void A_problem_at_this_license_server_is_fixed_on_its_console_page(string problem, string href, string text)
    {
        Assert.Equal(new WebAction(href, text), ConsoleAdvice.ForDiagnosis(problem, "rdsh-01", Here + "/", Here));
        Assert.Equal(new WebAction(href, text), ConsoleAdvice.ForDiagnosis(problem, "rdsh-01", null, Here));
    }

    [Fact]
    public void A_problem_at_another_license_server_leads_to_servers_to_connect_to_it() =>
        Assert.Equal(new WebAction("/console/servers", "Connect to http://10.0.0.9:5080 in Servers"),
            ConsoleAdvice.ForDiagnosis("not-in-security-group", "rdsh-01", "http://10.0.0.9:5080", Here));

    [Theory]
    [InlineData("licensing-mode-mismatch")]
    [InlineData("license-server-not-available")]
    public void The_hosts_own_settings_have_no_console_action(string problem) =>
        Assert.Null(ConsoleAdvice.ForDiagnosis(problem, "rdsh-01", Here, Here));
}
