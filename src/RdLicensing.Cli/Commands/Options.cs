using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// Options and arguments whose values are checked while parsing, so a wrong value is one line and exit code 2
/// before anything is sent to the server.
/// </summary>
internal static class Options
{
    public static readonly string VersionList = string.Join(", ", ProductVersions.All.Select(v => v.ToShortName()));

    public static Option<bool> Json() => new("--json") { Description = "Print the server's JSON answer (indented) and nothing else" };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<string?> Text(string name, string helpName, string description, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    /// <summary>An option whose value <paramref name="normalise"/> turns into its canonical form, or null when invalid.</summary>
    /// <param name="choices">The values a mistyped one is compared with, for "did you mean".</param>
    public static Option<string?> Checked(string name, string helpName, string description, Func<string, string?> normalise, string error,
        IReadOnlyList<string>? choices = null) =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => Normalise(result, normalise, error, choices),
        };

    public static Option<string?> CalType() => Checked("--type", "per-device|per-user", "Only CALs of this type",
        t => CalTypes.TryParse(t, out var type) ? type.ToShortName() : null, "--type must be per-device or per-user", ["per-device", "per-user"]);

    public static Option<string?> Version(string description) => Checked("--version", "VERSION", $"{description}; one of {VersionList}",
        v => ProductVersions.TryParse(v, out var version) ? version.ToShortName() : null, $"--version must be one of {VersionList}",
        ProductVersions.All.Select(v => v.ToShortName()).ToList());

    public static Option<string?> OneOf(string name, string description, params string[] values) =>
        Checked(name, string.Join('|', values), description,
            v => values.FirstOrDefault(x => string.Equals(x, v.Trim(), StringComparison.OrdinalIgnoreCase)),
            $"{name} must be {Alternatives(values)}", values);

    public static Option<int?> Int(string name, string helpName, string description, int min, int max) =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                if (Single(result) is not { } text) return null;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
                result.AddError(max == int.MaxValue ? $"{name} must be a whole number from {min} up" : $"{name} must be a whole number from {min} to {max}");
                return null;
            },
        };

    /// <summary>`--desktop rdp://HOST:PORT`, repeatable: the desktops the RDP endpoint relays licensed connections to.</summary>
    public static Option<List<Uri>> Desktops() =>
        new("--desktop")
        {
            Description = "Relay licensed RDP connections to this desktop (an RDP server such as xrdp): rdp://HOST:PORT; repeat it for several (new sessions go to the least busy, a user's reconnection to the desktop holding their session)",
            HelpName = "rdp://HOST:PORT",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                var desktops = new List<Uri>();
                foreach (var token in result.Tokens)
                {
                    if (RdLicensing.SessionHost.Rdp.DesktopAddress.TryParse(token.Value, out var address, out var error)) desktops.Add(address!);
                    else
                    {
                        result.AddError(error!);
                        break;
                    }
                }
                return desktops;
            },
        };

    public static Option<string?> OnOff(string name, string description) =>
        Checked(name, "on|off", description, v => v.Trim().ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => "on",
            "off" or "false" or "no" => "off",
            _ => null,
        }, $"{name} must be on or off");

    /// <summary>A file that must exist (checked while parsing: a missing file is a usage error).</summary>
    public static Option<string> ExistingFile(string name, string description, bool required = true)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "FILE", Required = required };
        option.Validators.Add(result =>
        {
            if (Single(result) is { } path && !File.Exists(path))
                result.AddError(Directory.Exists(path) ? $"{name}: '{path}' is a directory, not a file" : $"{name}: file '{path}' does not exist");
        });
        return option;
    }

    public static Argument<long> Id(string what) =>
        new("ID")
        {
            Description = $"The {what} id",
            CustomParser = result =>
            {
                if (Single(result) is not { } text) return 0;
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) return id;
                return Error<long>(result, $"ID must be a {what} id number, not '{text}'");
            },
        };

    public static Argument<string> Name(string name, string description) => new(name) { Description = description };

    public static Argument<string> Duration() =>
        new("DURATION")
        {
            Description = "How far to move the clock: 91d, 2w, 12h, 30m or combined like 1d12h",
            CustomParser = result =>
            {
                var text = Single(result) ?? "";
                if (DurationText.TryParse(text, out var duration) && duration <= TimeSpan.FromDays(3650)) return text.Trim().ToLowerInvariant();
                return Error<string>(result, $"DURATION must be like 91d, 2w, 12h or 1d12h (at most 3650d), not '{text}'");
            },
        };

    public static string Alternatives(IReadOnlyList<string> values) =>
        values.Count <= 2 ? string.Join(" or ", values) : "one of " + string.Join(", ", values);

    private static string? Normalise(ArgumentResult result, Func<string, string?> normalise, string error, IReadOnlyList<string>? choices) =>
        Single(result) is not { } text ? null
            : normalise(text) ?? Error<string?>(result, choices is null ? error : error + Suggestions.DidYouMean(text, choices));

    private static string? Single(SymbolResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;

    private static T Error<T>(SymbolResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
