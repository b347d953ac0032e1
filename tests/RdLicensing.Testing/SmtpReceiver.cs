using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace RdLicensing.Testing;

/// <summary>One e-mail the receiver accepted, decoded by Python's email package.</summary>
public sealed record ReceivedMail(string From, string[] To, string Subject, string Body, string[] RcptTos);

/// <summary>
/// A real SMTP server on 127.0.0.1: Debian's python3-aiosmtpd (its Controller), writing each message it accepts to a
/// directory before it answers 250 — so once a sender's DATA is accepted, the message is there to read, with no waiting.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private const string Script = """
        import json, os, sys
        from email import message_from_bytes, policy
        from aiosmtpd.controller import Controller

        out = sys.argv[2]

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
                body = msg.get_body(("plain",))
                record = {"from": str(msg["from"]), "to": [str(a) for a in msg["to"].addresses] if msg["to"] else [],
                          "subject": str(msg["subject"]), "body": body.get_content() if body else "", "rcptTos": list(envelope.rcpt_tos)}
                name = os.path.join(out, "%04d.json" % len(os.listdir(out)))
                with open(name + ".tmp", "w") as f:
                    json.dump(record, f)
                os.rename(name + ".tmp", name)
                return "250 Message accepted for delivery"

        controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
        controller.start()
        print("ready", flush=True)
        sys.stdin.read()
        controller.stop()
        """;

    private readonly Process _process;
    private readonly string _directory;

    private SmtpReceiver(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SmtpReceiver> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "rdl-smtp-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var script = Path.Combine(directory, "receiver.py");
        var mail = Path.Combine(directory, "mail");
        Directory.CreateDirectory(mail);
        await File.WriteAllTextAsync(script, Script);
        var port = FreePort();
        // Debian's python3 (where python3-aiosmtpd is installed), not another python3 earlier on the PATH (pyenv).
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var process = Process.Start(new ProcessStartInfo(python, [script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), mail])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("python3 did not start");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (ready != "ready")
            throw new InvalidOperationException("The SMTP receiver did not start (is python3-aiosmtpd installed? apt-get install python3-aiosmtpd): "
                + await process.StandardError.ReadToEndAsync());
        return new SmtpReceiver(process, directory, port);
    }

    /// <summary>The messages accepted so far, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Messages =>
        Directory.GetFiles(Path.Combine(_directory, "mail"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<ReceivedMail>(File.ReadAllText(f), RdLicensing.ServiceDefaults.WireJson.Options)!)
            .ToList();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
