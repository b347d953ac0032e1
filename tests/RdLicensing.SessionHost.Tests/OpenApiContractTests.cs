using RdLicensing.SessionHost.Tests.Support;
using RdLicensing.Testing;

namespace RdLicensing.SessionHost.Tests;

/// <summary>The session host's OpenAPI document, compared with its checked-in copy under docs/openapi so a change is deliberate.</summary>
public sealed class OpenApiContractTests
{
    [Fact]
    public async Task The_session_host_document_matches_its_checked_in_copy()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await OpenApiSnapshot.AssertMatchesAsync(s.Host.Http, "session-host", "RdLicensing.SessionHost.Tests");
    }
}
