using System.CommandLine;
using RdLicensing.Cli;

namespace RdLicensing.Cli.Tests;

/// <summary>The whole command tree, walked: every command that prints a result can print it as JSON.</summary>
public sealed class CommandTreeTests
{
    /// <summary>
    /// Commands that print no result a script would read, each with its reason. `up` and the `run` commands host services
    /// until stopped (their output is a log); `connect` and `disconnect` are an RDP client's session; `bench` commands write
    /// their report to a file (`--out`) and a progress display; `report download` writes the CSV itself.
    /// </summary>
    private static readonly Dictionary<string, string> Exempt = new(StringComparer.Ordinal)
    {
        ["rdlic up"] = "hosts the services until stopped",
        ["rdlic server run"] = "hosts the license server until stopped",
        ["rdlic clearinghouse run"] = "hosts the clearinghouse until stopped",
        ["rdlic sessionhost run"] = "hosts the session host until stopped",
    };

    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string path)
    {
        var visible = command.Subcommands.Where(c => !c.Hidden).ToList();
        if (visible.Count == 0 || command.Action is not null) yield return (path, command);
        foreach (var sub in visible)
            foreach (var leaf in Leaves(sub, path + " " + sub.Name))
                yield return leaf;
    }

    [Fact]
    public void Every_command_that_prints_a_result_has_json()
    {
        var missing = Leaves(RdlicApp.CommandTree(), "rdlic")
            .Where(l => l.Path != "rdlic" && !Exempt.ContainsKey(l.Path))
            .Where(l => !l.Command.Options.Any(o => o.Name == "--json"))
            .Select(l => l.Path)
            .ToList();

        Assert.True(missing.Count == 0, "commands without --json (add Options.Json(), or an exemption with its reason): " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_exemption_names_a_command_that_exists()
    {
        var paths = Leaves(RdlicApp.CommandTree(), "rdlic").Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        Assert.All(Exempt.Keys, path => Assert.Contains(path, paths));
    }
}
