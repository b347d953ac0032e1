using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>One license server shared by the tests of a class whose state does not interfere.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestLicenseServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestLicenseServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
