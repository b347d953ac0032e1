using System.CommandLine;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// `rdlic diagnose`: the Remote Desktop Licensing Diagnoser of a session host. The host contacts each of its
/// license servers; problems are printed first, each with its cause and the steps that fix it, then what was found.
/// Exit code 0 whether or not problems were found (use --json to act on them). It is administration: it sends the
/// session host administrator token.
/// </summary>
internal static class DiagnoseCommand
{
    public static Command Create(CliContext cli)
    {
        var host = ConnectCommand.HostOption();
        var token = SessionHostCommands.TokenOption();
        var json = Options.Json();
        var command = new Command("diagnose", "Licensing Diagnoser: find what keeps a session host from licensing its clients, and how to fix it") { host, token, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = SessionHostClient.Administrator(result.GetValue(host), result.GetValue(token), cli.DataDirectory(result));
            var reply = await client.DiagnoseAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            Print(cli.Out, reply.Value);
            return 0;
        });
        return command;
    }

    private static void Print(Render output, DiagnosisView d)
    {
        output.Line($"Remote Desktop Licensing Diagnoser: session host {d.HostName}, {Render.Time(d.At)}");
        if (d.Problems.Count == 0) output.Line(d.Summary, new Style(Color.Green));
        else output.Loud(d.Summary);
        output.Line();

        var number = 0;
        foreach (var p in d.Problems)
        {
            output.Line($"{++number}. [{p.Severity}] {p.Message}", p.Severity == "error" ? new Style(Color.Red) : new Style(Color.Yellow));
            output.Line($"   Cause: {p.Cause}");
            output.Line("   To fix:");
            foreach (var step in p.Steps) output.Line($"   - {step}");
            output.Line();
        }

        output.Line("Session host");
        output.Fields(
        [
            ("  Licensing mode", Render.Cell(SessionHostCommands.Configured(SessionHostCommands.ModeName(d.Mode.Value), d.Mode.Source))),
            ("  License servers", Render.Cell(SessionHostCommands.Configured(d.LicenseServers.Value.Count == 0 ? "none" : string.Join(", ", d.LicenseServers.Value), d.LicenseServers.Source))),
            ("  Version", Render.Cell(SessionHostCommands.Configured(Names.Version(d.Version.Value), d.Version.Source))),
            ("  Grace period", Render.Cell(SessionHostCommands.GraceText(d.Grace))),
        ]);
        if (d.Desktops is { Count: > 0 } desktops)
        {
            output.Line();
            output.Line("Desktops behind the RDP endpoint");
            var checks = Render.Table("Desktop", "Result", "Details");
            foreach (var desktop in desktops)
                checks.AddRow(Render.Cell(desktop.Desktop), Render.Cell(desktop.State, desktop.State == "ready" ? new Style(Color.Green) : new Style(Color.Red)), Render.Cell(desktop.Message));
            output.Write(checks);
        }
        if (d.Servers.Count == 0) return;
        output.Line();
        output.Line("License servers");
        var table = Render.Table("Server", "Result", "Product ID", "Version", "Activation", "CALs (available of total)", "Security group");
        foreach (var s in d.Servers)
        {
            var x = s.Details;
            table.AddRow(
                Render.Cell(s.Url),
                Render.Cell(s.Connectivity, s.Connectivity == "VALID" ? new Style(Color.Green) : new Style(Color.Red)),
                Render.Cell(x?.ProductId ?? "-"),
                Render.Cell(x is null ? "-" : Names.Version(x.Version)),
                Render.Cell(x is null ? s.Message : x.Activation.Status == "activated" ? $"activated, expires {Render.Date(x.Activation.ExpiresAt)}" : x.Activation.Status),
                Render.Cell(x is null ? "-" : x.Pools.Count == 0 ? "none installed"
                    : string.Join("; ", x.Pools.Select(p => $"{Names.Type(p.Type)} {p.Version}: {p.Available} of {p.Total}"))
                      + (x.TemporaryCalsExpiring.Count > 0 ? $"; {x.TemporaryCalsExpiring.Count} temporary expiring by {Render.Date(x.TemporaryCalsExpiring.Cals.LastOrDefault()?.ExpiresAt)}" : "")),
                Render.Cell(x is null ? "-" : !x.Policies.SecurityGroupEnabled ? "policy off" : x.HostInSecurityGroup ? "member" : "NOT a member"));
        }
        output.Write(table);
    }
}
