using System.CommandLine;
using System.CommandLine.Parsing;

namespace RdLicensing.Cli;

/// <summary>Turns System.CommandLine's parse errors into the single line rdlic prints (instead of the whole help).</summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var see = $" (see {PathOf(result.CommandResult)} --help)";
        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            if (token.StartsWith('-'))
                return $"unrecognized option '{token}'{Suggestions.DidYouMean(token, OptionNames(result.CommandResult))}{see}";
            var commands = command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name).ToList();
            if (commands.Count > 0 && (command.Action is null || Suggestions.Closest(token, commands) is not null))
                return $"unknown command '{token}'{Suggestions.DidYouMean(token, commands)}{see}";
            return $"unexpected argument '{token}'{see}";
        }

        var error = result.Errors.OrderBy(e => e.SymbolResult is ArgumentResult { Parent: CommandResult } ? 0 : 1).First();
        switch (error.SymbolResult)
        {
            case CommandResult c when c.Command.Subcommands.Count > 0 && c.Command.Action is null:
                return $"{string.Join(' ', PathOf(c).Split(' ').Skip(1))} needs a command: {string.Join(", ", c.Command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name))}{see}";
            case OptionResult { IdentifierToken: null } o:
                return $"{o.Option.Name} {o.Option.HelpName ?? "VALUE"} is required{see}";
            case OptionResult o when o.Tokens.Count == 0:
                return $"{o.Option.Name} needs a value{see}";
            case ArgumentResult { Parent: CommandResult } a when a.Tokens.Count == 0:
                return $"missing {a.Argument.Name}{see}";
            case ArgumentResult { Parent: OptionResult o } when o.Tokens.Count == 0:
                return $"{o.Option.Name} needs a value{see}";
            default:
                return RdlicApp.OneLine(error.Message);
        }
    }

    /// <summary>The options a command takes: its own and those it inherits (--server, --token, --data).</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        var names = new List<string>(result.Command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)));
        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
            names.AddRange(parent.Command.Options.Where(o => o.Recursive && !o.Hidden).Select(o => o.Name));
        return names.Distinct(StringComparer.Ordinal);
    }

    private static string PathOf(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Insert(0, c.Command.Name);
        return string.Join(' ', names);
    }
}
