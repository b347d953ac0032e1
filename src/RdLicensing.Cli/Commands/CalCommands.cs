using System.CommandLine;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic cals list|revoke|revocable`.</summary>
internal static class CalCommands
{
    private static readonly string[] Statuses = ["temporary", "active", "upgraded", "revoked", "expired"];

    public static Command Create(CliContext cli) => new("cals", "Issued CALs and their revocation")
    {
        List(cli), Revoke(cli), Revocable(cli),
    };

    private static Command List(CliContext cli)
    {
        var type = Options.CalType();
        var status = Options.Checked("--status", string.Join('|', Statuses), "Only CALs in this status",
            s => CalStatuses.TryParse(s, out var parsed) && Statuses.Contains(parsed.ToShortName()) ? parsed.ToShortName() : null,
            $"--status must be {Options.Alternatives(Statuses)}", Statuses);
        var version = Options.Version("Only CALs of this version");
        var user = Options.Text("--user", "USER", "Only CALs issued to this user");
        var device = Options.Text("--device", "DEVICE", "Only CALs of this device (hardware id or client name)");
        var overUsed = Options.Flag("--overused", "Only Per User CALs from the OverUsed pool");
        var page = Options.Int("--page", "N", "Page to show (default 1)", 1, int.MaxValue);
        var pageSize = Options.Int("--page-size", "N", "CALs per page (default 50)", 1, 1000);
        var json = Options.Json();
        var command = new Command("list", "Issued CALs, newest first") { type, status, version, user, device, overUsed, page, pageSize, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.CalsAsync(new Dictionary<string, string?>
            {
                ["type"] = result.GetValue(type),
                ["status"] = result.GetValue(status),
                ["version"] = result.GetValue(version),
                ["user"] = result.GetValue(user),
                ["device"] = result.GetValue(device),
                ["overUsed"] = result.GetValue(overUsed) ? "true" : null,
                ["page"] = result.GetValue(page)?.ToString(),
                ["pageSize"] = result.GetValue(pageSize)?.ToString(),
            }, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            Print(cli.Out, reply.Value);
            return 0;
        });
        return command;
    }

    private static Command Revoke(CliContext cli)
    {
        var id = Options.Id("CAL");
        var json = Options.Json();
        var command = new Command("revoke", "Revoke a permanent Per Device CAL (at most 20% of a version's installed CALs at once)") { id, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.RevokeAsync(result.GetValue(id), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var (cal, revocation) = reply.Value;
            cli.Out.Line($"Revoked the {Names.Version(cal.Version)} Per Device CAL {cal.Id} of {cal.ClientName}" +
                         $"{(cal.HardwareId is null ? "" : $" (hardware id {cal.HardwareId})")}; its license is back in the pool. " +
                         $"{revocation.RevocableNow} more {Names.Version(revocation.Version)} Per Device CAL(s) can be revoked now" +
                         (revocation.RevocableNow == 0 && revocation.NextPossibleAt is { } next ? $"; the next revocation is possible on {Render.Time(next)}." : "."));
            return 0;
        });
        return command;
    }

    private static Command Revocable(CliContext cli)
    {
        var version = Options.Version("Only this version");
        var json = Options.Json();
        var command = new Command("revocable", "How many Per Device CALs of each version can be revoked now") { version, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.RevocationAsync(result.GetValue(version), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0)
            {
                cli.Out.Line("No Per Device CALs are installed, so none can be revoked.");
                return 0;
            }
            var table = Render.Table("Version", "Installed", "Limit (20%)", "Revoked now", "Revocable now", "Next revocation possible");
            foreach (var r in reply.Value)
                table.AddRow(Render.Cell(Names.Version(r.Version)), Render.Number(r.Installed), Render.Number(r.Limit), Render.Number(r.RevokedNow),
                    Render.Number(r.RevocableNow), Render.Cell(r.RevocableNow > 0 ? "now" : Render.Time(r.NextPossibleAt)));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static void Print(Render output, CalPage page)
    {
        if (page.Items.Count == 0)
        {
            output.Line(page.Total == 0 ? "No CALs match." : $"Page {page.Page} is empty: {page.Total} CAL(s) match.");
            return;
        }
        var table = Render.Table("ID", "Type", "Status", "Version", "Client", "Hardware ID", "User", "Session Host", "Issued", "Expires", "Notes");
        foreach (var c in page.Items)
        {
            var notes = new List<string>();
            if (c.OverUsed) notes.Add("OverUsed");
            if (c.Temporary) notes.Add(c.Validated ? "temporary, validated" : "temporary, awaiting sign-in");
            if (c.RevokedAt is { } revoked) notes.Add("revoked " + Render.Date(revoked));
            table.AddRow(Render.Number(c.Id), Render.Cell(Names.Type(c.Type)), Render.Cell(c.Status), Render.Cell(Names.Version(c.Version)),
                Render.Cell(c.ClientName), Render.Cell(c.HardwareId ?? "-"), Render.Cell(c.UserName ?? "-"), Render.Cell(c.HostName),
                Render.Cell(Render.Date(c.IssuedAt)), Render.Cell(Render.Date(c.ExpiresAt)),
                Render.Cell(string.Join("; ", notes), c.OverUsed ? new Style(Color.Red) : null));
        }
        output.Write(table);
        var pages = (int)Math.Max(1, (page.Total + page.PageSize - 1) / page.PageSize);
        output.Line($"Page {page.Page} of {pages}: {page.Items.Count} of {page.Total} CAL(s)" + (page.Page < pages ? $"; next: --page {page.Page + 1}" : "."));
    }
}
