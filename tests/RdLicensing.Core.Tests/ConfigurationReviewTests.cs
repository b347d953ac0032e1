using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;

namespace RdLicensing.Core.Tests;

public sealed class ConfigurationReviewTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly DatabaseView Database = new("sqlite", "/var/lib/rdlic/licensing.db", "/var/lib/rdlic", 81_920, true);

    private static ReviewInput Healthy(Func<ReviewInput, ReviewInput>? change = null)
    {
        var input = new ReviewInput(Now, "activated", Now.AddDays(200), "CN=RdLicensing Clearinghouse", true, false,
            [new ReviewedHost("rdsh-01", false)], 2, Database);
        return change is null ? input : change(input);
    }

    [Fact]
    public void A_healthy_server_passes_every_check()
    {
        var checks = ConfigurationReview.Check(Healthy());

        Assert.All(checks, c => Assert.Equal(ConfigurationReview.Ok, c.Status));
        Assert.All(checks, c => Assert.Null(c.Fix));
        Assert.Contains(checks, c => c.Id == "activation" && c.Message.Contains("valid until 2025-12-18 (200 days)"));
        Assert.Contains(checks, c => c.Id == "database" && c.Message == "The database is /var/lib/rdlic/licensing.db (80 KiB), readable by its owner only.");
    }

    [Theory]
    [InlineData("not-activated", "error", ReviewFixes.Activate, "is not activated")]
    [InlineData("expired", "error", ReviewFixes.Reactivate, "expired on 2025-12-18")]
    [InlineData("deactivated", "error", ReviewFixes.Reactivate, "is deactivated")]
    public void An_unusable_activation_is_an_error_with_its_fix(string status, string severity, string fix, string wording)
    {
        var check = ConfigurationReview.Check(Healthy(i => i with { ActivationStatus = status })).Single(c => c.Id == "activation");

        Assert.Equal((severity, fix), (check.Status, check.Fix));
        Assert.Contains(wording, check.Message);
    }

    [Fact]
    public void A_certificate_ending_within_30_days_is_a_warning_to_reactivate()
    {
        var check = ConfigurationReview.Check(Healthy(i => i with { ActivationExpiresAt = Now.AddDays(12).AddHours(3) })).Single(c => c.Id == "activation");

        Assert.Equal((ConfigurationReview.Warning, ReviewFixes.Reactivate), (check.Status, check.Fix));
        Assert.Contains("expires on 2025-06-13 (in 13 days)", check.Message);
    }

    [Fact]
    public void With_the_security_group_policy_on_each_host_outside_the_group_is_an_error_naming_it()
    {
        var checks = ConfigurationReview.Check(Healthy(i => i with
        {
            SecurityGroupEnabled = true,
            Hosts = [new ReviewedHost("rdsh-01", true), new ReviewedHost("rdsh-02", false), new ReviewedHost("rdsh-03", false)],
        }));

        var outside = checks.Where(c => c.Id == "host-not-in-security-group").ToList();
        Assert.Equal(["rdsh-02", "rdsh-03"], outside.Select(c => c.Subject));
        Assert.All(outside, c => Assert.Equal((ConfigurationReview.Error, ReviewFixes.AddToSecurityGroup), (c.Status, c.Fix)));
        Assert.Contains("refuses its CAL requests (event 4141)", outside[0].Message);
        Assert.DoesNotContain(checks, c => c.Id == "security-group");
    }

    [Fact]
    public void With_every_host_in_the_group_the_policy_passes()
    {
        var checks = ConfigurationReview.Check(Healthy(i => i with { SecurityGroupEnabled = true, Hosts = [new ReviewedHost("rdsh-01", true)] }));

        Assert.Equal("The license server security group policy is on and all 1 enrolled session host(s) are in the group.",
            checks.Single(c => c.Id == "security-group").Message);
    }

    [Fact]
    public void Problems_come_first_errors_before_warnings()
    {
        var checks = ConfigurationReview.Check(Healthy(i => i with
        {
            ClearinghouseAddressConfigured = false,
            KeyPacks = 0,
            Hosts = [],
            TrustedClearinghouse = null,
            Database = Database with { OwnerOnly = false },
        }));

        Assert.Equal(["clearinghouse-trusted", "clearinghouse-address", "key-packs", "session-hosts", "database", "activation", "security-group"],
            checks.Select(c => c.Id));
        Assert.Equal(["error", "warning", "warning", "warning", "warning", "ok", "ok"], checks.Select(c => c.Status));
        Assert.Equal(ReviewFixes.InstallLicenses, checks.Single(c => c.Id == "key-packs").Fix);
        // No session host: the console's Session hosts page fixes it, the CLI command stays as the secondary hint.
        var hosts = checks.Single(c => c.Id == "session-hosts");
        Assert.Equal(ReviewFixes.EnrollSessionHost, hosts.Fix);
        Assert.Contains("Enroll each one on the console's Session hosts page (or with 'rdlic hosts enroll NAME')", hosts.Message);
        Assert.Contains("chmod 600", checks.Single(c => c.Id == "database").Message);
    }

    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(81_920, "80 KiB")]
    [InlineData(5_452_595, "5.2 MiB")]
    public void Sizes_read_like_a_file_manager(long bytes, string text) => Assert.Equal(text, ConfigurationReview.FormatSize(bytes));
}
