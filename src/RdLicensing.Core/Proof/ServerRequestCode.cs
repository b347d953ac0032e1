using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Proof;

/// <summary>What a license server asks the clearinghouse for, as carried by a <see cref="ServerRequestCode"/>.</summary>
public enum ServerRequestPurpose : byte
{
    Activate = 1,
    Reactivate = 2,
    Install = 3,
    Reissue = 4,
    /// <summary>This (target) server receives key packs migrated from another.</summary>
    MigrateIn = 5,
    /// <summary>This (source) server gives up key packs it has removed, for a migration.</summary>
    MigrateOut = 6,
    Convert = 7,
    Deactivate = 8,
}

/// <summary>A request code read back, signature not yet checked against the clearinghouse's record.</summary>
public sealed record ServerRequestCodeContent(
    ServerRequestPurpose Purpose,
    ProductVersion ServerVersion,
    string ProductId,
    string Nonce,
    DateTimeOffset CreatedOn,
    byte[]? EmbeddedPublicKey,
    byte[] SignedBytes,
    byte[] Signature,
    string? ReleaseTargetProductId = null,
    IReadOnlyList<Guid>? ReleasedKeyPackIds = null)
{
    /// <summary>Whether the license server key <paramref name="subjectPublicKeyInfo"/> signed this code.</summary>
    public bool VerifiesWith(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key.KeySize == 256 && key.VerifyData(SignedBytes, Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>
/// The web and telephone methods' proof of possession: a grouped code (kind <c>LSRQ</c>) the license server produces and
/// signs with its identity key, which the administrator carries to the clearinghouse's page or reads to the operator. It
/// says what is asked (<see cref="ServerRequestPurpose"/>), the server's own version, its Product ID, a single-use nonce and
/// the day it was made; the code for a first activation also carries the server's public key (compressed P-256 point), so
/// the clearinghouse can record it. Typed like every code here: a mistyped group is named before anything is checked.
/// A <b>release code</b> (<see cref="CreateRelease"/>, purpose <see cref="ServerRequestPurpose.MigrateOut"/>) also carries
/// what the source gives up — the target's Product ID and the key pack ids — under the same signature, so the clearinghouse
/// releases exactly what the source removed, to that target alone.
/// </summary>
public static class ServerRequestCode
{
    public const string Kind = "LSRQ";
    private const byte WithoutKey = 1, WithKey = 2, WithRelease = 3;
    private const int HeaderBytes = 1 + 1 + 2 + 9 + 6 + 2;
    private const int CompressedKeyBytes = 33;
    private const int SignatureBytes = 64;

    /// <summary>At most this many key packs in one release code (a code read over the telephone stays readable).</summary>
    public const int MaxReleasedKeyPacks = 20;

    /// <summary>Target Product ID, a count, then 8 bytes per key pack id (the clearinghouse's key pack ids are 64-bit: KeyPackIdCode.NewKeyPackId).</summary>
    private static int ReleaseBytes(int keyPacks) => HeaderBytes + 9 + 1 + 8 * keyPacks;

    /// <summary>Whether <paramref name="keyPackId"/> fits a release code (the last 8 bytes are zero, as every key pack the clearinghouse grants).</summary>
    public static bool FitsReleaseCode(Guid keyPackId) => !keyPackId.ToByteArray(bigEndian: true).AsSpan(8).ContainsAnyExcept((byte)0);

    public static int GroupsWithoutKey => GroupedCode.GroupCount(HeaderBytes + SignatureBytes);
    public static int GroupsWithKey => GroupedCode.GroupCount(HeaderBytes + CompressedKeyBytes + SignatureBytes);

    /// <summary>A new code; <paramref name="includeKey"/> for a first activation (the clearinghouse does not know the key yet).</summary>
    public static string Create(ECDsa key, string productId, ServerRequestPurpose purpose, ProductVersion serverVersion, DateTimeOffset now, bool includeKey)
    {
        var content = new byte[HeaderBytes + (includeKey ? CompressedKeyBytes : 0)];
        WriteHeader(content, includeKey ? WithKey : WithoutKey, productId, purpose, serverVersion, now);
        if (includeKey) Compress(key).CopyTo(content.AsSpan(HeaderBytes));
        var signature = key.SignData(Signed(content), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return GroupedCode.Encode(Kind, [.. content, .. signature]);
    }

    /// <summary>
    /// A release code: the source (this key's server) gives up <paramref name="keyPackIds"/> to <paramref name="targetProductId"/>
    /// for a migration by web or telephone — what it removed, signed.
    /// </summary>
    public static string CreateRelease(ECDsa key, string productId, ProductVersion serverVersion, DateTimeOffset now, string targetProductId, IReadOnlyList<Guid> keyPackIds)
    {
        if (keyPackIds.Count is 0 or > MaxReleasedKeyPacks)
            throw new ArgumentException($"A release code names 1 to {MaxReleasedKeyPacks} key packs.", nameof(keyPackIds));
        var content = new byte[ReleaseBytes(keyPackIds.Count)];
        WriteHeader(content, WithRelease, productId, ServerRequestPurpose.MigrateOut, serverVersion, now);
        WriteProductId(targetProductId, content.AsSpan(HeaderBytes, 9));
        content[HeaderBytes + 9] = (byte)keyPackIds.Count;
        for (var i = 0; i < keyPackIds.Count; i++)
        {
            if (!FitsReleaseCode(keyPackIds[i])) throw new ArgumentException($"Key pack {keyPackIds[i]} has no 64-bit id.", nameof(keyPackIds));
            keyPackIds[i].ToByteArray(bigEndian: true).AsSpan(0, 8).CopyTo(content.AsSpan(HeaderBytes + 10 + 8 * i));
        }
        var signature = key.SignData(Signed(content), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return GroupedCode.Encode(Kind, [.. content, .. signature]);
    }

    /// <summary>Checks the typing (<see cref="CodeFormatException"/>) and the layout; the caller checks the signature against the key it trusts.</summary>
    public static ServerRequestCodeContent Read(string? code)
    {
        var groups = GroupedCode.Normalize(code).Length / 5;
        // A release code's length depends on its key packs; one may have as many groups as a code with the key (format byte decides).
        var releasePacks = Enumerable.Range(1, MaxReleasedKeyPacks).FirstOrDefault(n => GroupedCode.GroupCount(ReleaseBytes(n) + SignatureBytes) == groups);
        if (releasePacks > 0)
        {
            var longest = ReleaseBytes(releasePacks) + SignatureBytes;
            if (groups == GroupsWithKey) longest = Math.Max(longest, HeaderBytes + CompressedKeyBytes + SignatureBytes);
            var first = GroupedCode.Decode(Kind, code, longest, "request code");
            if (first[0] == WithRelease) return ReadRelease(first);
        }
        var withKey = groups == GroupsWithKey;
        var total = HeaderBytes + (withKey ? CompressedKeyBytes : 0) + SignatureBytes;
        var all = GroupedCode.Decode(Kind, code, total, "request code");
        var content = all[..(total - SignatureBytes)];
        if (content[0] != (withKey ? WithKey : WithoutKey))
            throw new CodeFormatException("The request code has an unknown format: create a new one on the license server and copy it again.");
        if (!Enum.IsDefined((ServerRequestPurpose)content[1]))
            throw new CodeFormatException("The request code asks for something this clearinghouse does not know: create a new one on the license server.");
        var version = (ProductVersion)BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(2));
        if (!Enum.IsDefined(version))
            throw new CodeFormatException("The request code names an unknown server version: create a new one on the license server.");
        byte[]? key = null;
        if (withKey)
        {
            key = Decompress(content.AsSpan(HeaderBytes, CompressedKeyBytes))
                ?? throw new CodeFormatException("The request code carries a public key that is not a P-256 point: create a new one on the license server.");
        }
        return new ServerRequestCodeContent(
            (ServerRequestPurpose)content[1], version, ReadProductId(content.AsSpan(4, 9)),
            Convert.ToHexStringLower(content.AsSpan(13, 6)),
            new DateTimeOffset(Epoch.AddDays(BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(19))), TimeSpan.Zero),
            key, Signed(content), all[^SignatureBytes..]);
    }

    /// <summary>Format, purpose, version, Product ID, a random nonce and the day: the first <see cref="HeaderBytes"/> of every code.</summary>
    private static void WriteHeader(Span<byte> content, byte format, string productId, ServerRequestPurpose purpose, ProductVersion serverVersion, DateTimeOffset now)
    {
        content[0] = format;
        content[1] = (byte)purpose;
        BinaryPrimitives.WriteUInt16BigEndian(content[2..], checked((ushort)(int)serverVersion));
        WriteProductId(productId, content.Slice(4, 9));
        RandomNumberGenerator.Fill(content.Slice(13, 6));
        BinaryPrimitives.WriteUInt16BigEndian(content[19..], checked((ushort)Math.Max(0, (now.UtcDateTime.Date - Epoch).TotalDays)));
    }

    private static ServerRequestCodeContent ReadRelease(byte[] decoded)
    {
        var count = decoded[HeaderBytes + 9];
        if (count is 0 or > MaxReleasedKeyPacks || GroupedCode.GroupCount(ReleaseBytes(count) + SignatureBytes) != GroupedCode.GroupCount(decoded.Length))
            throw new CodeFormatException("The release code has an unknown format: create a new one on the license server and copy it again.");
        var total = ReleaseBytes(count);
        var content = decoded[..total];
        if ((ServerRequestPurpose)content[1] != ServerRequestPurpose.MigrateOut)
            throw new CodeFormatException("The release code has an unknown format: create a new one on the license server and copy it again.");
        var version = (ProductVersion)BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(2));
        if (!Enum.IsDefined(version))
            throw new CodeFormatException("The request code names an unknown server version: create a new one on the license server.");
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++) ids.Add(new Guid([.. content.AsSpan(HeaderBytes + 10 + 8 * i, 8), .. new byte[8]], bigEndian: true));
        return new ServerRequestCodeContent(
            ServerRequestPurpose.MigrateOut, version, ReadProductId(content.AsSpan(4, 9)),
            Convert.ToHexStringLower(content.AsSpan(13, 6)),
            new DateTimeOffset(Epoch.AddDays(BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(19))), TimeSpan.Zero),
            null, Signed(content), decoded[total..(total + SignatureBytes)],
            ReadProductId(content.AsSpan(HeaderBytes, 9)), ids);
    }

    private static readonly DateTime Epoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static byte[] Signed(byte[] content) => [.. System.Text.Encoding.ASCII.GetBytes($"rdlic-request/{Kind}/"), .. content];

    private static void WriteProductId(string productId, Span<byte> destination)
    {
        var digits = productId.Replace("-", "");
        if (digits.Length != 20 || !digits.All(char.IsAsciiDigit)) throw new ArgumentException("A Product ID has 20 digits.", nameof(productId));
        var bytes = BigInteger.Parse(digits).ToByteArray(isUnsigned: true, isBigEndian: true);
        destination.Clear();
        bytes.CopyTo(destination[(destination.Length - bytes.Length)..]);
    }

    private static string ReadProductId(ReadOnlySpan<byte> source)
    {
        var number = new BigInteger(source, isUnsigned: true, isBigEndian: true);
        if (number >= BigInteger.Pow(10, 20)) throw new CodeFormatException("The request code carries no valid Product ID: create a new one on the license server.");
        return string.Join('-', number.ToString("D20").Chunk(5).Select(g => new string(g)));
    }

    // P-256 (secp256r1): y² = x³ − 3x + b over p; p ≡ 3 (mod 4), so a square root is a power (p + 1) / 4.
    private static readonly BigInteger P = BigInteger.Parse("0FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger B = BigInteger.Parse("05AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B", System.Globalization.NumberStyles.HexNumber);

    private static byte[] Compress(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return [(byte)(0x02 | (q.Y![^1] & 1)), .. q.X!];
    }

    /// <summary>The SubjectPublicKeyInfo of a compressed point, or null when it is not on the curve.</summary>
    private static byte[]? Decompress(ReadOnlySpan<byte> compressed)
    {
        if (compressed[0] is not (0x02 or 0x03)) return null;
        var x = new BigInteger(compressed[1..], isUnsigned: true, isBigEndian: true);
        if (x >= P) return null;
        var rhs = Mod(BigInteger.ModPow(x, 3, P) - 3 * x + B);
        var y = BigInteger.ModPow(rhs, (P + 1) / 4, P);
        if (BigInteger.ModPow(y, 2, P) != rhs) return null;
        if ((y.IsEven ? 0 : 1) != (compressed[0] & 1)) y = P - y;
        try
        {
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Fixed(x), Y = Fixed(y) },
            });
            return key.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static BigInteger Mod(BigInteger value) => ((value % P) + P) % P;

    private static byte[] Fixed(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return bytes.Length == 32 ? bytes : [.. new byte[32 - bytes.Length], .. bytes];
    }
}
