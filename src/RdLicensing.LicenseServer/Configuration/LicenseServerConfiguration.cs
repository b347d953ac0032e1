using System.ComponentModel.DataAnnotations;
using RdLicensing.Core.Versions;
using RdLicensing.ServiceDefaults.Configuration;
using RdLicensing.Storage.Postgres;

namespace RdLicensing.LicenseServer.Configuration;

/// <summary>The license server's database: key <c>LicenseServer:Database</c> (flag --db, or RDLIC_DB); empty for SQLite in the data directory.</summary>
public sealed class LicenseServerDatabaseOptions : IValidatableObject
{
    public string? Database { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Database) && PostgresConnectionString.Checked(Database) is null)
            yield return new ValidationResult("must be a PostgreSQL address such as postgres://rdlic@127.0.0.1:5432/licensing (or Host=…;Database=…), or empty for SQLite in the data directory",
                [nameof(Database)]);
    }
}

/// <summary>The Windows Server version the server acts as: key <c>LicenseServer:Version</c> (flag --version).</summary>
public sealed class LicenseServerVersionOptions : IValidatableObject
{
    public string? Version { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Version) && !ProductVersions.TryParse(Version, out _))
            yield return new ValidationResult($"must be one of {string.Join(", ", ProductVersions.All.Select(v => v.ToShortName()))}", [nameof(Version)]);
    }
}

/// <summary>
/// The clearinghouse the server trusts and calls: section <c>LicenseServer:Clearinghouse</c>, keys <c>Url</c>
/// (flag --clearinghouse-url) and <c>Certificate</c> (flag --clearinghouse-cert, a PEM file).
/// </summary>
public sealed class ClearinghouseLinkOptions : IValidatableObject
{
    [HttpUrls(Single = true, ErrorMessage = "must be the clearinghouse's http:// or https:// address, e.g. http://127.0.0.1:5081")]
    public string? Url { get; set; }

    public string? Certificate { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Certificate) && !File.Exists(Certificate))
            yield return new ValidationResult($"{Path.GetFullPath(Certificate)} does not exist: give the clearinghouse's PEM certificate (clearinghouse.pem in its data directory)",
                [nameof(Certificate)]);
    }
}

/// <summary>
/// The license server's configuration (docs/OPERATIONS.md): section <c>LicenseServer</c> of the file, RDLIC_LicenseServer__…
/// variables and the flags of `rdlic server run`, bound to small options classes and validated before the server starts.
/// </summary>
public static class LicenseServerConfiguration
{
    public const string Section = "LicenseServer";

    public static void AddLicenseServerOptions(this IServiceCollection services, ServiceConfiguration configuration)
    {
        configuration.AddValidatedOptions<ListenOptions>(services, Section);
        configuration.AddValidatedOptions<DataDirectoryOptions>(services, Section);
        configuration.AddValidatedOptions<ClockOptions>(services, Section);
        configuration.AddValidatedOptions<LicenseServerDatabaseOptions>(services, Section);
        configuration.AddValidatedOptions<LicenseServerVersionOptions>(services, Section);
        configuration.AddValidatedOptions<ClearinghouseLinkOptions>(services, Section + ":Clearinghouse");
        configuration.AddValidatedOptions<RateLimitOptions>(services, Section + ":RateLimits");
    }

    /// <summary>Validates every value (one <see cref="ConfigurationException"/> line for the first bad one) and returns the server's options.</summary>
    public static LicenseServerOptions Load(ServiceConfiguration configuration)
    {
        var options = configuration.Validate(s => s.AddLicenseServerOptions(configuration));
        T Get<T>() where T : class => options.GetRequiredService<Microsoft.Extensions.Options.IOptions<T>>().Value;
        var link = Get<ClearinghouseLinkOptions>();
        return new LicenseServerOptions
        {
            Urls = Get<ListenOptions>().Urls,
            DataDirectory = Path.GetFullPath(Get<DataDirectoryOptions>().DataDirectory),
            Clock = Get<ClockOptions>().Clock == "simulated" ? ClockMode.Simulated : ClockMode.Real,
            Database = Get<LicenseServerDatabaseOptions>().Database is { Length: > 0 } db ? PostgresConnectionString.Checked(db) : null,
            ProductVersion = Get<LicenseServerVersionOptions>().Version is { Length: > 0 } v ? ProductVersions.Parse(v) : ProductVersions.Latest,
            ClearinghouseUrl = link.Url is { Length: > 0 } url ? url.Trim().TrimEnd('/') : null,
            ClearinghouseCertificatePath = link.Certificate is { Length: > 0 } cert ? Path.GetFullPath(cert) : null,
            RateLimits = Get<RateLimitOptions>(),
            Configuration = configuration,
        };
    }
}
