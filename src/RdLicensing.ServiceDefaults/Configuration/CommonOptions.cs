using System.ComponentModel.DataAnnotations;

namespace RdLicensing.ServiceDefaults.Configuration;

/// <summary>Where a service listens: key <c>Urls</c> of its section (flag --urls).</summary>
public sealed class ListenOptions
{
    [Required(ErrorMessage = "give the address(es) to listen on, e.g. http://127.0.0.1:5080")]
    [HttpUrls]
    public string Urls { get; set; } = "";
}

/// <summary>The service's data directory: key <c>DataDirectory</c> of its section (flag --data-dir).</summary>
public sealed class DataDirectoryOptions
{
    [Required(ErrorMessage = "give the directory for the service's database and keys, e.g. /var/lib/rdlicensing/license-server")]
    public string DataDirectory { get; set; } = "";
}

/// <summary>The service's clock: key <c>Clock</c> of its section (flag --clock).</summary>
public sealed class ClockOptions
{
    [AllowedValues("real", "simulated", ErrorMessage = "must be real or simulated (a clock tests and demos move forward)")]
    public string Clock { get; set; } = "real";
}

/// <summary>One or more http:// or https:// addresses separated by ';' (Kestrel's * and + hosts allowed).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HttpUrlsAttribute() : ValidationAttribute(
    "must be http:// or https:// addresses with a port, separated by ';' (e.g. http://127.0.0.1:5080); correct it or remove it")
{
    public bool Single { get; init; }

    public override bool IsValid(object? value)
    {
        if (value is not string text || text.Length == 0) return true; // [Required] says when it must be there
        var entries = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0 || Single && entries.Length > 1) return false;
        return entries.All(e => Uri.TryCreate(e.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0);
    }
}
