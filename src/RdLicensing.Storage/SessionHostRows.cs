using RdLicensing.Core.Events;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

// Dapper maps the session host's columns onto these by name; the service never sees database types.

internal sealed class HostSessionRow
{
    public const string Columns = "id, administrative, client_name, hardware_id, user_name, outcome, license_server, cal_temporary, cal_validated, " +
                                  "signed_in, started_at, last_activity_at, ended_at, end_reason, authenticated_user";

    public string id { get; set; } = "";
    public long administrative { get; set; }
    public string client_name { get; set; } = "";
    public string? hardware_id { get; set; }
    public string? user_name { get; set; }
    public string outcome { get; set; } = "";
    public string? license_server { get; set; }
    public long cal_temporary { get; set; }
    public long cal_validated { get; set; }
    public long signed_in { get; set; }
    public long started_at { get; set; }
    public long last_activity_at { get; set; }
    public long? ended_at { get; set; }
    public string? end_reason { get; set; }
    public string? authenticated_user { get; set; }

    public HostSessionRecord ToDomain() => new(id, administrative != 0, client_name, hardware_id, user_name, outcome, license_server,
        cal_temporary != 0, cal_validated != 0, signed_in != 0, Times.FromDb(started_at), Times.FromDb(last_activity_at), Times.FromDb(ended_at), end_reason, authenticated_user);
}

internal sealed class LicenseServerKeyRow
{
    public const string Columns = "product_id, url, product_version, public_key, learned_at";

    public string product_id { get; set; } = "";
    public string url { get; set; } = "";
    public long product_version { get; set; }
    public string public_key { get; set; } = "";
    public long learned_at { get; set; }

    public LicenseServerKeyRecord ToDomain() => new(product_id, url, (ProductVersion)product_version, Convert.FromBase64String(public_key), Times.FromDb(learned_at));
}

internal sealed class LicenseServerTokenRow
{
    public string url { get; set; } = "";
    public string token { get; set; } = "";
    public long enrolled_at { get; set; }

    public LicenseServerTokenRecord ToDomain() => new(url, token, Times.FromDb(enrolled_at));
}

internal sealed class SessionHostEventRow
{
    public const string Columns = "seq, at, event_id, level, message, device, user_name, license_server";

    public long seq { get; set; }
    public long at { get; set; }
    public long event_id { get; set; }
    public long level { get; set; }
    public string message { get; set; } = "";
    public string? device { get; set; }
    public string? user_name { get; set; }
    public string? license_server { get; set; }

    public SessionHostEvent ToDomain() => new(seq, Times.FromDb(at), (SessionHostEventId)event_id, (EventLevel)level, message, device, user_name, license_server);
}
