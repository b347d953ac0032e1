using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// NEW_LICENSE_INFO (MS-RDPELE 2.2.2.6.1), the plaintext inside the EncryptedLicenseInfo of a New or Upgrade License:
/// dwVersion (as in PRODUCT_INFO), the issuer scope (NUL-terminated ANSI), company name and product id (NUL-terminated
/// UTF-16LE), each with a 32-bit byte count including the terminator, then the CAL itself (pbLicenseInfo), opaque to
/// the client, which stores it and presents it back byte for byte.
/// </summary>
public sealed record NewLicenseInfo(uint Version, string Scope, string CompanyName, string ProductId, byte[] LicenseInfo)
{
    public const string StructureName = "NEW_LICENSE_INFO";

    public static NewLicenseInfo Parse(ReadOnlySpan<byte> plaintext)
    {
        var r = new ByteReader(plaintext);
        var version = r.U32Le($"{StructureName} dwVersion");
        var scope = LicensingFields.ReadCountedAnsi(ref r, $"{StructureName} pbScope");
        var company = LicensingFields.ReadCountedUtf16(ref r, $"{StructureName} pbCompanyName");
        var productId = LicensingFields.ReadCountedUtf16(ref r, $"{StructureName} pbProductId");
        var count = r.U32Le($"{StructureName} cbLicenseInfo");
        if (count > LicensingLimits.MaxBlobDataLength)
            throw new RdpProtocolException($"{StructureName}: cbLicenseInfo {count} is over the {LicensingLimits.MaxBlobDataLength}-byte limit.");
        var license = r.Bytes((int)count, $"{StructureName} pbLicenseInfo");
        r.End(StructureName);
        return new NewLicenseInfo(version, scope, company, productId, license);
    }

    public byte[] ToBytes()
    {
        if (LicenseInfo.Length > LicensingLimits.MaxBlobDataLength)
            throw new InvalidOperationException($"{StructureName} pbLicenseInfo: {LicenseInfo.Length} bytes are over the {LicensingLimits.MaxBlobDataLength}-byte limit.");
        var w = new ByteWriter(64 + LicenseInfo.Length);
        w.U32Le(Version);
        LicensingFields.WriteCountedAnsi(w, Scope, $"{StructureName} pbScope");
        LicensingFields.WriteCountedUtf16(w, CompanyName, $"{StructureName} pbCompanyName");
        LicensingFields.WriteCountedUtf16(w, ProductId, $"{StructureName} pbProductId");
        w.U32Le((uint)LicenseInfo.Length).Bytes(LicenseInfo);
        return w.ToArray();
    }
}
