using RdLicensing.ServiceDefaults;
using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Hosting;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;
using RdLicensing.Rdp;
using RdLicensing.Rdp.Connection;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.SessionHost;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Hosting;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic sessionhost run|status|config get|config set|enroll|events|sessions|clock advance`: the session host
/// that decides client connections, its licensing configuration and its state. Every command but `run` is
/// administration and sends the session host administrator token (<see cref="TokenOption"/>).
/// </summary>
internal static class SessionHostCommands
{
    public static Command Create(CliContext cli) => new("sessionhost", "Run a session host, configure its licensing (mode, license servers, version), see its state")
    {
        Run(cli), Status(cli),
        new Command("config", "The licensing mode, license servers and version, and where each comes from (policy, local, default)") { ConfigGet(cli), ConfigSet(cli) },
        Enroll(cli), Events(cli), Sessions(cli),
        new Command("clock", "The session host's own simulated clock") { ClockAdvance(cli) },
    };

    /// <summary>The session host administrator token; every administrative command takes it (`rdlic connect` never does).</summary>
    public static Option<string?> TokenOption() => Options.Text(SessionHostConnection.TokenOption, "TOKEN",
        $"Session host administrator token rdsa_… (default: {SessionHostConnection.TokenVariable}, else <data>/sessionhost/admin.token)");

    private static Command Run(CliContext cli)
    {
        var dataDir = Options.Text("--data-dir", "DIR", "Store and policy.json directory (default <data>/sessionhost, i.e. ./data/sessionhost)");
        var urls = Options.Text("--urls", "URL", $"Where to listen (default {SessionHostOptions.DefaultUrls})");
        var clock = Options.OneOf("--clock", "real (default) or simulated: a clock tests and demos can move forward ('rdlic sessionhost clock advance')", "real", "simulated");
        var name = Options.Text("--name", "NAME", $"The host's computer name, as license servers know it (default {SessionHostOptions.DefaultName})");
        name.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.Tokens[^1].Value is var n && (n.Length is 0 or > 253 || !n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
                r.AddError("--name must be a computer name: 1 to 253 letters, digits, '-', '.', '_'");
        });
        var rdpPort = Options.Int("--rdp-port", "PORT", "Also run the RDP endpoint for real RDP clients on this port (3389 is the usual one; 0 picks a free port)", 0, 65535);
        var rdpAddress = Options.Text("--rdp-address", "IP", "Where the RDP endpoint listens (default 127.0.0.1; 0.0.0.0 for every interface)");
        var rdpSecurity = RdpSecurityOption();
        var desktops = Options.Desktops();
        var config = ServiceConfigurationFlags.ConfigOption();
        var command = new Command("run", "Run a session host until Ctrl+C") { dataDir, urls, clock, name, rdpPort, rdpAddress, rdpSecurity, desktops, config };
        command.SetAction(async (result, ct) =>
        {
            const string section = SessionHostSettings.Section;
            var configuration = ServiceConfigurationFlags.Build(cli, result, config, new Dictionary<string, string?>
                {
                    [$"{section}:DataDirectory"] = Path.Combine(cli.ServicesDataDirectory(result), "sessionhost"),
                    [$"{section}:Urls"] = SessionHostOptions.DefaultUrls,
                },
                [
                    .. ServiceConfigurationFlags.Flag(result, dataDir, $"{section}:DataDirectory"),
                    .. ServiceConfigurationFlags.Flag(result, urls, $"{section}:Urls"),
                    .. ServiceConfigurationFlags.Flag(result, clock, $"{section}:Clock"),
                    .. ServiceConfigurationFlags.Flag(result, name, $"{section}:Name"),
                    .. ServiceConfigurationFlags.Flag(result, rdpPort, $"{section}:Rdp:Port"),
                    .. ServiceConfigurationFlags.Flag(result, rdpAddress, $"{section}:Rdp:Address"),
                    .. ServiceConfigurationFlags.Flag(result, rdpSecurity, $"{section}:Rdp:Security"),
                    .. ServiceConfigurationFlags.Flag(result, desktops, $"{section}:Rdp:Desktops"),
                ]);
            if (configuration.Root[$"{section}:Rdp:Port"] is null
                && (result.GetValue(rdpAddress) is not null || result.GetValue(rdpSecurity) is not null || result.GetValue(desktops) is { Count: > 0 }))
                throw new UsageException("--rdp-address, --rdp-security and --desktop configure the RDP endpoint: add --rdp-port PORT to run it.");
            var (options, rdp) = ServiceConfigurationFlags.Configured(() => SessionHostSettings.Load(configuration));
            await RunUntilStoppedAsync(cli, options, rdp, ct);
            cli.Out.Line("The session host stopped.");
            return 0;
        });
        return command;
    }

    /// <summary>The security layer of the RDP endpoint, like the session host setting "Require use of specific security layer".</summary>
    public static Option<string?> RdpSecurityOption() => Options.OneOf("--rdp-security",
        "RDP security layer: negotiate (default: TLS when the client offers it), rdp (standard RDP security only) or tls (TLS only)", "negotiate", "rdp", "tls");

    public static RdpSecurityLayer RdpSecurity(string? value) => value switch
    {
        "rdp" => RdpSecurityLayer.Rdp,
        "tls" => RdpSecurityLayer.Tls,
        _ => RdpSecurityLayer.Negotiate,
    };

    private static async Task RunUntilStoppedAsync(CliContext cli, SessionHostOptions options, RdpEndpointOptions? rdp, CancellationToken ct)
    {
        var app = RdpSessionHost.Build(options, rdp, logging: logging =>
        {
            ServerRunner.ConfigureLogging(logging, LogLevel.Information);
            logging.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        });
        try
        {
            await ServerRunner.StartAsync(app, options.Urls, "session host", "--urls (e.g. --urls http://127.0.0.1:5083)", ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
            await BannerAsync(cli.Out, options, ServerRunner.AddressOf(app), app.RdpEndpoint(), stop.Token);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Ctrl+C, SIGTERM or the caller's token: a normal stop.
        }
        finally
        {
            await ServerRunner.StopAsync(app);
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
        }
    }

    private static async Task BannerAsync(Render output, SessionHostOptions options, string url, RdpListener? rdp, CancellationToken ct)
    {
        SessionHostStatusView? status = null;
        var tokenFile = Path.GetFullPath(options.AdminTokenPath);
        try
        {
            using var client = new SessionHostClient(new SessionHostConnection(url, AdminTokenFile.Read(tokenFile), tokenFile, tokenFile));
            status = (await client.StatusAsync(ct)).Value;
        }
        catch (CliException)
        {
            // The banner still says where the host listens.
        }
        output.Line($"The RdLicensing session host {options.Name} is running (data in {options.DataDirectory}).");
        List<(string, Text)> fields =
        [
            ("Session host", Render.Cell(url)),
            ("Connect", Render.Cell($"rdlic connect --device NAME --host {url}")),
            .. (rdp is null ? Array.Empty<(string, Text)>() : [StartupBanner.RdpEndpointField(rdp)]),
            ("Policy file", Render.Cell(Path.GetFullPath(options.PolicyFilePath))),
            ("Admin token file", Render.Cell(tokenFile + $" (keep it secret; rdlic reads <data>/sessionhost/admin.token, else pass {SessionHostConnection.TokenOption})")),
        ];
        if (status is not null) fields.AddRange(StatusFields(status));
        output.Fields(fields);
        if (status is not null) foreach (var warning in status.Warnings) output.Warning("Warning: " + warning);
        output.Line("Press Ctrl+C to stop.");
    }

    private static Command Status(CliContext cli)
    {
        var host = ConnectCommand.HostOption();
        var token = TokenOption();
        var json = Options.Json();
        var command = new Command("status", "Mode and license servers (with their source), version, grace period, sessions, store creation") { host, token, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.StatusAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var s = reply.Value;
            cli.Out.Fields([("Session host", Render.Cell($"{s.Name} ({client.Host})")), .. StatusFields(s)]);
            foreach (var warning in s.Warnings) cli.Out.Warning("Warning: " + warning);
            return 0;
        });
        return command;
    }

    private static List<(string, Text)> StatusFields(SessionHostStatusView s)
    {
        var graceStyle = s.Grace.State == "expired" ? new Style(Color.Red) : s.Grace.State == "active" && s.Grace.DaysLeft <= 14 ? new Style(Color.Yellow) : null;
        return
        [
            ("Licensing mode", Render.Cell(Configured(ModeName(s.Mode.Value), s.Mode.Source))),
            ("License servers", Render.Cell(Configured(s.LicenseServers.Value.Count == 0 ? "none" : string.Join(", ", s.LicenseServers.Value), s.LicenseServers.Source))),
            ("Version", Render.Cell(Configured(Names.Version(s.Version.Value), s.Version.Source))),
            ("Grace period", Render.Cell(GraceText(s.Grace), graceStyle)),
            ("Admin sessions", Render.Cell($"{s.AdministrativeSessionsOpen} of {s.AdministrativeSessionLimit} open")),
            ("Client sessions", Render.Cell($"{s.ClientSessionsOpen} open")),
            ("RDP endpoint", Render.Cell(s.Rdp is not { } rdp ? "not running (rdlic sessionhost run --rdp-port PORT starts one)"
                : $"{rdp.Address}, {rdp.SecurityLayer} security layer; since start: {rdp.NewLicenses} new, {rdp.UpgradedLicenses} upgraded, " +
                  $"{rdp.ValidClients} valid, {rdp.Refused} refused, {rdp.Failed} ended on an error; {rdp.Active} in flight")),
            ("Enrolled with", Render.Cell(s.EnrolledWith.Count == 0 ? "no license server" : string.Join(", ", s.EnrolledWith))),
            ("Store created", Render.Cell($"{Render.Time(s.StoreCreatedAt)} (the grace period never restarts: only a new store has a new one)")),
            ("Clock", s.Clock.Mode == "simulated"
                ? Render.Cell($"SIMULATED, now {Render.Time(s.Clock.Now)} (offset {s.Clock.Offset})", new Style(Color.Red, decoration: Decoration.Bold))
                : Render.Cell($"real, now {Render.Time(s.Clock.Now)}")),
            ("Database", Render.Cell(s.Database)),
        ];
    }

    internal static string GraceText(GraceView g) => g.State switch
    {
        "not-started" => $"not started: {g.DaysLeft} days from the first client connection",
        "expired" => $"EXPIRED on {Render.Date(g.EndsAt)} (0 days left): clients need a CAL",
        _ => $"{g.DaysLeft} day{(g.DaysLeft == 1 ? "" : "s")} left, until {Render.Time(g.EndsAt)} (started {Render.Time(g.StartedAt)})",
    };

    internal static string Configured(string value, string source) => $"{value} ({source})";

    internal static string ModeName(string mode) => mode switch
    {
        "per-device" => "Per Device",
        "per-user" => "Per User",
        _ => "Not configured",
    };

    private static Command ConfigGet(CliContext cli)
    {
        var host = ConnectCommand.HostOption();
        var token = TokenOption();
        var json = Options.Json();
        var command = new Command("get", "The configuration in effect, each value with its source") { host, token, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.ConfigAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            PrintConfig(cli.Out, reply.Value);
            return 0;
        });
        return command;
    }

    private static void PrintConfig(Render output, SessionHostConfigView c)
    {
        output.Fields(
        [
            ("Licensing mode", Render.Cell(Configured(ModeName(c.Mode.Value), c.Mode.Source))),
            ("License servers", Render.Cell(Configured(c.LicenseServers.Value.Count == 0 ? "none" : string.Join(", ", c.LicenseServers.Value), c.LicenseServers.Source))),
            ("Version", Render.Cell(Configured(Names.Version(c.Version.Value), c.Version.Source))),
            ("Administrators", Render.Cell(c.Administrators is { } a ? Configured(a.Value.Count == 0 ? "none (an administrative connection is licensed like any other)" : string.Join(", ", a.Value), a.Source) : "none")),
            ("Policy file", Render.Cell(c.PolicyFileExists ? c.PolicyFile : $"{c.PolicyFile} (none: every value is local or default)")),
        ]);
        foreach (var problem in c.PolicyProblems) output.Warning("Warning: " + problem);
    }

    private static Command ConfigSet(CliContext cli)
    {
        var mode = Options.OneOf("--mode", "The licensing mode: match the CAL type installed on the license servers", "per-device", "per-user", "not-configured");
        var servers = Options.Text("--license-server", "URL[,URL]", "The license servers, in the order they are asked ('none' clears the list)");
        var version = Options.Version("The Windows Server version this session host acts as (default 2022)");
        var administrators = Options.Text("--administrators", "USER[,USER]",
            "The users who may open an administrative session (xfreerdp /admin, rdesktop -0) without a CAL: user, DOMAIN\\user ('none' clears the list)");
        var host = ConnectCommand.HostOption();
        var token = TokenOption();
        var json = Options.Json();
        var command = new Command("set", "Change local settings (refused for a value policy.json sets)") { mode, servers, version, administrators, host, token, json };
        command.SetAction(async (result, ct) =>
        {
            IReadOnlyList<string>? list = null;
            if (result.GetValue(servers) is { } text)
            {
                var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                list = parts is ["none"] || parts.Length == 0 ? [] : LicenseServerUrls.TryNormalizeAll(parts, out var error) ?? throw new UsageException($"--license-server: {error}.");
            }
            IReadOnlyList<string>? admins = null;
            if (result.GetValue(administrators) is { } names)
            {
                var parts = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                admins = parts is ["none"] || parts.Length == 0 ? [] : AdministratorNames.TryNormalize(parts, out var error) ?? throw new UsageException($"--administrators: {error}.");
            }
            if (result.GetValue(mode) is null && list is null && result.GetValue(version) is null && admins is null)
                throw new UsageException("give at least one of --mode, --license-server, --version, --administrators.");
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.SetConfigAsync(new SessionHostConfigUpdate(result.GetValue(mode), list, result.GetValue(version), admins), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            cli.Out.Line("Local settings saved. In effect now:");
            PrintConfig(cli.Out, reply.Value.Config);
            foreach (var warning in reply.Value.Warnings) cli.Out.Warning("Warning: " + warning);
            return 0;
        });
        return command;
    }

    private static Command Enroll(CliContext cli)
    {
        var server = Options.Text("--license-server", "URL", "The license server that enrolled this host", required: true);
        // Its own option: rdlic's global --token is the license server's administrator token, a different credential.
        var hostToken = Options.Text("--host-token", "TOKEN",
            "The session host token 'rdlh_…' that 'rdlic hosts enroll NAME' printed on the license server (not an administrator token)");
        var host = ConnectCommand.HostOption();
        var token = TokenOption();
        var json = Options.Json();
        var command = new Command("enroll", "Store the token a license server issued for this host ('rdlic hosts enroll NAME' there) with --host-token rdlh_…")
        {
            server, hostToken, host, token, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var issued = result.GetValue(hostToken)?.Trim();
            if (string.IsNullOrEmpty(issued) || !issued.StartsWith("rdlh_", StringComparison.Ordinal))
                throw new UsageException("--host-token must be the session host token 'rdlh_…' that 'rdlic hosts enroll NAME' printed on the license server.");
            if (!LicenseServerUrls.TryNormalize(result.GetValue(server), out var url, out var error)) throw new UsageException($"--license-server: {error}.");
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.EnrollAsync(new HostEnrollmentBody(url, issued), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            cli.Out.Line(reply.Value.Message);
            return 0;
        });
        return command;
    }

    private static Command Events(CliContext cli)
    {
        var id = Options.Int("--id", "N", "Only events with this event ID (e.g. 1004, 1069, 1130)", 1, int.MaxValue);
        var level = Options.OneOf("--level", "Only events of this level or worse", "information", "warning", "error");
        var limit = Options.Int("--limit", "N", "At most this many events (default 100)", 1, 10_000);
        var host = ConnectCommand.HostOption();
        var token = TokenOption();
        var json = Options.Json();
        var command = new Command("events", "The session host's event log, newest first") { id, level, limit, host, token, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.EventsAsync(result.GetValue(id), result.GetValue(level), result.GetValue(limit), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No events match."); return 0; }
            var table = Render.Table("Date and Time", "Level", "Event ID", "Event", "Message");
            foreach (var e in reply.Value)
                table.AddRow(Render.Cell(Render.Time(e.At)), Render.Cell(e.Level, e.Level switch { "error" => new Style(Color.Red), "warning" => new Style(Color.Yellow), _ => null }),
                    Render.Number(e.EventId), Render.Cell(e.Name), Render.Cell(e.Message));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Sessions(CliContext cli)
    {
        var host = ConnectCommand.HostOption();
        var token = TokenOption();
        var json = Options.Json();
        var command = new Command("sessions", "Open sessions: user (as the desktop authenticated it), device, CAL, desktop, start, bytes each way; end one with 'rdlic disconnect ID'") { host, token, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.SessionsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No sessions are open."); return 0; }
            var table = Render.Table("Session", "User", "Device", "CAL", "Desktop", "Started", "Signed in", "From client", "To client");
            foreach (var s in reply.Value)
                table.AddRow(Render.Cell(s.Id), Render.Cell(UserOf(s)), Render.Cell(s.ClientName), Render.Cell(s.Cal ?? s.Outcome),
                    Render.Cell(s.Live ? s.Desktop ?? "(this endpoint)" : "- (no open connection)"), Render.Cell(Render.Time(s.StartedAt)), Render.Cell(Names.YesNo(s.SignedIn)),
                    Render.Cell(s.Live ? Bytes(s.BytesFromClient) : "-"), Render.Cell(s.Live ? Bytes(s.BytesToClient) : "-"));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>The account the desktop authenticated when it reported one (the claimed name beside it when they differ), else the claimed name.</summary>
    private static string UserOf(SessionView s) =>
        s.AuthenticatedUser is { } authenticated
            ? string.Equals(authenticated, s.UserName, StringComparison.OrdinalIgnoreCase) || s.UserName is null ? authenticated : $"{authenticated} (claimed {s.UserName})"
            : s.UserName is { } claimed ? $"{claimed} (claimed)" : "-";

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MiB",
    };

    private static Command ClockAdvance(CliContext cli)
    {
        var by = Options.Duration();
        var host = ConnectCommand.HostOption();
        var token = TokenOption();
        var json = Options.Json();
        var command = new Command("advance", "Move the session host's own simulated clock forward (run with --clock simulated)") { by, host, token, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.AdvanceClockAsync(result.GetValue(by)!, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var clock = reply.Value;
            cli.Out.Line($"The session host's simulated clock moved forward by {result.GetValue(by)}: it is now {Render.Time(clock.Now)} (offset {clock.Offset}).");
            return 0;
        });
        return command;
    }
}
