using System.Security.Cryptography;
using System.Text;
using RdLicensing.Core.Protocol;

namespace RdLicensing.SessionHost.Tests.Support;

/// <summary>A client device: keeps the CAL it is given and presents it at every connection, like `rdlic connect`.</summary>
public sealed class Device(string name, string user = "alice")
{
    public string Name { get; } = name;
    public string? License { get; private set; }

    public static string HardwareIdOf(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>Connects, stores a new CAL, completes the sign-in (unless told not to) and disconnects.</summary>
    public async Task<ConnectionView> ConnectAsync(TestSessionHost host, bool signIn = true)
    {
        var connection = await host.ConnectAsync(Name, user, License);
        if (connection.License is not null) License = connection.License;
        if (connection is { Allowed: true, SessionId: { } id })
        {
            if (signIn) await host.SignInAsync(id);
            await host.EndAsync(id);
        }
        return connection;
    }

    /// <summary>What the device would present if it had tampered with its CAL.</summary>
    public void Tamper()
    {
        var bytes = Convert.FromBase64String(License!);
        bytes[^10] ^= 0x55;
        License = Convert.ToBase64String(bytes);
    }
}
