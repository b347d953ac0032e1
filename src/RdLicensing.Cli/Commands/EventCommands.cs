using System.CommandLine;
using RdLicensing.Cli.Output;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic events`: the license server's event log, newest first.</summary>
internal static class EventCommands
{
    private static readonly string[] Levels = ["information", "warning", "error"];

    public static Command Create(CliContext cli)
    {
        var id = Options.Int("--id", "N", "Only events with this event ID (e.g. 4141, 81)", 1, int.MaxValue);
        var level = Options.OneOf("--level", "Only events of this level or worse", Levels);
        var limit = Options.Int("--limit", "N", "At most this many events (default 100)", 1, 10_000);
        var json = Options.Json();
        var command = new Command("events", "The license server's event log, newest first") { id, level, limit, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.EventsAsync(new Dictionary<string, string?>
            {
                ["eventId"] = result.GetValue(id)?.ToString(),
                ["level"] = result.GetValue(level),
                ["limit"] = result.GetValue(limit)?.ToString(),
            }, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0)
            {
                cli.Out.Line("No events match.");
                return 0;
            }
            var table = Render.Table("Date and Time", "Level", "Event ID", "Event", "Message");
            foreach (var e in reply.Value)
                table.AddRow(Render.Cell(Render.Time(e.At)), Render.Cell(e.Level, LevelStyle(e.Level)), Render.Number(e.EventId), Render.Cell(e.Name), Render.Cell(e.Message));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Style? LevelStyle(string level) => level switch
    {
        "error" => new Style(Color.Red),
        "warning" => new Style(Color.Yellow),
        _ => null,
    };
}
