using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// Writes the rows of a <see cref="SeedPlan"/> straight into the server's database (stopped meanwhile), as months of use
/// would have left them: issued over the past 90 days, mostly permanent Per Device CALs holding licenses of the installed
/// packs (oldest packs full first, as the server fills them), some temporary, some Per User, some expired or revoked.
/// It keeps a sample of the seeded clients, spread over the table, for the run to use: devices whose CAL the run presents
/// or renews, devices awaiting their upgrade, users who sign in.
/// </summary>
internal sealed class CalSeeder(SeedPlan plan, IReadOnlyList<KeyPackView> packs, DateTimeOffset now, int hosts, ProductVersion hostVersion)
{
    // Enough clients that no one device or user dominates the run, few enough to mint their tokens in seconds. The present-only
    // phase takes the permanent ones in turn: at 20,000 a device presents about once in a 5 s phase at 2,000-4,000/s, not every 2 s.
    private const int PresentSample = 20_000;
    private const int NearExpirySample = 2_500;
    private const int TemporarySample = 2_500;
    private const int UserSample = 20_000;

    // A fixed seed: two runs of one size seed the same rows.
    private const int RandomSeed = 90_52_89;

    private readonly List<(long Index, IssuedCal Cal)> _present = [];
    private readonly List<(long Index, IssuedCal Cal)> _nearExpiry = [];
    private readonly List<(long Index, IssuedCal Cal)> _temporary = [];
    private readonly List<string> _users = [];

    public Task<SeedResult> SeedAsync(LicenseStore store, IProgress<long> progress, CancellationToken ct) =>
        store.SeedCalsAsync(Rows(), progress: progress, cancellationToken: ct);

    /// <summary>
    /// Puts the sampled clients in the pools, each device with the CAL token it would have stored: signed with the
    /// server's own key (<paramref name="tokens"/>), so the server verifies it as one of its own, as it would a real one.
    /// Each token's digest is recorded in its row (<paramref name="store"/>; written by the caller's
    /// <see cref="LicenseStore.FlushTokenDigestsAsync"/>), as the server records those it signs.
    /// </summary>
    public void FillPools(DevicePools pools, SeedResult seeded, CalTokenService tokens, string productId, LicenseStore store)
    {
        (long Index, IssuedCal Cal, Action<SimulatedDevice> Add)[] devices =
        [
            .. _present.Select(p => (p.Index, p.Cal, (Action<SimulatedDevice>)pools.AddPermanent)),
            .. _nearExpiry.Select(p => (p.Index, p.Cal, (Action<SimulatedDevice>)pools.AddNearExpiry)),
            .. _temporary.Select(p => (p.Index, p.Cal, (Action<SimulatedDevice>)pools.AddTemporary)),
        ];
        // A seeded CAL names one of the bench's hosts, in turn by row (HostOf): only that host may report its user's sign-in, and
        // the sign-ins and upgrades spread over every host's connections as the load's own devices do.
        var minted = new SimulatedDevice[devices.Length];
        Parallel.For(0, devices.Length, i =>
        {
            var (index, cal, _) = devices[i];
            var token = tokens.Issue(new CalTokenContent(seeded.FirstId + index, productId, cal.Type, cal.Version, cal.IsTemporary,
                cal.HardwareId!, cal.ClientName, cal.IssuedAt, cal.ExpiresAt));
            store.RecordTokenDigest(seeded.FirstId + index, cal.HardwareId!, tokens.Digest(token));
            minted[i] = new SimulatedDevice(cal.HardwareId!, Convert.ToBase64String(token), cal.IsTemporary ? HostOf(index) : null);
        });
        for (var i = 0; i < devices.Length; i++) devices[i].Add(minted[i]);
        foreach (var user in _users) pools.AddUser(user);
    }

    /// <summary>The bench host (index from 0) a seeded row names.</summary>
    private int HostOf(long index) => (int)(index % hosts);

    private IEnumerable<IssuedCal> Rows()
    {
        var random = new Random(RandomSeed);
        var perDevice = new PackCursor(packs.Where(p => p.Type == CalType.PerDevice.ToShortName()));
        var perUser = new PackCursor(packs.Where(p => p.Type == CalType.PerUser.ToShortName()));
        var seen = new long[Enum.GetValues<SeededKind>().Length];
        for (long i = 0; i < plan.Total; i++)
        {
            var kind = SeedPlan.KindOf(i);
            var ordinal = seen[(int)kind]++;
            var cal = Row(kind, i, random, perDevice, perUser);
            switch (kind)
            {
                case SeededKind.ValidPermanent: Sample(_present, PresentSample, kind, ordinal, (i, cal)); break;
                case SeededKind.NearExpiry: Sample(_nearExpiry, NearExpirySample, kind, ordinal, (i, cal)); break;
                case SeededKind.Temporary: Sample(_temporary, TemporarySample, kind, ordinal, (i, cal)); break;
                case SeededKind.PerUser: Sample(_users, UserSample, kind, ordinal, cal.UserName!); break;
            }
            yield return cal;
        }
    }

    /// <summary>Every k-th client of its kind, so the sample spans the whole table rather than its first rows.</summary>
    private void Sample<T>(List<T> sample, int size, SeededKind kind, long ordinal, T item)
    {
        var stride = Math.Max(1, plan.Count(kind) / size);
        if (ordinal % stride == 0 && sample.Count < size) sample.Add(item);
    }

    private IssuedCal Row(SeededKind kind, long index, Random random, PackCursor perDevice, PackCursor perUser)
    {
        var device = new IssuedCal
        {
            Type = CalType.PerDevice, Version = hostVersion, Validated = true, HardwareId = $"seed-{index:D8}",
            ClientName = $"PC-seed-{index:D8}", UserName = $"user{index % 50_000:D5}", HostName = BenchServerSetup.HostNameOf(HostOf(index)),
        };
        DateTimeOffset issued, expires;
        switch (kind)
        {
            case SeededKind.ValidPermanent:
                // At most 44 days old with at least 52 days' validity: more than 7 days left, so presented, not renewed.
                issued = now - Days(random, 0, 44);
                return device with { Status = CalStatus.Active, KeyPackId = perDevice.Take(), HoldsSlot = true, IssuedAt = issued, ExpiresAt = issued.AddDays(PermanentDays(random)) };
            case SeededKind.NearExpiry:
                expires = now + TimeSpan.FromHours(2 + random.NextDouble() * 154);
                return device with { Status = CalStatus.Active, KeyPackId = perDevice.Take(), HoldsSlot = true, IssuedAt = expires.AddDays(-PermanentDays(random)), ExpiresAt = expires };
            case SeededKind.ExpiredPermanent:
                expires = now - TimeSpan.FromHours(1 + random.NextDouble() * 719);
                return device with { Status = CalStatus.Expired, KeyPackId = perDevice.First, IssuedAt = expires.AddDays(-PermanentDays(random)), ExpiresAt = expires };
            case SeededKind.Revoked:
                issued = now - Days(random, 0, 44);
                return device with
                {
                    Status = CalStatus.Revoked, KeyPackId = perDevice.First, IssuedAt = issued, ExpiresAt = issued.AddDays(PermanentDays(random)),
                    RevokedAt = issued + (now - issued) * random.NextDouble(),
                };
            case SeededKind.Temporary:
                // At most 80 days old: none of them runs out of its 90 days during the run.
                issued = now - Days(random, 0, 80);
                return device with { Status = CalStatus.Temporary, IsTemporary = true, Validated = false, IssuedAt = issued, ExpiresAt = issued + CalRules.TemporaryValidity };
            case SeededKind.PerUser:
            case SeededKind.PerUserExpired:
                issued = kind == SeededKind.PerUser ? now - Days(random, 0, 58) : now - Days(random, 61, 89);
                var user = $"seed-user-{index:D8}";
                return new IssuedCal
                {
                    Type = CalType.PerUser, Version = hostVersion, Validated = true, UserName = user, ClientName = user, HostName = BenchServerSetup.HostNameOf(HostOf(index)),
                    Status = kind == SeededKind.PerUser ? CalStatus.Active : CalStatus.Expired, KeyPackId = perUser.Take(), HoldsSlot = true,
                    IssuedAt = issued, ExpiresAt = issued + CalRules.PerUserValidity,
                };
            default:
                throw new InvalidOperationException($"Unknown seeded kind {kind}.");
        }
    }

    private static TimeSpan Days(Random random, double min, double max) => TimeSpan.FromDays(min + random.NextDouble() * (max - min));

    private static int PermanentDays(Random random) => random.Next(CalRules.PermanentMinDays, CalRules.PermanentMaxDays + 1);

    /// <summary>Hands out the licenses of one CAL type's packs, oldest pack first.</summary>
    private sealed class PackCursor(IEnumerable<KeyPackView> packs)
    {
        private readonly List<(Guid Id, int Left)> _packs = packs.Select(p => (p.Id, p.Total - p.Issued)).ToList();
        private int _current;

        /// <summary>A pack of this type, for rows that name one without holding its license.</summary>
        public Guid? First => _packs.Count > 0 ? _packs[0].Id : null;

        public Guid Take()
        {
            while (_current < _packs.Count && _packs[_current].Left == 0) _current++;
            if (_current == _packs.Count) throw new InvalidOperationException("The installed key packs hold fewer licenses than the seed plan needs.");
            _packs[_current] = (_packs[_current].Id, _packs[_current].Left - 1);
            return _packs[_current].Id;
        }
    }
}
