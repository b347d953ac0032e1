using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// PRODUCT_INFO (MS-RDPELE 2.2.2.1.1): the license a server asks for. Version holds the OS major version in the
/// high word and minor in the low word (0x00060000 in the spec example); both names are NUL-terminated UTF-16LE
/// with byte counts that include the terminator.
/// </summary>
public sealed record ProductInfo(uint Version, string CompanyName, string ProductId)
{
    internal static ProductInfo Read(ref ByteReader reader, string field)
    {
        var version = reader.U32Le($"{field} dwVersion");
        var company = LicensingFields.ReadCountedUtf16(ref reader, $"{field} pbCompanyName");
        var productId = LicensingFields.ReadCountedUtf16(ref reader, $"{field} pbProductId");
        return new ProductInfo(version, company, productId);
    }

    internal void Write(ByteWriter writer, string field)
    {
        writer.U32Le(Version);
        LicensingFields.WriteCountedUtf16(writer, CompanyName, $"{field} pbCompanyName");
        LicensingFields.WriteCountedUtf16(writer, ProductId, $"{field} pbProductId");
    }
}
