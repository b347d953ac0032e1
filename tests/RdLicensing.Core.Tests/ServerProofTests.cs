using System.Security.Cryptography;
using System.Text;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Tests;

public class ServerProofTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"productId":"x","program":"retail"}""");

    [Fact]
    public void A_signed_request_verifies_for_exactly_what_was_signed()
    {
        using var identity = LicenseServerIdentity.Create();
        var header = ServerRequestProof.Create(identity.Key, identity.ProductId, "inst-1", "POST", "/api/licenses", Body);

        var proof = ServerRequestProof.Parse(header);

        Assert.True(proof.Verifies("POST", "/api/licenses", Body));
        Assert.Equal(identity.ProductId, proof.ProductId);
        Assert.Equal(identity.Key.ExportSubjectPublicKeyInfo(), proof.PublicKey);
        Assert.False(proof.Verifies("POST", "/api/reissue", Body));
        Assert.False(proof.Verifies("POST", "/api/licenses", [.. Body, (byte)' ']));
    }

    [Fact]
    public void A_contact_number_is_signed_with_the_request_and_cannot_be_changed()
    {
        using var identity = LicenseServerIdentity.Create();
        var header = ServerRequestProof.Create(identity.Key, identity.ProductId, "inst-1", "POST", "/api/licenses", Body, contact: 7);

        var proof = ServerRequestProof.Parse(header);
        Assert.Equal(7, proof.Contact);
        Assert.True(proof.Verifies("POST", "/api/licenses", Body));
        // A copy that wanted to pass as ahead of the original cannot renumber a signed request.
        Assert.False(ServerRequestProof.Parse(header.Replace(";contact=7;", ";contact=8;")).Verifies("POST", "/api/licenses", Body));
        Assert.Throws<ServerProofException>(() => ServerRequestProof.Parse(header.Replace(";contact=7;", ";contact=0;")));
        // Without a number: the version 1 proof, as before.
        Assert.Null(ServerRequestProof.Parse(ServerRequestProof.Create(identity.Key, identity.ProductId, "inst-1", "POST", "/api/licenses", Body)).Contact);
    }

    [Fact]
    public void A_header_whose_key_was_swapped_does_not_verify()
    {
        using var owner = LicenseServerIdentity.Create();
        using var attacker = LicenseServerIdentity.Create();
        var header = ServerRequestProof.Create(attacker.Key, owner.ProductId, "inst-1", "POST", "/api/licenses", Body);
        var swapped = header.Replace(Convert.ToBase64String(attacker.Key.ExportSubjectPublicKeyInfo()), Convert.ToBase64String(owner.Key.ExportSubjectPublicKeyInfo()));

        Assert.False(ServerRequestProof.Parse(swapped).Verifies("POST", "/api/licenses", Body));
        Assert.True(ServerRequestProof.Parse(header).Verifies("POST", "/api/licenses", Body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v=2;product=1;installation=a;nonce=00000000000000000000000000000000;key=AA==;sig=AA==")]
    [InlineData("v=1;product=1;installation=a;nonce=zz;key=AA==;sig=AA==")]
    [InlineData("v=1;product=1;installation=a;nonce=00000000000000000000000000000000;key=%%;sig=AA==")]
    [InlineData("v=1;v=1")]
    [InlineData("garbage")]
    public void A_malformed_header_is_refused_with_a_reason(string? header)
    {
        var e = Assert.Throws<ServerProofException>(() => ServerRequestProof.Parse(header));
        Assert.Contains(ServerRequestProof.HeaderName, e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_request_code_round_trips_and_verifies_with_the_servers_key_only(bool includeKey)
    {
        using var identity = LicenseServerIdentity.Create();
        using var other = LicenseServerIdentity.Create();
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

        var code = ServerRequestCode.Create(identity.Key, identity.ProductId, ServerRequestPurpose.Install, ProductVersion.WindowsServer2016, now, includeKey);
        var read = ServerRequestCode.Read(code);

        Assert.Equal(includeKey ? ServerRequestCode.GroupsWithKey : ServerRequestCode.GroupsWithoutKey, code.Split('-').Length);
        Assert.Equal(ServerRequestPurpose.Install, read.Purpose);
        Assert.Equal(ProductVersion.WindowsServer2016, read.ServerVersion);
        Assert.Equal(identity.ProductId, read.ProductId);
        Assert.Equal(now.Date, read.CreatedOn.Date);
        Assert.Equal(12, read.Nonce.Length);
        Assert.True(read.VerifiesWith(identity.Key.ExportSubjectPublicKeyInfo()));
        Assert.False(read.VerifiesWith(other.Key.ExportSubjectPublicKeyInfo()));
        if (includeKey) Assert.Equal(identity.Key.ExportSubjectPublicKeyInfo(), read.EmbeddedPublicKey);
        else Assert.Null(read.EmbeddedPublicKey);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)] // as many groups as a code carrying the key: the format byte tells them apart
    [InlineData(ServerRequestCode.MaxReleasedKeyPacks)]
    public void A_release_code_carries_its_target_and_key_packs_under_the_sources_signature(int packs)
    {
        using var source = LicenseServerIdentity.Create();
        using var target = LicenseServerIdentity.Create();
        var ids = Enumerable.Range(0, packs).Select(_ => KeyPackIdCode.NewKeyPackId()).ToList();
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

        var read = ServerRequestCode.Read(ServerRequestCode.CreateRelease(source.Key, source.ProductId, ProductVersion.WindowsServer2022, now, target.ProductId, ids));

        Assert.Equal((ServerRequestPurpose.MigrateOut, source.ProductId, target.ProductId), (read.Purpose, read.ProductId, read.ReleaseTargetProductId));
        Assert.Equal(ids, read.ReleasedKeyPackIds);
        Assert.True(read.VerifiesWith(source.Key.ExportSubjectPublicKeyInfo()));
        Assert.False(read.VerifiesWith(target.Key.ExportSubjectPublicKeyInfo()));
        // The codes of before still read as they did.
        var withKey = ServerRequestCode.Read(ServerRequestCode.Create(source.Key, source.ProductId, ServerRequestPurpose.Activate, ProductVersion.WindowsServer2022, now, true));
        Assert.Equal(source.Key.ExportSubjectPublicKeyInfo(), withKey.EmbeddedPublicKey);
        Assert.Null(withKey.ReleasedKeyPackIds);
    }

    [Fact]
    public void A_release_code_names_only_key_packs_with_a_64_bit_id()
    {
        using var source = LicenseServerIdentity.Create();
        Assert.False(ServerRequestCode.FitsReleaseCode(Guid.NewGuid()));
        Assert.True(ServerRequestCode.FitsReleaseCode(KeyPackIdCode.NewKeyPackId()));
        Assert.Throws<ArgumentException>(() => ServerRequestCode.CreateRelease(source.Key, source.ProductId, ProductVersion.WindowsServer2022, DateTimeOffset.UnixEpoch,
            source.ProductId, [Guid.NewGuid()]));
    }

    [Fact]
    public void Two_request_codes_for_the_same_thing_differ_by_their_nonce()
    {
        using var identity = LicenseServerIdentity.Create();
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var a = ServerRequestCode.Read(ServerRequestCode.Create(identity.Key, identity.ProductId, ServerRequestPurpose.Activate, ProductVersion.WindowsServer2025, now, true));
        var b = ServerRequestCode.Read(ServerRequestCode.Create(identity.Key, identity.ProductId, ServerRequestPurpose.Activate, ProductVersion.WindowsServer2025, now, true));

        Assert.NotEqual(a.Nonce, b.Nonce);
    }

    [Fact]
    public void A_request_code_with_one_group_changed_is_named_as_mistyped()
    {
        using var identity = LicenseServerIdentity.Create();
        var code = ServerRequestCode.Create(identity.Key, identity.ProductId, ServerRequestPurpose.Deactivate, ProductVersion.WindowsServer2022, DateTimeOffset.UnixEpoch.AddYears(56), false);
        var groups = code.Split('-');
        groups[3] = groups[3][0] == 'A' ? "B" + groups[3][1..] : "A" + groups[3][1..];

        var e = Assert.Throws<CodeFormatException>(() => ServerRequestCode.Read(string.Join('-', groups)));
        Assert.Equal(4, e.Group);
    }

    [Fact]
    public void A_request_code_with_a_changed_version_does_not_verify()
    {
        // The version the clearinghouse reads is the one the server signed: re-encode the content with another version.
        using var identity = LicenseServerIdentity.Create();
        var code = ServerRequestCode.Create(identity.Key, identity.ProductId, ServerRequestPurpose.Install, ProductVersion.WindowsServer2016, DateTimeOffset.UnixEpoch.AddYears(56), false);
        var bytes = GroupedCode.Decode(ServerRequestCode.Kind, code, 21 + 64, "request code");
        bytes[2] = (byte)((int)ProductVersion.WindowsServer2025 >> 8);
        bytes[3] = (byte)((int)ProductVersion.WindowsServer2025 & 0xFF);
        var forged = ServerRequestCode.Read(GroupedCode.Encode(ServerRequestCode.Kind, bytes));

        Assert.Equal(ProductVersion.WindowsServer2025, forged.ServerVersion);
        Assert.False(forged.VerifiesWith(identity.Key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void Fingerprints_name_keys_stably()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        Assert.Equal(ServerRequestProof.Fingerprint(spki), ServerRequestProof.Fingerprint(spki.ToArray()));
        Assert.Equal(16, ServerRequestProof.Fingerprint(spki).Length);
    }
}
