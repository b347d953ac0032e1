using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>Store records as the wire contract shows them: versions, CAL types and programs by short name.</summary>
public static class Views
{
    public static RetailCodeView ToView(this RetailCodeRecord r) =>
        new(r.Code, r.Version.ToShortName(), r.Type.ToShortName(), r.Quantity, r.UsedByProductId, r.UsedAt);

    public static OpenLicenseView ToView(this OpenLicenseRecord r) =>
        new(r.LicenseNumber, r.AuthorizationNumber, r.Version.ToShortName(), r.Type.ToShortName(), r.Quantity, r.UsedByProductId);

    public static AgreementView ToView(this AgreementRecord r) =>
        new(r.Program.ToShortName(), r.Number,
            r.Entitlements.Select(e => new EntitlementView(e.Version.ToShortName(), e.Type.ToShortName(), e.Quantity, e.Drawn, e.Remaining)).ToList());

    public static ActivationRecordView ToView(this ActivationRecord r) =>
        new(r.ProductId, r.LicenseServerId, r.Method, r.Status, r.Company, r.ActivatedAt, r.ExpiresAt, r.Reason);

    public static InstallRecordView ToView(this InstallRecord r) =>
        new(r.KeyPackId, r.ProductId, r.Program.ToShortName(), r.Identifier, r.Version.ToShortName(), r.Type.ToShortName(), r.Quantity, r.Status, r.InstalledAt);

    public static ConversionRecordView ToView(this ConversionRecord r) =>
        new(r.SourceKeyPackId, r.ConvertedKeyPackId, r.ProductId, r.Version.ToShortName(), r.FromType.ToShortName(), r.ToType.ToShortName(), r.Quantity,
            r.SourceQuantityBefore, r.ConvertedAt);
}
