using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Connection;

public sealed partial class RdpServerConnection
{
    /// <summary>
    /// The minimal capability exchange and finalization (MS-RDPBCGR 1.3.1.1 phases 9 and 10): Demand Active with no
    /// capability sets; the client's Confirm Active, Synchronize, Controls and Font List are read; the server's
    /// Synchronize, Control (cooperate), Control (granted) and Font Map end it. The client then shows a session.
    /// </summary>
    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        await SendShareAsync(ShareControl.DemandActive(), cancellationToken);
        var confirmed = false;
        var granted = false;
        for (var count = 0; count < MaxActivationPdus; count++)
        {
            var pdu = ShareControl.Parse(UnwrapShare(await ReadIoDataAsync("activation PDU", cancellationToken)));
            if (pdu.Type == ShareControlType.ConfirmActive) confirmed = true;
            else if (pdu.IsControlRequest && confirmed && !granted)
            {
                // rdesktop waits for these three before it sends its Font List.
                await SendShareAsync(ShareControl.Synchronize(UserChannel), cancellationToken);
                await SendShareAsync(ShareControl.ControlCooperate(), cancellationToken);
                await SendShareAsync(ShareControl.ControlGranted(UserChannel), cancellationToken);
                granted = true;
            }
            else if (pdu is { Type: ShareControlType.Data, DataType: ShareDataType.FontList })
            {
                if (!granted) throw new RdpProtocolException("Font List before Confirm Active and Control Request.");
                await SendShareAsync(ShareControl.FontMap(), cancellationToken);
                return;
            }
            else if (pdu is { Type: ShareControlType.Data, DataType: ShareDataType.ShutdownRequest })
                throw new ConnectionClosedException("the client asked to shut down during the activation");
        }
        throw new RdpProtocolException($"more than {MaxActivationPdus} PDUs during the activation without a Font List.");
    }

    private byte[] UnwrapShare(byte[] data) => _security.Unwrap(data, hasHeader: !_tls).Payload;

    private Task SendShareAsync(byte[] pdu, CancellationToken cancellationToken) =>
        SendIoAsync(pdu, SecurityFlags.None, encrypt: !_tls, header: !_tls, cancellationToken);

    /// <summary>
    /// Set Error Info then Disconnect Provider Ultimatum: the client ends with the reason it was given (xfreerdp and
    /// rdesktop exit 1 after a completed activation and <see cref="ErrorInfo.RpcInitiatedDisconnect"/>).
    /// </summary>
    private async Task DisconnectAsync(uint errorInfo, byte[]? licensingAlert, CancellationToken cancellationToken)
    {
        // Under standard RDP security a Set Error Info sent during licensing must be encrypted too, or FreeRDP reports
        // "unexpected license packet" instead of the reason.
        await SendIoAsync(ShareControl.SetErrorInfo(errorInfo), SecurityFlags.None, encrypt: !_tls, header: !_tls, cancellationToken);
        if (licensingAlert is not null) await SendLicensingAsync(licensingAlert, cancellationToken);
        await SendAsync(McsDomain.DisconnectProviderUltimatum(), cancellationToken);
        await AwaitClientCloseAsync(cancellationToken);
    }

    /// <summary>
    /// The client closes the connection once it has read the ultimatum. Closing first would make a client that is still
    /// writing (xfreerdp sends its input state right after activation) fail with a broken pipe instead of the reason.
    /// </summary>
    private async Task AwaitClientCloseAsync(CancellationToken cancellationToken)
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linger.CancelAfter(LingerAfterDisconnect);
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer, linger.Token) > 0)
            {
                // What the client still sends is not read as PDUs any more.
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Still open after the linger time, or reset: the server closes now.
        }
    }

    private static readonly TimeSpan LingerAfterDisconnect = TimeSpan.FromSeconds(5);

    /// <summary>Licensing PDUs from the server go unencrypted with SEC_LICENSE_PKT, under either security layer.</summary>
    private Task SendLicensingAsync(byte[] pdu, CancellationToken cancellationToken) =>
        SendIoAsync(pdu, SecurityFlags.License, encrypt: false, header: true, cancellationToken);
}
