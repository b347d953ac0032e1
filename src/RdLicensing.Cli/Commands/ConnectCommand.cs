using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic connect`: connects to a session host as a client device would — presents the CAL the device stored,
/// stores the one it is given, completes the sign-in (so a temporary CAL becomes validated), then disconnects
/// unless --keep. `rdlic disconnect SESSION-ID` ends a kept session. Neither sends a credential: a client device
/// has none (RDP clients do not authenticate to licensing); the session's random id is what ends it.
/// </summary>
internal static class ConnectCommand
{
    public static Option<string?> HostOption() => Options.Text("--host", "URL",
        $"Session host URL (default: the \"sessionhost\" entry of <data>/rdlic.json, else {SessionHostClient.DefaultHost})");

    public static Command Create(CliContext cli)
    {
        var device = Options.Text("--device", "NAME", "The client device's name; its hardware id is the SHA-256 of the name", required: true);
        device.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !DeviceLicenseStore.IsValidDeviceName(r.Tokens[^1].Value))
                r.AddError($"--device must be 1 to {DeviceLicenseStore.MaxDeviceNameLength} letters, digits, '-', '_' or '.' (it names the device's CAL file)");
        });
        var user = Options.Text("--user", "USER", "The user who signs in (default: your user name)");
        var admin = Options.Flag("--admin", "An administrative connection (two at once need no CAL)");
        var failSignIn = Options.Flag("--fail-sign-in", "Connect but do not complete the sign-in: a temporary CAL stays unvalidated");
        var keep = Options.Flag("--keep", "Keep the session open and print its id (end it with 'rdlic disconnect SESSION-ID')");
        var clientData = Options.Text("--client-data", "DIR", "Where device CALs are kept (default: $RDLIC_CLIENT_DATA, else $XDG_DATA_HOME/rdlic/licenses, else ~/.local/share/rdlic/licenses)");
        var host = HostOption();
        var json = Options.Json();
        var command = new Command("connect", "Connect to a session host as a client device: present its CAL, store the one it gets, print the outcome")
        {
            device, user, admin, failSignIn, keep, host, clientData, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(device)!;
            var store = DeviceLicenseStore.Resolve(result.GetValue(clientData));
            var isAdmin = result.GetValue(admin);
            var presented = isAdmin ? null : store.Read(name);
            using var client = SessionHostClient.Device(result.GetValue(host), cli.DataDirectory(result));
            var userName = result.GetValue(user) is { Length: > 0 } u ? u : Environment.UserName;
            var reply = await client.ConnectAsync(new ConnectBody(DeviceLicenseStore.HardwareId(name), name, userName,
                presented is null ? null : Convert.ToBase64String(presented), isAdmin), ct);
            var connection = reply.Value;

            string? stored = null;
            if (connection.License is { } license) stored = store.Write(name, Convert.FromBase64String(license));
            SessionSignInView? signIn = null;
            SessionView? ended = null;
            if (connection is { Allowed: true, SessionId: { } id })
            {
                if (!isAdmin && !result.GetValue(failSignIn)) signIn = (await client.SignInAsync(id, ct)).Value;
                if (!result.GetValue(keep)) ended = (await client.EndSessionAsync(id, ct)).Value;
            }

            if (result.GetValue(json))
            {
                cli.Out.Json(new JsonObject
                {
                    ["connection"] = JsonNode.Parse(reply.Json),
                    ["calFile"] = stored ?? (presented is null ? null : store.PathOf(name)),
                    ["signIn"] = signIn is null ? null : JsonSerializer.SerializeToNode(signIn, JsonApiClient.Json),
                    ["sessionEnded"] = ended is not null,
                }.ToJsonString());
                return connection.Allowed ? 0 : 1;
            }
            if (!connection.Allowed)
            {
                var refusal = connection.Refusal;
                throw new CliException($"refused by {connection.HostName}: {(refusal?.Code is { } code ? code + " " : "")}{refusal?.Reason}: {connection.Message}");
            }
            Print(cli.Out, client.Host, connection, stored, presented is not null ? store.PathOf(name) : null, signIn, ended, result.GetValue(failSignIn), isAdmin);
            return 0;
        });
        return command;
    }

    public static Command Disconnect(CliContext cli)
    {
        var id = new Argument<string>("SESSION-ID") { Description = "The session id ('rdlic sessionhost sessions' lists them; 'rdlic connect --keep' prints its own)" };
        var host = HostOption();
        var token = SessionHostCommands.TokenOption();
        var json = Options.Json();
        var command = new Command("disconnect",
            "End a session: with the session host administrator token, any session, closing its RDP connection towards the client and the desktop; without, a session kept open with 'rdlic connect --keep'")
        {
            id, host, token, json,
        };
        command.SetAction(async (result, ct) =>
        {
            using var admin = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            if (admin.HasToken)
            {
                var reply = await admin.DisconnectAsync(result.GetValue(id)!, ct);
                if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
                cli.Out.Line(reply.Value.Message);
                return 0;
            }
            using var client = SessionHostClient.Device(result.GetValue(host), cli.DataDirectory(result));
            var ended = await client.EndSessionAsync(result.GetValue(id)!, ct);
            if (result.GetValue(json)) { cli.Out.Json(ended.Json); return 0; }
            var session = ended.Value;
            cli.Out.Line(session.EndReason == "disconnected" && session.EndedAt is not null
                ? $"Session {session.Id} of {session.ClientName} ended."
                : $"Session {session.Id} of {session.ClientName} had already ended at {Render.Time(session.EndedAt)} ({(session.EndReason == "idle" ? "no activity for 10 minutes" : session.EndReason)}).");
            return 0;
        });
        return command;
    }

    private static void Print(Render output, string host, ConnectionView c, string? stored, string? presentedFile, SessionSignInView? signIn, SessionView? ended,
        bool failedSignIn, bool admin)
    {
        var headline = c.Outcome switch
        {
            "licensed" => "licensed",
            "grace" => $"allowed by the licensing grace period ({c.Grace.DaysLeft} days left)",
            "administrative" => "administrative connection (no CAL needed)",
            _ => c.Outcome,
        };
        output.Line($"Connected to session host {c.HostName} ({host}): {headline}.", c.Outcome == "grace" ? new Style(Color.Yellow) : new Style(Color.Green));
        var fields = new List<(string, Text)>();
        if (c.Cal is { } cal)
        {
            var status = cal.Temporary ? $"temporary ({(cal.Validated ? "validated" : "not validated")})" : cal.Status;
            fields.Add(("CAL", Render.Cell($"{Names.CalKind(cal.Type)}, {status}, {Names.Version(cal.Version)}, expires {Render.Date(cal.ExpiresAt)}{(cal.OverUsed ? ", from the OverUsed pool" : "")}")));
            fields.Add(("Checked by", Render.Cell(cal.Source == "presented"
                ? "the session host alone (the CAL the device presented)"
                : $"license server {c.LicenseServer}")));
        }
        if (stored is not null) fields.Add(("CAL stored", Render.Cell(stored)));
        else if (presentedFile is not null) fields.Add(("CAL presented", Render.Cell(presentedFile)));
        fields.Add(("Message", Render.Cell(c.Message)));
        if (!admin)
        {
            fields.Add(("Sign-in", Render.Cell(failedSignIn
                ? "not completed (--fail-sign-in): a temporary CAL stays unvalidated"
                : signIn is null ? "-" : signIn.Message)));
        }
        fields.Add(("Session", Render.Cell(ended is not null
            ? $"{c.SessionId} ended (keep it open with --keep)"
            : $"{c.SessionId} open: end it with 'rdlic disconnect {c.SessionId}'{(admin ? "; an administrative session also ends after 10 minutes without activity" : "")}")));
        fields.Add(("Grace period", Render.Cell(SessionHostCommands.GraceText(c.Grace))));
        output.Fields(fields);
        foreach (var note in c.Notes) output.Warning("Note: " + note);
    }
}
