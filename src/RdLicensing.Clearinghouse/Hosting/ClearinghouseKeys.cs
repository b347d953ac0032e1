using RdLicensing.Core.Signing;

namespace RdLicensing.Clearinghouse.Hosting;

/// <summary>The clearinghouse's signing key, loaded (or created) once at start by <see cref="ClearinghouseInitializer"/>.</summary>
public sealed class ClearinghouseKeys
{
    private KeyAuthority? _authority;

    public KeyAuthority Authority => _authority ?? throw new InvalidOperationException("The clearinghouse has not finished starting.");

    public ClearinghouseCertificate Certificate => Authority.Certificate;

    internal void Initialize(KeyAuthority authority) => _authority = authority;
}
