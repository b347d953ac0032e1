namespace RdLicensing.Clearinghouse;

/// <summary>How one clearinghouse runs; `rdlic clearinghouse run`, `rdlic up` and the tests fill it.</summary>
public sealed class ClearinghouseOptions
{
    /// <summary>Holds the database (clearinghouse.db), the exported certificate (clearinghouse.pem) and admin.token.</summary>
    public string DataDirectory { get; set; } = "data/clearinghouse";

    public string Urls { get; set; } = "http://127.0.0.1:5081";

    /// <summary>How long a License Server ID is valid; the license server reactivates before then.</summary>
    public TimeSpan LicenseServerIdValidity { get; set; } = TimeSpan.FromDays(730);

    public string DatabasePath => Path.Combine(DataDirectory, "clearinghouse.db");

    /// <summary>The root certificate license servers trust (--clearinghouse-cert), rewritten at every start.</summary>
    public string CertificatePath => Path.Combine(DataDirectory, "clearinghouse.pem");

    public string AdminTokenPath => Path.Combine(DataDirectory, "admin.token");
}
