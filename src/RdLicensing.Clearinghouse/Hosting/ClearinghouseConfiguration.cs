using Microsoft.Extensions.Options;
using RdLicensing.ServiceDefaults.Configuration;

namespace RdLicensing.Clearinghouse.Hosting;

/// <summary>The clearinghouse's configuration (docs/OPERATIONS.md): section <c>Clearinghouse</c>, keys <c>Urls</c> and <c>DataDirectory</c>.</summary>
public static class ClearinghouseConfiguration
{
    public const string Section = "Clearinghouse";

    public static void AddClearinghouseOptions(this IServiceCollection services, ServiceConfiguration configuration)
    {
        configuration.AddValidatedOptions<ListenOptions>(services, Section);
        configuration.AddValidatedOptions<DataDirectoryOptions>(services, Section);
    }

    /// <summary>Validates every value (one <see cref="ConfigurationException"/> line for the first bad one) and returns the clearinghouse's options.</summary>
    public static ClearinghouseOptions Load(ServiceConfiguration configuration)
    {
        var options = configuration.Validate(s => s.AddClearinghouseOptions(configuration));
        return new ClearinghouseOptions
        {
            Urls = options.GetRequiredService<IOptions<ListenOptions>>().Value.Urls,
            DataDirectory = Path.GetFullPath(options.GetRequiredService<IOptions<DataDirectoryOptions>>().Value.DataDirectory),
            Configuration = configuration,
        };
    }
}
