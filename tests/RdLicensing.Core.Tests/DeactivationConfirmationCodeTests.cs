using RdLicensing.Core.Codes;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Tests;

public class DeactivationConfirmationCodeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_confirmation_verifies_for_its_server_and_names_the_request_it_answers()
    {
        using var clearinghouse = KeyAuthority.Create("Clearinghouse", Now.AddYears(-1));
        using var server = LicenseServerIdentity.Create();
        var request = ServerRequestCode.Read(ServerRequestCode.Create(server.Key, server.ProductId, ServerRequestPurpose.Deactivate,
            ProductVersion.WindowsServer2022, Now, includeKey: false));

        var code = DeactivationConfirmationCode.Issue(clearinghouse, server.ProductId, request.Nonce, Now);
        var confirmation = DeactivationConfirmationCode.Verify(code.ToLowerInvariant().Replace('-', ' '), clearinghouse.Certificate, server.ProductId);

        Assert.Equal(30, code.Split('-').Length);
        Assert.Equal((server.ProductId, request.Nonce, Now.Date), (confirmation.ProductId, confirmation.RequestNonce, confirmation.ConfirmedAt.Date));
    }

    [Fact]
    public void A_confirmation_does_not_verify_for_another_server_another_clearinghouse_or_as_another_kind_of_code()
    {
        using var clearinghouse = KeyAuthority.Create("Clearinghouse", Now.AddYears(-1));
        using var impostor = KeyAuthority.Create("Impostor", Now.AddYears(-1));
        using var server = LicenseServerIdentity.Create();
        using var other = LicenseServerIdentity.Create();
        var code = DeactivationConfirmationCode.Issue(clearinghouse, server.ProductId, "0123456789ab", Now);

        Assert.Throws<SignedDocumentException>(() => DeactivationConfirmationCode.Verify(code, clearinghouse.Certificate, other.ProductId));
        Assert.Throws<SignedDocumentException>(() => DeactivationConfirmationCode.Verify(code, impostor.Certificate, server.ProductId));
        var licenseServerId = LicenseServerIdCode.Issue(clearinghouse, server.ProductId, 1, Now, Now.AddYears(1));
        Assert.Throws<CodeFormatException>(() => DeactivationConfirmationCode.Verify(licenseServerId, clearinghouse.Certificate, server.ProductId));
        Assert.Equal("0123456789ab", DeactivationConfirmationCode.Verify(code, clearinghouse.Certificate, server.ProductId).RequestNonce);
    }
}
