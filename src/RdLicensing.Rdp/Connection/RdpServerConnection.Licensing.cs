using RdLicensing.Core.SessionHost;
using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Connection;

public sealed partial class RdpServerConnection
{
    /// <summary>
    /// The licensing phase (MS-RDPELE 1.3.3): a new client gets a challenge and then its CAL (New License); a returning
    /// client's stored CAL goes to the session host's decision, which either accepts it (STATUS_VALID_CLIENT at once)
    /// or gives a new one, handed over after a challenge (Upgrade License). A refusal is sent as Set Error Info with the
    /// licensing error code, an Error Alert (ST_TOTAL_ABORT) and the disconnect. An administrative (console) connection
    /// needs no CAL when the session host lists its user as an administrator (valid once the exchange has identified the
    /// client, unless both administrative sessions are taken); anyone else's is licensed like any connection — which is
    /// why a console client runs the exchange too: its hardware id is what a CAL is issued for.
    /// </summary>
    private async Task<RdpConnectionResult> LicenseAsync(ClientInfo info, CancellationToken cancellationToken)
    {
        var userName = string.IsNullOrWhiteSpace(info.UserName) ? null : info.UserName;
        // Only the licensing exchange answers a bad client PDU with a licensing abort; the activation that follows
        // (after the client may already hold its CAL) ends the connection like any other protocol error.
        var (identity, verdict, licensePdu) = await ExchangeAsync(new LicensingExchange(_context), userName, _client!.ConsoleSession, cancellationToken);
        return await FinishAsync(identity, verdict, licensePdu, cancellationToken);
    }

    /// <summary>The MS-RDPELE messages up to the decision: who the client is, the verdict, and the New/Upgrade License PDU to send, if any.</summary>
    private async Task<(RdpClientIdentity Client, RdpLicensingVerdict Verdict, byte[]? LicensePdu)> ExchangeAsync(
        LicensingExchange exchange, string? userName, bool administrative, CancellationToken cancellationToken)
    {
        try
        {
            await SendLicensingAsync(exchange.LicenseRequest(), cancellationToken);
            var request = exchange.Receive(await ReadLicensingAsync(cancellationToken));
            if (request.IsNew)
            {
                await SendLicensingAsync(exchange.PlatformChallenge(), cancellationToken);
                var hardwareId = exchange.ReceiveChallengeResponse(await ReadLicensingAsync(cancellationToken));
                var client = new RdpClientIdentity(request.MachineName ?? _client!.ClientName, hardwareId.ToIdentityString(), userName ?? request.UserName, administrative, _remote);
                var verdict = await DecideAsync(client, null, cancellationToken);
                return (client, verdict, verdict is { Allowed: true, License: { } cal } ? exchange.License(cal, upgrade: false) : null);
            }

            var returning = new RdpClientIdentity(_client!.ClientName, request.HardwareId!.ToIdentityString(), userName, administrative, _remote);
            var answer = await DecideAsync(returning, request.StoredLicense, cancellationToken);
            if (answer is not { Allowed: true, License: { } replacement }) return (returning, answer, null);
            // The client proves it holds the licensing key (and gives its HWID again) before it is handed a new CAL.
            await SendLicensingAsync(exchange.PlatformChallenge(), cancellationToken);
            var again = exchange.ReceiveChallengeResponse(await ReadLicensingAsync(cancellationToken));
            if (again.ToIdentityString() != returning.HardwareId)
                throw new LicensingException("the Platform Challenge Response carries another hardware id than the Client License Info.",
                    LicenseErrorCode.InvalidClient, ErrorInfo.LicenseBadClientMessage);
            return (returning, answer, exchange.License(replacement, upgrade: true));
        }
        catch (LicensingException e)
        {
            await TryDisconnectAsync(e.ErrorInfo, LicensingExchange.Abort(e.Alert), cancellationToken);
            throw new RdpProtocolException(e.Message);
        }
        catch (RdpProtocolException)
        {
            await TryDisconnectAsync(ErrorInfo.LicenseBadClientMessage, LicensingExchange.Abort(LicenseErrorCode.InvalidClient), cancellationToken);
            throw;
        }
    }

    /// <summary>Hands over the CAL (or says the client is valid), then activation and disconnect; or the refusal.</summary>
    private async Task<RdpConnectionResult> FinishAsync(RdpClientIdentity client, RdpLicensingVerdict verdict, byte[]? licensePdu, CancellationToken cancellationToken)
    {
        if (!verdict.Allowed)
        {
            if (verdict.Refusal is { } code) await DisconnectAsync(ErrorInfo.For(code), LicensingExchange.Abort(AlertFor(code)), cancellationToken);
            else await DisconnectAsync(ErrorInfo.ServerDeniedConnection, null, cancellationToken);
            return new RdpConnectionResult(RdpLicensingOutcome.Refused, client, verdict, _tls);
        }
        try
        {
            await SendLicensingAsync(licensePdu ?? LicensingExchange.ValidClient(), cancellationToken);
            var outcome = licensePdu is null ? RdpLicensingOutcome.ValidClient
                : licensePdu[0] == (byte)LicensingMessageType.UpgradeLicense ? RdpLicensingOutcome.UpgradedLicense : RdpLicensingOutcome.NewLicense;
            if (_desktop is not null)
            {
                // A desktop behind the endpoint: the session is its own, and its logon is the sign-in (RelayAsync).
                await RelayAsync(client, verdict, cancellationToken);
                return new RdpConnectionResult(outcome, client, verdict, _tls);
            }
            await ActivateAsync(cancellationToken);
            // Reaching the session is the sign-in: it validates a temporary CAL, so the next connection can upgrade it.
            await _context.Licensing.SignedInAsync(verdict, RdpSignIn.WithoutDesktop, cancellationToken);
            await DisconnectAsync(ErrorInfo.RpcInitiatedDisconnect, null, cancellationToken);
            return new RdpConnectionResult(outcome, client, verdict, _tls);
        }
        finally
        {
            await _context.Licensing.EndedAsync(verdict, CancellationToken.None);
        }
    }

    /// <summary>
    /// The session host's decision. If it fails (its store, say), the client is still told licensing could not be
    /// completed (ERRINFO_LICENSE_INTERNAL) before the fault is logged by the listener.
    /// </summary>
    private async Task<RdpLicensingVerdict> DecideAsync(RdpClientIdentity client, byte[]? presented, CancellationToken cancellationToken)
    {
        try
        {
            return await _context.Licensing.DecideAsync(client, presented, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await TryDisconnectAsync(ErrorInfo.LicenseInternal, LicensingExchange.Abort(LicenseErrorCode.NoLicenseServer), cancellationToken);
            throw;
        }
    }

    private static LicenseErrorCode AlertFor(LicensingErrorCode code) => code switch
    {
        LicensingErrorCode.NoLicenseServer => LicenseErrorCode.NoLicenseServer,
        LicensingErrorCode.BadClientLicense => LicenseErrorCode.InvalidClient,
        _ => LicenseErrorCode.NoLicense,
    };

    /// <summary>The next licensing PDU from the client (decrypted when it came under SEC_ENCRYPT, as xfreerdp sends them).</summary>
    private async Task<byte[]> ReadLicensingAsync(CancellationToken cancellationToken)
    {
        var pdu = _security.Unwrap(await ReadIoDataAsync("licensing PDU", cancellationToken), hasHeader: true);
        if ((pdu.Flags & SecurityFlags.License) == 0) throw new RdpProtocolException($"expected a licensing PDU, got security flags 0x{(ushort)pdu.Flags:X4}.");
        return pdu.Payload;
    }

    /// <summary>Tells the client why before closing; a client that is already gone changes nothing.</summary>
    private async Task TryDisconnectAsync(uint errorInfo, byte[] alert, CancellationToken cancellationToken)
    {
        try
        {
            await DisconnectAsync(errorInfo, alert, cancellationToken);
        }
        catch (IOException)
        {
            // The connection is closed already; the reason is logged by the caller.
        }
    }
}
