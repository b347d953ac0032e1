namespace RdLicensing.Storage.Tests;

public sealed class JobClaimTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory, AllDatabases]
    public async Task A_periodic_job_runs_on_one_node_until_its_claim_runs_out_then_another_takes_it(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var other = db.SecondNode();
        var lease = TimeSpan.FromMinutes(2);
        Task<bool> Claim(LicenseStore node, string name, DateTimeOffset at) => node.WriteAsync(s => s.TryClaimJobAsync("expiry-sweep", name, at, lease));

        Assert.True(await Claim(db.Store, "node-a", T0));
        Assert.False(await Claim(other, "node-b", T0.AddMinutes(1)));
        Assert.True(await Claim(db.Store, "node-a", T0.AddMinutes(1))); // the holder renews
        Assert.False(await Claim(other, "node-b", T0.AddMinutes(2.5)));
        Assert.True(await Claim(other, "node-b", T0.AddMinutes(3.5))); // node-a stopped renewing
        Assert.False(await Claim(db.Store, "node-a", T0.AddMinutes(4)));
        if (other.Dialect is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }
}
