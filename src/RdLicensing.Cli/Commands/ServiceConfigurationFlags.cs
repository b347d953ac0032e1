using System.CommandLine;
using RdLicensing.ServiceDefaults.Configuration;

namespace RdLicensing.Cli.Commands;

/// <summary>
/// What `rdlic server run`, `clearinghouse run`, `sessionhost run` and `up` share about configuration: <c>--config FILE</c>,
/// the default file beside the data (&lt;data&gt;/rdlicensing.json), the flags as the top layer, and a bad value as one line
/// (exit code 2). See docs/OPERATIONS.md.
/// </summary>
internal static class ServiceConfigurationFlags
{
    public static Option<string?> ConfigOption() => Options.Text("--config", "FILE",
        $"JSON configuration file (default <data>/{ServiceConfiguration.FileName} when it exists); RDLIC_<Section>__<Key> variables override it and flags override both (docs/OPERATIONS.md)");

    public static ServiceConfiguration Build(CliContext cli, ParseResult result, Option<string?> config, Dictionary<string, string?> defaults,
        IEnumerable<ConfigurationValue> flags) =>
        Configured(() => ServiceConfiguration.Build(result.GetValue(config), Path.Combine(cli.ServicesDataDirectory(result), ServiceConfiguration.FileName), defaults, flags));

    /// <summary>A configuration refused (a bad key, a missing --config file, a malformed file) as one usage line.</summary>
    public static T Configured<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (ConfigurationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>The flag's value as typed (a list flag gives one key per value: Key:0, Key:1…).</summary>
    public static IEnumerable<ConfigurationValue> Flag<T>(ParseResult result, Option<T> option, string key)
    {
        if (result.GetResult(option) is not { Implicit: false } given) return [];
        var tokens = given.Tokens.Select(t => t.Value).ToList();
        if (option.Arity.MaximumNumberOfValues > 1)
            return tokens.Select((value, i) => new ConfigurationValue($"{key}:{i}", option.Name, value));
        return tokens.Count == 0 ? [] : [new ConfigurationValue(key, option.Name, tokens[^1])];
    }
}
