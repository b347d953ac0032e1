using System.CommandLine;
using RdLicensing.Cli.Client;
using RdLicensing.Cli.Output;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic report create|list|download|delete`.</summary>
internal static class ReportCommands
{
    public const string CalUsage = "cal-usage";

    public static Command Create(CliContext cli) => new("report", "CAL Usage reports")
    {
        CreateReport(cli), List(cli), Download(cli), Delete(cli),
    };

    private static Command CreateReport(CliContext cli)
    {
        var type = Options.OneOf("--type", "Report type (default cal-usage)", CalUsage);
        var output = Options.Text("--out", "FILE.csv", "Also download the report as CSV into this file");
        var json = Options.Json();
        var command = new Command("create", "Create a CAL Usage report") { type, output, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.CreateReportAsync(result.GetValue(type) ?? CalUsage, ct);
            var report = reply.Value;
            string? saved = null;
            if (result.GetValue(output) is { } file) saved = await SaveAsync(client, report.Id, file, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            cli.Out.Line($"Created CAL Usage report {report.Id}: {report.Summary}.");
            if (saved is not null) cli.Out.Line($"Saved it as {saved}.");
            return 0;
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("list", "Saved reports") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.ReportsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0)
            {
                cli.Out.Line("No reports. Create one with 'rdlic report create'.");
                return 0;
            }
            var table = Render.Table("Report ID", "Type", "Created", "Scope", "Summary");
            foreach (var r in reply.Value)
                table.AddRow(Render.Cell(r.Id), Render.Cell(r.Type), Render.Cell(Render.Time(r.CreatedAt)), Render.Cell(r.Scope), Render.Cell(r.Summary));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Download(CliContext cli)
    {
        var id = Options.Name("ID", "The report id (see rdlic report list)");
        var output = Options.Text("--out", "FILE.csv", "Where to write the CSV", required: true);
        var json = Options.Json();
        var command = new Command("download", "Download a report as CSV") { id, output, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var saved = await SaveAsync(client, result.GetValue(id)!, result.GetValue(output)!, ct);
            if (result.GetValue(json)) { cli.Out.JsonOf(new { report = result.GetValue(id), file = saved, bytes = new FileInfo(saved).Length }); return 0; }
            cli.Out.Line($"Saved report {result.GetValue(id)} as {saved}.");
            return 0;
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = Options.Name("ID", "The report id (see rdlic report list)");
        var json = Options.Json();
        var command = new Command("delete", "Delete a saved report") { id, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            await client.DeleteReportAsync(result.GetValue(id)!, ct);
            if (result.GetValue(json)) { cli.Out.JsonOf(new { deleted = result.GetValue(id) }); return 0; }
            cli.Out.Line($"Deleted report {result.GetValue(id)}.");
            return 0;
        });
        return command;
    }

    private static async Task<string> SaveAsync(LicenseServerClient client, string id, string file, CancellationToken ct)
    {
        var csv = await client.ReportCsvAsync(id, ct);
        var path = Path.GetFullPath(file);
        try
        {
            // Owner-only (0600), like every file holding the server's data: the report names devices and users.
            var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                if (File.Exists(path)) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            await using (var stream = new FileStream(path, create)) await stream.WriteAsync(csv, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write {path}: {e.Message}");
        }
        return path;
    }
}
