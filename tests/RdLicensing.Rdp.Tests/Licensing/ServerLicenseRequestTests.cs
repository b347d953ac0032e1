using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class ServerLicenseRequestTests
{
    // Offsets in the MS-RDPELE 4.1 example, from its annotation.
    private const int CbCompanyNameOffset = 0x28;
    private const int KeyExchangeListOffset = 0x64;
    private const int ServerCertificateOffset = 0x6C;
    private const int ScopeListOffset = 0x882;

    [Fact]
    public void Parses_the_spec_example()
    {
        var request = ServerLicenseRequest.Parse(SpecExamples.ServerLicenseRequest);

        Assert.Equal(LicensingMessageType.LicenseRequest, request.MessageType);
        Assert.Equal(Hex.Bytes("84efae20b1d59e36491ae82e0a9989ac49a6474f339b5ab99503a6c6c23c3f61"), request.ServerRandom);
        Assert.Equal(new ProductInfo(0x00060000, "Microsoft Corporation", "A02"), request.ProductInfo);
        Assert.Equal([KeyExchangeAlgorithm.Rsa], request.KeyExchangeAlgorithms);
        Assert.Equal(0x812, request.ServerCertificate.Length);
        Assert.Equal(Hex.Bytes("0200008002000000f5020000308202f1"), request.ServerCertificate[..16]);
        Assert.Equal(["microsoft.com"], request.Scopes);
    }

    [Fact]
    public void Writes_the_spec_example_back_byte_for_byte()
    {
        var example = SpecExamples.ServerLicenseRequest;

        Assert.Equal(example, ServerLicenseRequest.Parse(example).ToBytes());
    }

    [Fact]
    public void Round_trips_a_request_without_certificate_and_with_two_scopes()
    {
        var request = new ServerLicenseRequest(
            TestBytes.Sequence(32, 1),
            new ProductInfo(0x000A0000, "Contoso Ltd", "A02"),
            [KeyExchangeAlgorithm.Rsa],
            [],
            ["contoso.example", "fallback"]);

        var bytes = request.ToBytes();
        var parsed = ServerLicenseRequest.Parse(bytes);

        Assert.Equal(request.ServerRandom, parsed.ServerRandom);
        Assert.Equal(request.ProductInfo, parsed.ProductInfo);
        Assert.Equal(request.KeyExchangeAlgorithms, parsed.KeyExchangeAlgorithms);
        Assert.Empty(parsed.ServerCertificate);
        Assert.Equal(request.Scopes, parsed.Scopes);
        Assert.Equal(bytes, parsed.ToBytes());
    }

    [Fact]
    public void Writes_the_layout_the_clients_expect()
    {
        var bytes = new ServerLicenseRequest(new byte[32], new ProductInfo(0x00060000, "M", "A"), [1], [0xAA], ["s"]).ToBytes();

        Assert.Equal(Hex.Bytes(
            "01 03 4f 00" + string.Concat(Enumerable.Repeat("00", 32)) +
            "00 00 06 00  04 00 00 00 4d 00 00 00  04 00 00 00 41 00 00 00" + // PRODUCT_INFO, UTF-16 with NUL
            "0d 00 04 00 01 00 00 00" + // BB_KEY_EXCHG_ALG_BLOB: KEY_EXCHANGE_ALG_RSA
            "03 00 01 00 aa" + // BB_CERTIFICATE_BLOB
            "01 00 00 00  0e 00 02 00 73 00"), // ScopeList: one BB_SCOPE_BLOB, ANSI with NUL
            bytes);
    }

    [Fact]
    public void A_key_exchange_list_of_another_blob_type_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ServerLicenseRequest, KeyExchangeListOffset, 0x03);

        var error = Assert.Throws<RdpProtocolException>(() => ServerLicenseRequest.Parse(pdu));

        Assert.Contains("SERVER_LICENSE_REQUEST KeyExchangeList", error.Message);
        Assert.Contains("wBlobType is 0x0003 (Certificate), expected 0x000D (KeyExchangeAlgorithm)", error.Message);
    }

    [Fact]
    public void An_empty_blob_of_any_type_is_accepted()
    {
        // The certificate blob replaced by wBlobType 0, wBlobLen 0 (a server relying on the MCS certificate).
        var example = SpecExamples.ServerLicenseRequest;
        var pdu = TestBytes.WithMessageSize([.. example[..ServerCertificateOffset], 0, 0, 0, 0, .. example[ScopeListOffset..]]);

        var request = ServerLicenseRequest.Parse(pdu);

        Assert.Empty(request.ServerCertificate);
        Assert.Equal(["microsoft.com"], request.Scopes);
    }

    [Fact]
    public void A_key_exchange_list_of_partial_algorithm_ids_is_rejected()
    {
        var pdu = new ServerLicenseRequest(new byte[32], new ProductInfo(1, "M", "A"), [1], [], []).ToBytes();
        const int keyExchangeOffset = 4 + 32 + 20; // preamble, ServerRandom, PRODUCT_INFO with two 2-character names
        Assert.Equal(Hex.Bytes("0d 00 04 00 01 00 00 00"), pdu[keyExchangeOffset..(keyExchangeOffset + 8)]);
        // wBlobLen 3 with 3 bytes of data: not a whole 32-bit id.
        var broken = TestBytes.Without(TestBytes.With(pdu, keyExchangeOffset + 2, 3, 0), keyExchangeOffset + 4);

        var error = Assert.Throws<RdpProtocolException>(() => ServerLicenseRequest.Parse(broken));

        Assert.Contains("KeyExchangeList", error.Message);
    }

    [Fact]
    public void Too_many_scopes_are_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ServerLicenseRequest, ScopeListOffset, 17, 0, 0, 0);

        var error = Assert.Throws<RdpProtocolException>(() => ServerLicenseRequest.Parse(pdu));

        Assert.Contains("ScopeCount 17", error.Message);
    }

    [Fact]
    public void A_scope_count_beyond_the_scopes_sent_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ServerLicenseRequest, ScopeListOffset, 2, 0, 0, 0);

        var error = Assert.Throws<RdpProtocolException>(() => ServerLicenseRequest.Parse(pdu));

        Assert.Contains("ScopeList[1]", error.Message);
    }

    [Theory]
    [InlineData(0x2B)] // odd: not UTF-16
    [InlineData(0x00)] // MUST be greater than zero
    [InlineData(0x102)] // over the name limit
    public void A_bad_company_name_length_is_rejected(int count)
    {
        var pdu = TestBytes.With(SpecExamples.ServerLicenseRequest, CbCompanyNameOffset, (byte)count, (byte)(count >> 8));

        var error = Assert.Throws<RdpProtocolException>(() => ServerLicenseRequest.Parse(pdu));

        Assert.Contains("ProductInfo pbCompanyName", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var pdu = TestBytes.Appended(SpecExamples.ServerLicenseRequest, 0);

        var error = Assert.Throws<RdpProtocolException>(() => ServerLicenseRequest.Parse(pdu));

        Assert.Contains("SERVER_LICENSE_REQUEST: 1 unexpected trailing byte", error.Message);
    }

    [Fact]
    public void Writing_refuses_a_random_of_the_wrong_size()
    {
        var request = new ServerLicenseRequest(new byte[31], new ProductInfo(1, "M", "A"), [1], [], []);

        var error = Assert.Throws<InvalidOperationException>(() => request.ToBytes());

        Assert.Contains("ServerRandom", error.Message);
    }
}
