using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// The two directions of a relayed session once the client is licensed: whole frames (slow-path and fast-path, every
/// channel) from the client to the desktop and back. Under TLS towards the client the frames pass as they are; under
/// standard RDP security each is decrypted (client to desktop) or encrypted (desktop to client) on the way, as the
/// desktop's leg is always TLS. The desktop's frames are also watched for its logon (<see cref="DesktopLogon"/>), the
/// moment the client's sign-in is reported. Either side closing (or a malformed frame, or the end token) ends both.
/// </summary>
/// <param name="transcoder">Under standard RDP security towards the client: the per-PDU transcoding (<see cref="RelaySecurity"/>); null under TLS.</param>
internal sealed class RelayPump(RdpServerConnection connection, DesktopLeg desktop, IRelayedSession session, RdpLicensingVerdict verdict,
    IReadOnlySet<ushort> sessionChannels, RelaySecurity? transcoder, CancellationToken end)
{
    private readonly DesktopLogon _logon = new(session, sessionChannels);

    /// <summary>Client to desktop until the client closes (returns why) or sends something malformed (throws).</summary>
    public async Task<string> FromClientAsync()
    {
        try
        {
            while (true)
            {
                var frame = await connection.ClientReader.ReadAsync(end);
                var bytes = transcoder is null ? frame.ToBytes() : transcoder.ClientToBackend(frame);
                await desktop.Stream.WriteAsync(bytes, end);
                session.FromClient(bytes.Length);
            }
        }
        catch (IOException e) when (e is ConnectionClosedException || !end.IsCancellationRequested && e.InnerException is System.Net.Sockets.SocketException)
        {
            // Closed or reset (a client killed, a network gone): the session's normal end.
            return e is ConnectionClosedException ? e.Message : $"the client's connection was reset ({e.Message})";
        }
    }

    /// <summary>Desktop to client until the desktop closes (returns why), the sign-in is refused, or something is malformed (throws).</summary>
    public async Task<string> FromDesktopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await desktop.Reader.ReadAsync(end);
                if (_logon.Inspect(frame) is { } signIn)
                {
                    var user = signIn.User ?? connection.ClientUserName;
                    var domain = signIn.User is null ? connection.ClientDomain : signIn.Domain;
                    var outcome = await connection.Context.Licensing.SignedInAsync(verdict, new RdpSignIn(user, string.IsNullOrEmpty(domain) ? null : domain), end);
                    session.SignedIn(user, string.IsNullOrEmpty(domain) ? null : domain);
                    if (!outcome.Continue)
                    {
                        await connection.TryEndAsync(outcome.ErrorInfo, end);
                        throw new SignInRefusedException($"the sign-in of {user} was refused: {outcome.Message}");
                    }
                }
                var bytes = transcoder is null ? frame.ToBytes() : transcoder.BackendToClient(frame);
                await connection.ClientStream.WriteAsync(bytes, end);
                await connection.ClientStream.FlushAsync(end);
                session.ToClient(bytes.Length);
            }
        }
        catch (IOException e) when (e is ConnectionClosedException || e is not SignInRefusedException && !end.IsCancellationRequested && e.InnerException is System.Net.Sockets.SocketException)
        {
            // The desktop closed or reset; or writing to a client that is gone failed: the session's normal end.
            return e is ConnectionClosedException ? e.Message : $"a connection was reset ({e.Message})";
        }
    }
}

/// <summary>The session host refused the session at the desktop's logon (its ErrorInfo was sent to the client).</summary>
public sealed class SignInRefusedException(string message) : IOException(message);
