namespace RdLicensing.Cli.Bench;

/// <summary>What a seeded CAL row is: the states a license server's CALs are in after months of use.</summary>
internal enum SeededKind
{
    /// <summary>Per Device, permanent, valid for more than 7 more days: presented and accepted.</summary>
    ValidPermanent,
    /// <summary>Per Device, permanent, within 7 days of expiry: renewed at its next connection.</summary>
    NearExpiry,
    /// <summary>Per Device, permanent, expired unrenewed: its license went back to the pack.</summary>
    ExpiredPermanent,
    /// <summary>Per Device, revoked by an administrator: its license went back to the pack.</summary>
    Revoked,
    /// <summary>Per Device, temporary, awaiting the sign-in that validates it: holds no license.</summary>
    Temporary,
    /// <summary>Per User, active.</summary>
    PerUser,
    /// <summary>Per User, expired less than 90 days after it was assigned: still holds its license.</summary>
    PerUserExpired,
}

/// <summary>
/// How many of each <see cref="SeededKind"/> a seed of N rows holds, and which row is which. Kinds are interleaved over
/// the ids (row i's kind comes from i × 7919 mod 1000, a permutation of each block of 1000), so every part of the table
/// looks alike, and the counts are known before any row is written — the key packs installed first must hold exactly
/// the licenses the seeded rows take, plus room for the run.
/// </summary>
internal sealed class SeedPlan
{
    private static readonly (SeededKind Kind, int PerMille)[] Shares =
    [
        (SeededKind.ValidPermanent, 700), (SeededKind.NearExpiry, 30), (SeededKind.ExpiredPermanent, 40), (SeededKind.Revoked, 10),
        (SeededKind.Temporary, 70), (SeededKind.PerUser, 130), (SeededKind.PerUserExpired, 20),
    ];

    private static readonly SeededKind[] KindBySlot = Shares.SelectMany(s => Enumerable.Repeat(s.Kind, s.PerMille)).ToArray();

    private readonly long[] _counts = new long[Shares.Length];

    public SeedPlan(long total)
    {
        Total = total;
        for (long i = 0; i < total; i++) _counts[(int)KindOf(i)]++;
        // Room for what the run itself issues: upgrades take Per Device licenses, new users Per User ones.
        PerDeviceLicenses = Count(SeededKind.ValidPermanent) + Count(SeededKind.NearExpiry) + Math.Max(20_000, total / 10);
        PerUserLicenses = Count(SeededKind.PerUser) + Count(SeededKind.PerUserExpired) + Math.Max(10_000, total / 20);
    }

    public long Total { get; }

    /// <summary>Per Device licenses to install: those the seeded rows hold, and room for the run's upgrades.</summary>
    public long PerDeviceLicenses { get; }

    /// <summary>Per User licenses to install: those the seeded rows hold, and room for the run's new users.</summary>
    public long PerUserLicenses { get; }

    public long Count(SeededKind kind) => _counts[(int)kind];

    public static SeededKind KindOf(long index) => KindBySlot[(int)(index * 7919 % 1000)];

    public static bool HoldsLicense(SeededKind kind) => kind is SeededKind.ValidPermanent or SeededKind.NearExpiry or SeededKind.PerUser or SeededKind.PerUserExpired;
}
