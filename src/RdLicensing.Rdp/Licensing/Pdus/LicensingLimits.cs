namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// Upper bounds on what a peer may send, far above what real clients and servers use: they keep a lying length
/// field from costing memory and make every oversized field a clear protocol error. Writers enforce them too, so
/// anything this code writes, it also accepts.
/// </summary>
internal static class LicensingLimits
{
    /// <summary>Largest blob payload. The largest in MS-RDPELE section 4 is the 7,037-byte encrypted license of 4.7.</summary>
    public const int MaxBlobDataLength = 16 * 1024;

    /// <summary>Largest encoded name (company, product id, scope, user and machine names), terminator included.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>Most scopes in a ScopeList; Microsoft servers send exactly one (MS-RDPELE note 7).</summary>
    public const int MaxScopeCount = 16;
}
