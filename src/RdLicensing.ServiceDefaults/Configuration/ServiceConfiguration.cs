using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace RdLicensing.ServiceDefaults.Configuration;

/// <summary>A configuration value that cannot be used: the message is one line naming the key where it was set and what to do.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

/// <summary>A value given on the command line (or by an older environment variable such as RDLIC_DB): its key and who set it.</summary>
/// <param name="Origin">How the user set it, e.g. "--urls" or "RDLIC_DB".</param>
public sealed record ConfigurationValue(string Key, string Origin, string? Value);

/// <summary>
/// One service's configuration, layered lowest first: defaults, the JSON file (<c>--config FILE</c>, default
/// <see cref="FileName"/> in the data directory), environment variables <c>RDLIC_Section__Key</c> (those with "__"
/// only, so RDLIC_SERVER, RDLIC_TOKEN and RDLIC_DB keep their own meaning), then the command line's flags. Each area's
/// options class is bound from its section with <see cref="AddValidatedOptions{T}"/> (data annotations and
/// <see cref="IValidatableObject"/>, ValidateOnStart); a bad value is refused before the service starts, in one line naming
/// the key as the user set it (the flag, the variable, or the key in the file).
/// </summary>
public sealed partial class ServiceConfiguration
{
    public const string FileName = "rdlicensing.json";

    public const string EnvironmentPrefix = "RDLIC_";

    private readonly JsonConfigurationProvider? _file;
    private readonly PrefixedEnvironmentProvider _environment;
    private readonly MemoryConfigurationProvider _flags;
    private readonly IReadOnlyDictionary<string, string> _flagOrigins;

    private ServiceConfiguration(IConfigurationRoot root, string filePath, IReadOnlyDictionary<string, string> flagOrigins)
    {
        Root = root;
        FilePath = filePath;
        _file = root.Providers.OfType<JsonConfigurationProvider>().SingleOrDefault();
        _environment = root.Providers.OfType<PrefixedEnvironmentProvider>().Single();
        _flags = root.Providers.OfType<MemoryConfigurationProvider>().Last();
        _flagOrigins = flagOrigins;
    }

    public IConfigurationRoot Root { get; }

    /// <summary>The JSON file read (it may not exist: then only the other layers count).</summary>
    public string FilePath { get; }

    /// <param name="explicitFile">The file of <c>--config</c>: it must exist.</param>
    /// <param name="defaultFile">Read when there, when <paramref name="explicitFile"/> is not given.</param>
    /// <param name="environment">The environment variables (null: this process's).</param>
    public static ServiceConfiguration Build(string? explicitFile, string defaultFile, IReadOnlyDictionary<string, string?> defaults,
        IEnumerable<ConfigurationValue> flags, IDictionary? environment = null)
    {
        var path = Path.GetFullPath(explicitFile ?? defaultFile);
        if (explicitFile is not null && !File.Exists(path))
            throw new ConfigurationException($"--config {explicitFile}: no such file; give the path of a JSON configuration file (see docs/OPERATIONS.md), or leave --config out to use {Path.GetFullPath(defaultFile)} when it exists.");
        var given = flags.Where(f => f.Value is not null).ToList();
        var builder = new ConfigurationBuilder()
            .Add(new MemoryConfigurationSource { InitialData = defaults });
        if (File.Exists(path))
            builder.Add(new JsonConfigurationSource
            {
                Path = Path.GetFileName(path), Optional = true, ReloadOnChange = false,
                FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!),
            });
        builder.Add(new PrefixedEnvironmentSource(environment ?? Environment.GetEnvironmentVariables()));
        builder.Add(new MemoryConfigurationSource { InitialData = given.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)) });
        try
        {
            return new ServiceConfiguration(builder.Build(), path, given.ToDictionary(f => f.Key, f => f.Origin, StringComparer.OrdinalIgnoreCase));
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException($"{path} is not valid JSON ({(e.InnerException ?? e).Message.TrimEnd('.')}); correct it, or move it away to use the defaults.");
        }
    }

    /// <summary>Where <paramref name="key"/>'s value comes from, as the user would name it: the flag, the variable, the key in the file.</summary>
    public string Describe(string key)
    {
        if (Root[key] is null && Root.GetSection(key).GetChildren().Any()) key = FirstLeaf(key);
        if (_flags.TryGet(key, out _) && _flagOrigins.TryGetValue(key, out var flag)) return flag;
        if (_environment.TryGet(key, out _)) return $"{_environment.VariableOf(key)} (environment)";
        if (_file is not null && _file.TryGet(key, out _)) return $"{key} in {FilePath}";
        return $"{key} (default)";
    }

    /// <summary>A list's first element (e.g. Rdp:Desktops:0): who set the list.</summary>
    private string FirstLeaf(string key) =>
        Root.GetSection(key).GetChildren().FirstOrDefault() is { } child ? FirstLeaf(child.Path) : key;

    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/>, validated by its data annotations (and
    /// <see cref="IValidatableObject"/>) when the host starts — or at once with <see cref="Validate"/>.
    /// </summary>
    public void AddValidatedOptions<T>(IServiceCollection services, string section) where T : class
    {
        services.AddOptions<T>().Bind(Root.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new AnnotatedOptionsValidator<T>(this, section));
    }

    /// <summary>
    /// Runs every ValidateOnStart check of <paramref name="register"/>'s options now, before any service is built, and
    /// returns them: a bad value (or one that does not convert, e.g. a port that is not a number) becomes one
    /// <see cref="ConfigurationException"/> line.
    /// </summary>
    public IServiceProvider Validate(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            throw new ConfigurationException(e.Failures.First());
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OptionsValidationException))
        {
            throw new ConfigurationException(((OptionsValidationException)e.InnerExceptions[0]).Failures.First());
        }
        catch (InvalidOperationException e) when (NotConverted().Match(e.Message) is { Success: true } m)
        {
            throw new ConfigurationException($"{Describe(m.Groups["key"].Value)}: {(m.Groups["value"].Success ? $"'{m.Groups["value"].Value}' is" : "must be")} not a {Friendly(m.Groups["type"].Value)}; correct it or remove it.".Replace("must be not a", "must be a"));
        }
        return provider;
    }

    private static string Friendly(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "whole number",
        "System.TimeSpan" => "duration (hh:mm:ss)",
        "System.Boolean" => "true or false",
        _ => type,
    };

    [GeneratedRegex(@"Failed to convert configuration value (?:'(?<value>[^']*)' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex NotConverted();

    private sealed class AnnotatedOptionsValidator<T>(ServiceConfiguration configuration, string section) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
                return ValidateOptionsResult.Success;
            return ValidateOptionsResult.Fail(results.Select(r =>
                $"{configuration.Describe($"{section}:{r.MemberNames.FirstOrDefault() ?? ""}")}: {r.ErrorMessage}"));
        }
    }

    private sealed class PrefixedEnvironmentSource(IDictionary variables) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new PrefixedEnvironmentProvider(variables);
    }

    /// <summary>RDLIC_Section__Key=value → Section:Key (names with "__" only), remembering each variable's name.</summary>
    private sealed class PrefixedEnvironmentProvider(IDictionary variables) : ConfigurationProvider
    {
        private readonly Dictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);

        public override void Load()
        {
            foreach (DictionaryEntry entry in variables)
            {
                if (entry.Key is not string name || !name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || !name.Contains("__")) continue;
                var key = name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter);
                Data[key] = entry.Value as string;
                _names[key] = name;
            }
        }

        public string VariableOf(string key) => _names.GetValueOrDefault(key, key);
    }
}
