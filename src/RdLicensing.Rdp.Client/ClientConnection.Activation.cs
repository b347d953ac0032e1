using RdLicensing.Rdp.Connection;

namespace RdLicensing.Rdp.Client;

internal sealed partial class ClientConnection
{
    /// <summary>TS_CONTROL_PDU actions (MS-RDPBCGR 2.2.1.15.1) the server sends in the finalization.</summary>
    private const ushort GrantedControlAction = 2;
    private const ushort CooperateAction = 4;

    /// <summary>
    /// The capability exchange and finalization (MS-RDPBCGR 1.3.1.1 phases 9 and 10), as rdesktop paces it: Demand Active
    /// → Confirm Active, Synchronize, Control Cooperate, Control Request; the server's Synchronize, Cooperate and Granted
    /// → Font List; the server's Font Map. Then the server ends the connection (Set Error Info, Disconnect Provider
    /// Ultimatum). False when the server disconnected, with a Set Error Info, before the Font Map.
    /// </summary>
    private async Task<bool> ActivateAsync(CancellationToken cancellationToken)
    {
        if (await ReadShareAsync("Demand Active", cancellationToken) is not { } demand) return EndedEarly("Demand Active");
        if (demand.Type != ShareControlType.DemandActive) throw Unexpected(demand, "Demand Active");

        await SendShareAsync(RdpClientStage.ConfirmActive, ShareControl.ConfirmActive(_userId), cancellationToken);
        await SendShareAsync(RdpClientStage.Finalization, ShareControl.Synchronize(ShareControl.ServerChannel, _userId), cancellationToken);
        await SendShareAsync(RdpClientStage.Finalization, ShareControl.ControlCooperate(_userId), cancellationToken);
        await SendShareAsync(RdpClientStage.Finalization, ShareControl.ControlRequest(_userId), cancellationToken);

        (string What, Func<SharePdu, bool> Matches)[] serverFinalization =
        [
            ("server Synchronize", p => p is { Type: ShareControlType.Data, DataType: ShareDataType.Synchronize }),
            ("server Control Cooperate", p => p is { Type: ShareControlType.Data, DataType: ShareDataType.Control, FirstField: CooperateAction }),
            ("server Control Granted Control", p => p is { Type: ShareControlType.Data, DataType: ShareDataType.Control, FirstField: GrantedControlAction }),
        ];
        foreach (var (what, matches) in serverFinalization)
        {
            if (await ReadShareAsync(what, cancellationToken) is not { } pdu) return EndedEarly(what);
            if (!matches(pdu)) throw Unexpected(pdu, what);
        }

        await SendShareAsync(RdpClientStage.Finalization, ShareControl.FontList(_userId), cancellationToken);
        if (await ReadShareAsync("Font Map", cancellationToken) is not { } fontMap) return EndedEarly("Font Map");
        if (fontMap is not { Type: ShareControlType.Data, DataType: ShareDataType.FontMap }) throw Unexpected(fontMap, "Font Map");
        if (options.AfterActivation is { } session)
        {
            await session(new RdpClientSession(transport, _security), cancellationToken);
            return true;
        }
        await AwaitDisconnectAsync("after the activation", cancellationToken);
        return true;
    }

    /// <summary>Reads on to the Disconnect Provider Ultimatum; only Set Error Info may come before it.</summary>
    private async Task AwaitDisconnectAsync(string when, CancellationToken cancellationToken)
    {
        if (await ReadIoAsync("Disconnect Provider Ultimatum", cancellationToken) is { } pdu)
            throw new RdpProtocolException($"{Describe(pdu)} from the server {when}, where only Set Error Info and the Disconnect Provider Ultimatum were expected.");
    }

    /// <summary>The next Share Control PDU, or null at the Disconnect Provider Ultimatum.</summary>
    private async Task<SharePdu?> ReadShareAsync(string what, CancellationToken cancellationToken)
    {
        if (await ReadIoAsync(what, cancellationToken) is not { } pdu) return null;
        if ((pdu.Flags & SecurityFlags.License) != 0) throw new RdpProtocolException($"a licensing PDU from the server where the {what} was expected.");
        return ShareControl.Parse(pdu.Payload);
    }

    /// <summary>Share PDUs: encrypted under standard security; under TLS with no security header at all.</summary>
    private Task SendShareAsync(RdpClientStage stage, byte[] pdu, CancellationToken cancellationToken) =>
        SendIoAsync(stage, _security.Wrap(pdu, SecurityFlags.None, header: false), cancellationToken);

    /// <summary>The server disconnected in the middle of the activation: with a reason (Set Error Info) that is its right.</summary>
    private bool EndedEarly(string what) =>
        _errorInfo is not null ? false : throw new RdpProtocolException($"the server disconnected without a Set Error Info while the client waited for the {what}.");

    private static RdpProtocolException Unexpected(SharePdu pdu, string expected) =>
        new($"{Describe(pdu)} from the server where the {expected} was expected.");

    private static string Describe(SharePdu pdu) =>
        pdu.DataType is { } data ? $"a Share Data PDU ({data}{(data == ShareDataType.Control ? $", action {pdu.FirstField}" : "")})" : $"a Share Control PDU ({pdu.Type})";

    private static string Describe(SecuredPdu pdu) =>
        (pdu.Flags & SecurityFlags.License) != 0 ? "a licensing PDU" : Describe(ShareControl.Parse(pdu.Payload));
}
