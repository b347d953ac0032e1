using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.ServiceDefaults;

/// <summary>The Data Protection keys a web console's sign-in cookies are protected with, one directory per console.</summary>
public static class CookieKeys
{
    /// <summary>
    /// Keeps the keys in <paramref name="directory"/>, which the caller has made owner-only (OwnerOnlyDirectory), unencrypted:
    /// encrypting them with a secret kept beside them would protect nothing, so the choice is explicit (and Data Protection's
    /// warning about it, printed on every start, goes away). <paramref name="applicationName"/> keeps one console's cookies
    /// from being accepted by another.
    /// </summary>
    public static IServiceCollection AddCookieKeys(this IServiceCollection services, string applicationName, DirectoryInfo directory)
    {
        services.AddDataProtection().SetApplicationName(applicationName).PersistKeysToFileSystem(directory);
        services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new NullXmlEncryptor());
        return services;
    }
}
