using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class LicensingErrorAlertTests
{
    // MS-RDPBCGR 2.2.1.12.1 (LICENSE_VALID_CLIENT_DATA) and 2.2.1.12.1.3: ERROR_ALERT, STATUS_VALID_CLIENT,
    // ST_NO_TRANSITION and an empty BB_ERROR_BLOB, under this server's preamble flags 0x03.
    private static readonly byte[] ValidClientBytes = Hex.Bytes("ff 03 10 00  07 00 00 00  02 00 00 00  04 00 00 00");

    [Fact]
    public void Writes_the_valid_client_message()
    {
        Assert.Equal(ValidClientBytes, LicensingErrorAlert.ValidClient.ToBytes());
    }

    [Fact]
    public void Parses_the_valid_client_message()
    {
        var alert = LicensingErrorAlert.Parse(ValidClientBytes);

        Assert.Equal(LicensingMessageType.ErrorAlert, alert.MessageType);
        Assert.Equal(LicenseErrorCode.StatusValidClient, alert.ErrorCode);
        Assert.Equal(LicenseStateTransition.NoTransition, alert.StateTransition);
        Assert.Empty(alert.ErrorInfo);
        Assert.Equal(LicensingPreamble.ServerFlags, alert.PreambleFlags);
    }

    [Fact]
    public void Round_trips_a_refusal()
    {
        var refusal = new LicensingErrorAlert(LicenseErrorCode.NoLicenseServer, LicenseStateTransition.TotalAbort);

        var bytes = refusal.ToBytes();

        Assert.Equal(Hex.Bytes("ff 03 10 00  06 00 00 00  01 00 00 00  04 00 00 00"), bytes);
        var parsed = LicensingErrorAlert.Parse(bytes);
        Assert.Equal(LicenseErrorCode.NoLicenseServer, parsed.ErrorCode);
        Assert.Equal(LicenseStateTransition.TotalAbort, parsed.StateTransition);
    }

    [Fact]
    public void Accepts_a_client_alert_with_an_empty_blob_of_type_zero_and_keeps_its_flags()
    {
        var pdu = Hex.Bytes("ff 83 10 00  02 00 00 00  01 00 00 00  00 00 00 00");

        var alert = LicensingErrorAlert.Parse(pdu);

        Assert.Equal(LicenseErrorCode.NoLicense, alert.ErrorCode);
        Assert.Equal(0x83, alert.PreambleFlags);
        Assert.Empty(alert.ErrorInfo);
    }

    [Fact]
    public void Round_trips_error_information()
    {
        var alert = new LicensingErrorAlert(LicenseErrorCode.InvalidMac, LicenseStateTransition.TotalAbort) { ErrorInfo = [1, 2, 3] };

        var parsed = LicensingErrorAlert.Parse(alert.ToBytes());

        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.ErrorInfo);
        Assert.Equal(alert.ToBytes(), parsed.ToBytes());
    }

    [Fact]
    public void Error_information_of_another_blob_type_is_rejected()
    {
        var pdu = Hex.Bytes("ff 83 11 00  03 00 00 00  01 00 00 00  01 00 01 00 aa");

        var error = Assert.Throws<RdpProtocolException>(() => LicensingErrorAlert.Parse(pdu));

        Assert.Contains("LICENSE_ERROR_MESSAGE bbErrorInfo", error.Message);
    }

    [Fact]
    public void A_missing_error_blob_is_rejected()
    {
        var error = Assert.Throws<RdpProtocolException>(() => LicensingErrorAlert.Parse(Hex.Bytes("ff 03 0c 00  07 00 00 00  02 00 00 00")));

        Assert.Contains("bbErrorInfo", error.Message);
    }

    [Fact]
    public void The_error_codes_and_transitions_have_their_wire_values()
    {
        Assert.Equal(1u, (uint)LicenseErrorCode.InvalidServerCertificate);
        Assert.Equal(2u, (uint)LicenseErrorCode.NoLicense);
        Assert.Equal(3u, (uint)LicenseErrorCode.InvalidMac);
        Assert.Equal(4u, (uint)LicenseErrorCode.InvalidScope);
        Assert.Equal(6u, (uint)LicenseErrorCode.NoLicenseServer);
        Assert.Equal(7u, (uint)LicenseErrorCode.StatusValidClient);
        Assert.Equal(8u, (uint)LicenseErrorCode.InvalidClient);
        Assert.Equal(0xBu, (uint)LicenseErrorCode.InvalidProductId);
        Assert.Equal(0xCu, (uint)LicenseErrorCode.InvalidMessageLength);
        Assert.Equal(1u, (uint)LicenseStateTransition.TotalAbort);
        Assert.Equal(2u, (uint)LicenseStateTransition.NoTransition);
        Assert.Equal(3u, (uint)LicenseStateTransition.ResetPhaseToStart);
        Assert.Equal(4u, (uint)LicenseStateTransition.ResendLastMessage);
    }
}
