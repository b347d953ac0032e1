using Microsoft.Extensions.DependencyInjection;
using RdLicensing.SessionHost.Diagnostics;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// xrdp's login screen: unless xrdp.ini [Globals] has require_credentials=true, a client whose credentials fail is kept
/// at it (the relay withholds input from it, so it does not respond; RelayTests). The diagnoser reads the xrdp.ini of a
/// desktop on this machine and warns; for a remote desktop it says it cannot check and gives the same advice.
/// </summary>
public sealed class XrdpLoginScreenTests
{
    // The [Globals] of xrdp 0.9.21's packaged xrdp.ini (Debian 12), shortened, as shipped: the option commented out.
    private const string Shipped = """
        [Globals]
        ; xrdp.ini file version number
        ini_version=1

        ; fork a new process for each incoming connection
        fork=true

        ; ports to listen on, number alone means listen on all interfaces
        port=3389

        ; 'port' above should be connected to with vsock instead of tcp
        use_vsock=false

        ; regulate if the listening socket use socket option tcp_nodelay
        tcp_nodelay=true

        ; security layer can be 'tls', 'rdp' or 'negotiate'
        security_layer=negotiate

        ; set minimal TLS protocol version
        ssl_protocols=TLSv1.2, TLSv1.3

        ; Section name to use for automatic login if the client sends username
        ; and password. If empty, the domain name sent by the client is used.
        ; If empty and no domain name is given, the first suitable section in
        ; this file will be used.
        autorun=

        allow_channels=true
        allow_multimon=true
        bitmap_cache=true
        bitmap_compression=true
        bulk_compression=true
        #hidelogwindow=true
        max_bpp=32
        new_cursors=true
        ; fastpath - can be 'input', 'output', 'both', 'none'
        use_fastpath=both
        ; when true, userid/password *must* be passed on cmd line
        #require_credentials=true
        ; when true, the userid will be used to try to authenticate
        #enable_token_login=true

        [Logging]
        LogFile=xrdp.log
        LogLevel=INFO
        EnableSyslog=true

        [Xorg]
        name=Xorg
        lib=libxup.so
        username=ask
        password=ask
        ip=127.0.0.1
        port=-1
        code=20
        """;

    private static string Globals(string line) => Shipped.Replace("#require_credentials=true", line);

    [Fact]
    public void As_shipped_the_option_is_commented_out_so_the_login_screen_is_open()
    {
        var setting = XrdpLoginScreen.RequireCredentials(Shipped);
        Assert.False(setting.Required);
        Assert.Null(setting.Value);
    }

    [Fact]
    public void Missing_or_false_leaves_the_login_screen_open()
    {
        Assert.False(XrdpLoginScreen.RequireCredentials(Shipped.Replace("#require_credentials=true\n", "")).Required);
        Assert.False(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=false")).Required);
        Assert.False(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=no")).Required);
        Assert.False(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=0")).Required);
        Assert.False(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=")).Required);
        Assert.False(XrdpLoginScreen.RequireCredentials(Globals("; require_credentials=true")).Required);
        // Another section's key is not xrdp's setting.
        Assert.False(XrdpLoginScreen.RequireCredentials(Shipped.Replace("code=20", "code=20\nrequire_credentials=true")).Required);
        // The last value wins, as xrdp reads each line in turn.
        Assert.False(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=true\nrequire_credentials=false")).Required);
    }

    [Fact]
    public void True_as_xrdp_reads_it_closes_the_login_screen()
    {
        Assert.True(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=true")).Required);
        Assert.Equal("true", XrdpLoginScreen.RequireCredentials(Globals("require_credentials=true")).Value);
        Assert.True(XrdpLoginScreen.RequireCredentials(Globals("Require_Credentials = YES")).Required);
        Assert.True(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=1")).Required);
        Assert.True(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=on")).Required);
        Assert.True(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=true ; set by the administrator")).Required);
        Assert.True(XrdpLoginScreen.RequireCredentials(Globals("require_credentials=true").Replace("[Globals]", "[globals]").Replace("\n", "\r\n")).Required);
    }

    [Fact]
    public void Loopback_and_local_addresses_are_this_machine_others_are_not()
    {
        Assert.True(XrdpLoginScreen.IsThisMachine("127.0.0.1"));
        Assert.True(XrdpLoginScreen.IsThisMachine("[::1]"));
        Assert.True(XrdpLoginScreen.IsThisMachine("localhost"));
        Assert.True(XrdpLoginScreen.IsThisMachine(Environment.MachineName));
        Assert.False(XrdpLoginScreen.IsThisMachine("192.0.2.10"));
        Assert.False(XrdpLoginScreen.IsThisMachine("desktop.example"));
    }

    [Fact]
    public async Task The_diagnoser_warns_about_a_local_xrdp_whose_login_screen_is_open_and_advises_for_a_remote_one()
    {
        var directory = Directory.CreateTempSubdirectory("rdl-xrdp-");
        var ini = Path.Combine(directory.FullName, "xrdp.ini");
        await File.WriteAllTextAsync(ini, Shipped);
        const string local = "rdp://127.0.0.1:1";
        const string remote = "rdp://192.0.2.10:3389";
        await using var host = await TestSessionHost.StartAsync(null, configure: o => o.XrdpConfigPath = ini,
            services: s => s.AddSingleton(new RdpEndpointOptions { Desktops = [new Uri(local), new Uri(remote)] }));
        try
        {
            var open = await host.DiagnoseAsync();
            var problem = Assert.Single(open.Problems, p => p.Id == XrdpLoginScreen.ProblemId);
            Assert.Equal("warning", problem.Severity);
            Assert.Contains(local, problem.Message);
            Assert.Contains(ini, problem.Message);
            Assert.Contains("require_credentials is not set", problem.Message);
            Assert.Contains("administrative session", problem.Cause);
            Assert.Contains("Per User CAL", problem.Cause);
            Assert.Contains(problem.Steps, s => s.Contains("require_credentials=true") && s.Contains(ini) && s.Contains("[Globals]") && s.Contains("restart xrdp"));
            var desktops = open.Desktops!.ToDictionary(d => d.Desktop);
            Assert.Contains("login screen is open", desktops[local].Message);
            Assert.Contains("cannot be checked from here", desktops[remote].Message);
            Assert.Contains("require_credentials=true", desktops[remote].Message);

            await File.WriteAllTextAsync(ini, Globals("require_credentials=false"));
            Assert.Contains("require_credentials=false", Assert.Single((await host.DiagnoseAsync()).Problems, p => p.Id == XrdpLoginScreen.ProblemId).Message);

            // Positive control: with require_credentials=true there is no warning, and the desktop's line says it is set.
            await File.WriteAllTextAsync(ini, Globals("require_credentials=true"));
            var closed = await host.DiagnoseAsync();
            Assert.DoesNotContain(closed.Problems, p => p.Id == XrdpLoginScreen.ProblemId);
            Assert.Contains("require_credentials=true in " + ini, closed.Desktops!.Single(d => d.Desktop == local).Message);
            Assert.Contains("cannot be checked from here", closed.Desktops!.Single(d => d.Desktop == remote).Message);

            // An xrdp.ini that cannot be read is said so, without a guess.
            File.Delete(ini);
            var unread = await host.DiagnoseAsync();
            Assert.DoesNotContain(unread.Problems, p => p.Id == XrdpLoginScreen.ProblemId);
            Assert.Contains("cannot be read (no such file)", unread.Desktops!.Single(d => d.Desktop == local).Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
