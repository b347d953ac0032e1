using System.CommandLine;
using Microsoft.Extensions.Logging;
using RdLicensing.Cli.Hosting;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Configuration;
using RdLicensing.ServiceDefaults.Configuration;
using RdLicensing.Storage.Postgres;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic server run|status`, and the activation and recovery commands of the server (their own files).</summary>
internal static class ServerCommands
{
    public static Command Create(CliContext cli) => new("server", "Run the license server, show its status, activate it, recover its database")
    {
        Run(cli), Status(cli), ReviewCommand.Create(cli), PropertiesCommands.Create(cli),
        ActivationCommands.Activate(cli), ActivationCommands.Reactivate(cli), ActivationCommands.Deactivate(cli), NewKeyCommand.Create(cli),
        DatabaseCommands.Rebuild(cli), DatabaseCommands.Backup(cli), DatabaseCommands.Restore(cli),
    };

    private static Command Run(CliContext cli)
    {
        var dataDir = Options.Text("--data-dir", "DIR", "Database and admin.token directory (default <data>/license-server, i.e. ./data/license-server)");
        var urls = Options.Text("--urls", "URL", "Where to listen (default http://127.0.0.1:5080)");
        var clearinghouseUrl = Options.Checked("--clearinghouse-url", "URL", "The clearinghouse this server calls for the automatic connection method (activation, Install Licenses, reissue, migration)",
            u => Uri.TryCreate(u.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? u.Trim().TrimEnd('/') : null,
            "--clearinghouse-url must be an http:// or https:// URL");
        var database = Options.Checked("--db", "postgres://…",
            $"A PostgreSQL database that several license server nodes share (postgres://user:password@host:port/database or Host=…;Database=…); default: the SQLite file in --data-dir. {DatabaseVariable} is read when --db is not given, which keeps a password out of the process list",
            PostgresConnectionString.Checked, "--db must be a PostgreSQL address such as postgres://rdlic@127.0.0.1:5432/licensing, or Host=…;Database=…;Username=…");
        var server = new ServerOptions();
        var config = ServiceConfigurationFlags.ConfigOption();
        var command = new Command("run", "Run only the license server, until Ctrl+C") { dataDir, urls, clearinghouseUrl, database, config };
        server.AddTo(command);
        command.SetAction((result, ct) =>
        {
            const string section = LicenseServerConfiguration.Section;
            var databaseVariable = Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } fromEnvironment && result.GetValue(database) is null
                ? new[] { new ConfigurationValue($"{section}:Database", DatabaseVariable, fromEnvironment) } : [];
            var configuration = ServiceConfigurationFlags.Build(cli, result, config, new Dictionary<string, string?>
                {
                    [$"{section}:DataDirectory"] = Path.Combine(cli.ServicesDataDirectory(result), "license-server"),
                    [$"{section}:Urls"] = "http://127.0.0.1:5080",
                },
                [
                    .. ServiceConfigurationFlags.Flag(result, dataDir, $"{section}:DataDirectory"),
                    .. ServiceConfigurationFlags.Flag(result, urls, $"{section}:Urls"),
                    .. ServiceConfigurationFlags.Flag(result, clearinghouseUrl, $"{section}:Clearinghouse:Url"),
                    .. databaseVariable,
                    .. ServiceConfigurationFlags.Flag(result, database, $"{section}:Database"),
                    .. ServiceConfigurationFlags.Flag(result, server.Clock, $"{section}:Clock"),
                    .. ServiceConfigurationFlags.Flag(result, server.Version, $"{section}:Version"),
                    .. ServiceConfigurationFlags.Flag(result, server.ClearinghouseCert, $"{section}:Clearinghouse:Certificate"),
                ]);
            var options = ServiceConfigurationFlags.Configured(() => LicenseServerConfiguration.Load(configuration));
            return ServerRunner.RunAsync(cli.Out, options, LogLevel.Information, "--urls (e.g. --urls http://127.0.0.1:5081)",
                (running, token) => StartupBanner.PrintAsync(cli.Out, options, running, token), ct);
        });
        return command;
    }

    public const string DatabaseVariable = "RDLIC_DB";

    private static Command Status(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("status", "Product ID, activation, CAL pools, OverUsed CALs, clock, policies and warnings") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.StatusAsync(ct);
            if (result.GetValue(json)) cli.Out.Json(reply.Json);
            else Print(cli.Out, reply.Value);
            return 0;
        });
        return command;
    }

    private static void Print(Render output, StatusView status)
    {
        var simulated = status.Clock.Mode == "simulated";
        output.Fields(new List<(string, Text)>
        {
            ("Product ID", Render.Cell(status.ProductId)),
            ("Version", Render.Cell(Names.Version(status.ServerVersion))),
            ("Activation", Activation(status.Activation)),
            ("Clearinghouse", Render.Cell(status.Clearinghouse ?? "none trusted")),
            ("Clock", simulated
                ? Render.Cell($"SIMULATED, now {Render.Time(status.Clock.Now)} (offset {status.Clock.Offset})", new Style(Color.Red, decoration: Decoration.Bold))
                : Render.Cell($"real, now {Render.Time(status.Clock.Now)}")),
            ("Policies", Render.Cell($"license server security group {Names.OnOff(status.Policies.SecurityGroupEnabled)}, prevent license upgrade {Names.OnOff(status.Policies.PreventLicenseUpgrade)}")),
            ("Key packs", Render.Number(status.KeyPacks)),
            ("Session hosts", Render.Number(status.SessionHosts)),
            ("Database", Render.Cell(status.Database)),
        });
        output.Line();
        if (status.Pools.Count == 0) output.Line("No CALs are installed or issued yet.");
        else
        {
            var table = Render.Table("Type", "Version", "Total", "Issued", "Available", "Temporary", "OverUsed", "Revoked");
            foreach (var p in status.Pools)
                table.AddRow(Render.Cell(Names.Type(p.Type)), Render.Cell(Names.Version(p.Version)), Render.Number(p.Total), Render.Number(p.Issued),
                    Render.Number(p.Available), Render.Number(p.Temporary), Render.Cell(p.OverUsed.ToString(), p.OverUsed > 0 ? new Style(Color.Red) : null), Render.Number(p.Revoked));
            output.Write(table);
        }
        if (status.Hosts is { Count: > 0 } hosts)
        {
            output.Line();
            var table = Render.Table("Session host", "Last seen", "Revocation list synced", "Grace period");
            foreach (var h in hosts)
            {
                var sync = h.RevocationsSyncedAt is { } at
                    ? $"{Render.Time(at)}, revocation list {h.RevocationListNumber ?? 0}{(h.RevocationState == "stale" ? " (not synced)" : "")}"
                    : "never";
                var grace = h.GraceStartedAt is { } start ? $"started {Render.Date(start)}, ends {Render.Date(h.GraceEndsAt)}{(h.GraceMovedAt is null ? "" : " (reported moved)")}" : "not reported";
                table.AddRow(Render.Cell(h.Name), Render.Cell(h.LastSeenAt is { } seen ? Render.Time(seen) : "never"),
                    Render.Cell(sync, h.RevocationState == "synced" ? null : new Style(Color.Yellow)), Render.Cell(grace, h.GraceMovedAt is null ? null : new Style(Color.Yellow)));
            }
            output.Write(table);
            output.Line($"Revocation list: number {status.RevocationListNumber}.");
        }
        var overUsed = $"OverUsed Per User CALs: {status.OverUsedPerUserCals}";
        if (status.OverUsedPerUserCals > 0) output.Loud(overUsed);
        else output.Line(overUsed);
        foreach (var warning in status.Warnings) output.Warning("Warning: " + warning);
    }

    private static Text Activation(ActivationView activation) => activation.Status switch
    {
        "activated" => Render.Cell($"activated: License Server ID {activation.LicenseServerId}, expires {Render.Date(activation.ExpiresAt)}", new Style(Color.Green)),
        "expired" => Render.Cell($"EXPIRED on {Render.Date(activation.ExpiresAt)} (License Server ID {activation.LicenseServerId}): reactivate", new Style(Color.Red)),
        "deactivated" => Render.Cell($"deactivated (was License Server ID {activation.LicenseServerId}): no permanent Per Device CALs until reactivated", new Style(Color.Red)),
        _ => Render.Cell("not activated", new Style(Color.Yellow)),
    };
}
