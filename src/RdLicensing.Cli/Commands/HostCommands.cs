using System.CommandLine;
using RdLicensing.Cli.Output;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic hosts list|enroll|remove|group add|group remove`: the session hosts allowed to request CALs.</summary>
internal static class HostCommands
{
    public static Command Create(CliContext cli) => new("hosts", "Session hosts enrolled with the license server, and its security group")
    {
        List(cli), Enroll(cli), Remove(cli),
        new Command("group", "The license server security group (Terminal Server Computers)") { Group(cli, add: true), Group(cli, add: false) },
    };

    private static Command List(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("list", "Enrolled session hosts") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.HostsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0)
            {
                cli.Out.Line("No session hosts are enrolled. Enroll one with 'rdlic hosts enroll NAME'.");
                return 0;
            }
            var table = Render.Table("Name", "In security group", "Enrolled", "Last seen");
            foreach (var h in reply.Value)
                table.AddRow(Render.Cell(h.Name), Render.Cell(Names.YesNo(h.InSecurityGroup)), Render.Cell(Render.Time(h.EnrolledAt)), Render.Cell(Render.Time(h.LastSeenAt)));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Enroll(CliContext cli)
    {
        var name = Options.Name("NAME", "The session host's computer name");
        var inGroup = Options.Flag("--in-group", "Also add it to the license server security group");
        var json = Options.Json();
        var command = new Command("enroll", "Enroll a session host (or give an enrolled one a new token) and print its token once") { name, inGroup, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.EnrollAsync(result.GetValue(name)!, result.GetValue(inGroup), ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; } // the token is in it, once, as in the text
            var enrolled = reply.Value;
            var group = enrolled.Host.InSecurityGroup ? "in" : "not in";
            cli.Out.Line(enrolled.NewlyEnrolled
                ? $"Enrolled session host {enrolled.Host.Name} ({group} the license server security group)."
                : $"Session host {enrolled.Host.Name} was already enrolled: it has a new token, the old one no longer works.");
            cli.Out.Line($"Token: {enrolled.Token}");
            cli.Out.Warning("This token is shown only once: configure it on the session host now.");
            return 0;
        });
        return command;
    }

    private static Command Remove(CliContext cli)
    {
        var name = Options.Name("NAME", "The session host's computer name");
        var json = Options.Json();
        var command = new Command("remove", "Remove a session host; its token stops working") { name, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            await client.RemoveHostAsync(result.GetValue(name)!, ct);
            if (result.GetValue(json)) { cli.Out.JsonOf(new { removed = result.GetValue(name) }); return 0; }
            cli.Out.Line($"Removed session host {result.GetValue(name)}; its token no longer works.");
            return 0;
        });
        return command;
    }

    private static Command Group(CliContext cli, bool add)
    {
        var name = Options.Name("NAME", "The session host's computer name");
        var json = Options.Json();
        var command = new Command(add ? "add" : "remove", add ? "Add a session host to the security group" : "Remove a session host from the security group") { name, json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.SetSecurityGroupAsync(result.GetValue(name)!, add, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            var host = reply.Value;
            cli.Out.Line(add ? $"Added {host.Name} to the license server security group." : $"Removed {host.Name} from the license server security group.");
            return 0;
        });
        return command;
    }
}
