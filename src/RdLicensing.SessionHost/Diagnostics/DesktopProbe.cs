using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Rdp;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.SessionHost.Diagnostics;

/// <summary>What the diagnoser found at one desktop behind the RDP endpoint; Problem is null when it is ready for the relay.</summary>
public sealed record DesktopCheck(string Desktop, string State, string Message, DiagnosisProblemView? Problem)
{
    /// <summary>Its xrdp's login screen lets another account sign in (<see cref="XrdpLoginScreen"/>); null when not found.</summary>
    public DiagnosisProblemView? LoginScreenProblem { get; init; }

    public DiagnosedDesktopView ToView() => new(Desktop, State, Message);
}

/// <summary>
/// Checks a desktop the relay would use (<c>--desktop rdp://HOST:PORT</c>) the way the relay reaches it: a TCP connection,
/// an X.224 Connection Request asking for TLS answered by a Connection Confirm selecting TLS, then the TLS handshake.
/// Each failure is named with how to fix it; nothing is sent after the handshake (the desktop sees a client that left).
/// </summary>
public static class DesktopProbe
{
    public const string Ready = "ready";
    public const string Unreachable = "unreachable";
    public const string NotRdp = "not-rdp";
    public const string NoTls = "no-tls";
    public const string TlsFailed = "tls-failed";

    public static async Task<DesktopCheck> CheckAsync(Uri desktop, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var name = $"rdp://{desktop.Host}:{Port(desktop)}";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(desktop.Host, Port(desktop), deadline.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e is SocketException s ? s.SocketErrorCode == SocketError.ConnectionRefused ? "the connection was refused: nothing listens on that port" : s.Message
                : $"no answer within {timeout.TotalSeconds:0} s";
            return Fail(name, Unreachable, $"The desktop {name} cannot be reached: {why}.",
                "The relay cannot open its connection to the desktop, so licensed clients are disconnected with a readable reason instead of reaching it.",
                [$"Start the RDP server on {desktop.Host} (xrdp: 'systemctl start xrdp' — check 'systemctl status xrdp' and /var/log/xrdp.log).",
                 $"Check that it listens on port {Port(desktop)} (xrdp.ini [Globals] port=) and that no firewall blocks it from this host.",
                 "Or correct the address: --desktop rdp://HOST:PORT on 'rdlic sessionhost run' / 'rdlic up'."]);
        }

        var stream = tcp.GetStream();
        X224ConnectionConfirm confirm;
        try
        {
            await stream.WriteAsync(new X224ConnectionRequest("Cookie: mstshash=rdlic-diagnose", SecurityProtocols.Tls).ToBytes(), deadline.Token);
            confirm = X224ConnectionConfirm.Parse(await ReadTpktAsync(stream, deadline.Token));
        }
        catch (Exception e) when (e is RdpProtocolException or IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e switch
            {
                OperationCanceledException => $"it accepted the connection but sent nothing within {timeout.TotalSeconds:0} s",
                RdpProtocolException p => $"its answer is not an X.224 Connection Confirm ({p.Message})",
                _ => $"it closed the connection without an X.224 Connection Confirm ({e.Message})",
            };
            return Fail(name, NotRdp, $"{name} answers, but not as an RDP server: {why}.",
                "Something listens on that port, but it is not an RDP server (or not one that accepted this request).",
                [$"Check the port: xrdp listens on 3389 by default (xrdp.ini [Globals] port=); sesman's 3350 is not an RDP port.",
                 "Correct --desktop rdp://HOST:PORT, or stop what else listens there."]);
        }
        if (confirm.FailureCode is { } failure || confirm.Selected is not { } selected || (selected & SecurityProtocols.Tls) == 0)
        {
            var said = confirm.FailureCode switch
            {
                X224ConnectionConfirm.SslNotAllowedByServer => "it does not allow TLS (SSL_NOT_ALLOWED_BY_SERVER)",
                X224ConnectionConfirm.SslCertNotOnServer => "it has no TLS certificate (SSL_CERT_NOT_ON_SERVER)",
                X224ConnectionConfirm.HybridRequiredByServer => "it requires CredSSP/NLA (HYBRID_REQUIRED_BY_SERVER)",
                { } other => $"it refused the TLS request (RDP_NEG_FAILURE 0x{other:X})",
                null => confirm.Selected is null ? "it did not negotiate at all (standard RDP security only)" : $"it selected {confirm.Selected} instead of TLS",
            };
            return Fail(name, NoTls, $"{name} is an RDP server, but {said}.",
                "The relay always talks TLS to the desktop (xrdp's standard RDP security does not work with every client).",
                ["xrdp: set security_layer=tls (or negotiate) in /etc/xrdp/xrdp.ini [Globals], with certificate= and key_file= pointing to a certificate and key xrdp can read, then 'systemctl restart xrdp'.",
                 "Do not require CredSSP/NLA on the desktop: the relay authenticates nothing itself; the desktop's own logon does."]);
        }

        try
        {
            await using var tls = new SslStream(stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = desktop.Host }, deadline.Token);
            var certificate = tls.RemoteCertificate is { } c ? new System.Security.Cryptography.X509Certificates.X509Certificate2(c) : null;
            var about = certificate is null ? "" : $", certificate '{certificate.Subject}' valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}";
            return new DesktopCheck(name, Ready, $"{name}: reachable, answers X.224, TLS works ({tls.SslProtocol}{about}).", null);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? $"no TLS answer within {timeout.TotalSeconds:0} s" : e.InnerException?.Message ?? e.Message;
            return Fail(name, TlsFailed, $"{name} selected TLS, but the TLS handshake failed: {why}.",
                "The desktop agreed to TLS and then could not complete the handshake: usually a certificate or key it cannot read, or TLS versions it does not offer.",
                ["xrdp: check certificate= and key_file= in /etc/xrdp/xrdp.ini (the files must exist and be readable by the xrdp user, e.g. in group ssl-cert), and ssl_protocols= (TLSv1.2, TLSv1.3).",
                 "Look at /var/log/xrdp.log for the TLS error, then 'systemctl restart xrdp'."]);
        }
    }

    /// <summary>How far back the relay's failures to reach a desktop (event 5036) count in a diagnosis.</summary>
    public static readonly TimeSpan RecentFailures = TimeSpan.FromHours(24);

    /// <summary>
    /// The check with the relay's own failures to reach this desktop (events 5036) of the last 24 hours: counted in its
    /// message, and a warning when the desktop answers now (it went away and came back, or answers only sometimes).
    /// </summary>
    public static DesktopCheck WithRecentFailures(DesktopCheck check, IEnumerable<Storage.SessionHostEvent> unreachableEvents, DateTimeOffset now)
    {
        var mine = unreachableEvents
            .Where(e => e.EventId == SessionHostEventId.DesktopUnreachable && e.At > now - RecentFailures && e.Message.StartsWith($"The desktop {check.Desktop} ", StringComparison.Ordinal))
            .OrderByDescending(e => e.At).ToList();
        if (mine.Count == 0) return check;
        var last = mine[0];
        var note = $" The relay could not reach it {mine.Count} time{(mine.Count == 1 ? "" : "s")} in the last {RecentFailures.TotalHours:0} hours (event {(int)SessionHostEventId.DesktopUnreachable}), last at {last.At:yyyy-MM-dd HH:mm} UTC.";
        var problem = check.Problem ?? new DiagnosisProblemView("desktop-unreachable-recently", "warning",
            $"The desktop {check.Desktop} answers now, but the relay could not reach it {mine.Count} time{(mine.Count == 1 ? "" : "s")} in the last {RecentFailures.TotalHours:0} hours, last at {last.At:yyyy-MM-dd HH:mm} UTC.",
            "Clients that arrived then were sent to another desktop, or disconnected with ERRINFO_CB_DESTINATION_NOT_FOUND (no CAL spent). "
            + $"The last event says: {last.Message}",
            ["See when it was away: 'rdlic sessionhost events --id 5036'.",
             "Check the RDP server's own log for restarts or crashes (xrdp: /var/log/xrdp.log, /var/log/xrdp-sesman.log) and the network between this host and it."],
            null);
        return check with { Message = check.Message + note, Problem = problem };
    }

    private static int Port(Uri desktop) => desktop.IsDefaultPort || desktop.Port <= 0 ? 3389 : desktop.Port;

    private static DesktopCheck Fail(string name, string state, string message, string cause, IReadOnlyList<string> steps) =>
        new(name, state, message, new DiagnosisProblemView($"desktop-{state}", "error", message, cause, steps, null));

    /// <summary>One TPKT (version 3) from the desktop; its X.224 part.</summary>
    private static async Task<byte[]> ReadTpktAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken);
        if (header[0] != 3) throw new RdpProtocolException($"the first byte is 0x{header[0]:X2}, not a TPKT header (0x03).");
        var length = header[2] << 8 | header[3];
        if (length is < 11 or > 1024) throw new RdpProtocolException($"a TPKT of {length} bytes is no X.224 Connection Confirm.");
        var body = new byte[length - 4];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return body;
    }
}
