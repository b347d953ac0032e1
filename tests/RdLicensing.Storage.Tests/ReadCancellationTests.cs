using System.Data.Common;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.Storage.Tests;

/// <summary>
/// A request that goes away (its client disconnected: HttpContext.RequestAborted) stops its database reads: the caller's
/// token reaches each query itself, not only the opening of the connection. The reads here are given a token that is
/// cancelled just after their connection opened — the moment a request aborted in the middle of a long report read — and
/// must stop with OperationCanceledException instead of running the query; the same reads with a token that stays live
/// answer (the positive control).
/// </summary>
public sealed class ReadCancellationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 1, 0, 0, TimeSpan.Zero);

    /// <summary>The store's own dialect, except that opening a read connection cancels <see cref="CancelOnOpen"/> once it is open.</summary>
    private sealed class CancelledAfterOpen(IStoreDialect inner) : IStoreDialect
    {
        public CancellationTokenSource? CancelOnOpen { get; set; }
        public string Name => inner.Name;
        public string MigrationResourcePrefix => inner.MigrationResourcePrefix;

        public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var connection = await inner.OpenAsync(cancellationToken);
            CancelOnOpen?.Cancel();
            return connection;
        }

        public Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken) => inner.BeginWriteAsync(cancellationToken);
        public Task SchemaReadyAsync(CancellationToken cancellationToken) => inner.SchemaReadyAsync(cancellationToken);
        public Task BackupToAsync(string path, CancellationToken cancellationToken) => inner.BackupToAsync(path, cancellationToken);
    }

    private static readonly (string Name, Func<LicenseStore, CancellationToken, Task<int>> Read)[] LicenseReads =
    [
        ("IssuedPerDayAsync", async (s, ct) => (await s.IssuedPerDayAsync(0, ct)).Count),
        ("PoolLevelsAsync", async (s, ct) => (await s.PoolLevelsAsync(0, ct)).Count),
        ("DenialsPerDayAsync", async (s, ct) => (await s.DenialsPerDayAsync(0, ct)).Count),
        ("TemporaryCalsExpiringAsync", async (s, ct) => (await s.TemporaryCalsExpiringAsync(T0, TimeSpan.FromDays(3650), 100, ct)).Count),
        ("SessionHostGraceAsync", async (s, ct) => (await s.SessionHostGraceAsync(ct)).Count),
        ("SessionHostSyncsAsync", async (s, ct) => (await s.SessionHostSyncsAsync(ct)).Count),
        ("RevokedCalsAsync", async (s, ct) => (int)(await s.RevokedCalsAsync(T0, ct)).Number),
        ("CalIdSpanAsync", async (s, ct) => (await s.CalIdSpanAsync(ct)) is null ? 0 : 1),
        ("HoldersOfTwoCalsAsync", async (s, ct) => (await s.HoldersOfTwoCalsAsync(ct)).Count),
        ("IsConsoleSessionLiveAsync", async (s, ct) => await s.IsConsoleSessionLiveAsync("rdcs_x", T0, ct) ? 1 : 0),
        ("SettingAsync", async (s, ct) => await s.SettingAsync(LicenseStore.RevocationListNumberSetting, ct) is null ? 0 : 1),
        ("ReportedCalsAsync", async (s, ct) =>
        {
            var rows = 0;
            await foreach (var _ in s.ReportedCalsAsync(cancellationToken: ct)) rows++;
            return rows;
        }),
    ];

    [Theory, AllDatabases]
    public async Task A_license_server_read_whose_request_is_aborted_after_its_connection_opened_stops_and_one_that_is_not_answers(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = new KeyPack(Guid.NewGuid(), LicenseProgram.Retail, ProductVersion.WindowsServer2022, CalType.PerDevice, 5, 0, null, "test",
            new KeyPackOrigin("ch", "pid", "ref", T0), T0);
        await db.Store.WriteAsync(async s =>
        {
            await s.InsertKeyPackAsync(pack, "{}");
            await s.AddEventAsync(T0, LicensingEventId.KeyPackInstalled, "installed");
        });
        await db.Store.SeedCalsAsync(
        [
            new IssuedCal
            {
                Type = CalType.PerDevice, Status = CalStatus.Active, Version = ProductVersion.WindowsServer2022, HardwareId = "hw-1", ClientName = "pc-1",
                HostName = "rdsh-01", IssuedAt = T0, ExpiresAt = T0.AddDays(60), KeyPackId = pack.Id, HoldsSlot = true,
            },
        ]);
        var dialect = new CancelledAfterOpen(db.Store.Dialect);
        var store = new LicenseStore(dialect);

        Assert.Equal(1, await LicenseReads.Single(r => r.Name == "ReportedCalsAsync").Read(store, CancellationToken.None));
        foreach (var (name, read) in LicenseReads)
        {
            // Positive control: a live token, and the read answers.
            await read(store, new CancellationTokenSource().Token);

            using var aborted = new CancellationTokenSource();
            dialect.CancelOnOpen = aborted;
            try
            {
                var refused = await Record.ExceptionAsync(() => read(store, aborted.Token));
                Assert.True(refused is OperationCanceledException, $"{name} ran its query after its request was aborted ({refused?.GetType().Name ?? "it answered"}).");
            }
            finally
            {
                dialect.CancelOnOpen = null;
            }
        }
    }

    [Fact]
    public async Task A_clearinghouse_read_whose_request_is_aborted_after_its_connection_opened_stops_and_one_that_is_not_answers()
    {
        var directory = Directory.CreateTempSubdirectory("rdlic-ch-cancel-");
        try
        {
            var dialect = new CancelledAfterOpen(new SqliteDialect(Path.Combine(directory.FullName, "clearinghouse.db"), SqliteDialect.ClearinghouseMigrations));
            var store = new ClearinghouseStore(dialect);
            await store.MigrateAsync();
            (string Name, Func<CancellationToken, Task> Read)[] reads =
            [
                ("ActivationsAsync", ct => store.ActivationsAsync(10, ct)),
                ("InstallsAsync", ct => store.InstallsAsync(10, ct)),
                ("ConversionsAsync", ct => store.ConversionsAsync(10, ct)),
                ("MigrationsAsync", ct => store.MigrationsAsync(10, ct)),
                ("RetailCodesAsync", ct => store.RetailCodesAsync(ct)),
                ("RetailCodeAsync", ct => store.RetailCodeAsync("X", ct)),
                ("OpenLicensesAsync", ct => store.OpenLicensesAsync(ct)),
                ("AgreementsAsync", ct => store.AgreementsAsync(ct)),
                ("AgreementAsync", ct => store.AgreementAsync("1234567", ct)),
                ("ServerKeysAsync", ct => store.ServerKeysAsync("00000-00000-00000-00000", ct)),
                ("SecurityEventsAsync", ct => store.SecurityEventsAsync(null, 10, ct)),
            ];
            foreach (var (name, read) in reads)
            {
                await read(new CancellationTokenSource().Token);

                using var aborted = new CancellationTokenSource();
                dialect.CancelOnOpen = aborted;
                var refused = await Record.ExceptionAsync(() => read(aborted.Token));
                dialect.CancelOnOpen = null;
                Assert.True(refused is OperationCanceledException, $"{name} ran its query after its request was aborted ({refused?.GetType().Name ?? "it answered"}).");
            }
        }
        finally
        {
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
            directory.Delete(recursive: true);
        }
    }
}
