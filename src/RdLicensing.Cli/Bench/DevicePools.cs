using System.Collections.Concurrent;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// The simulated clients, by what their next connection will be: devices holding a temporary CAL (their user signs in,
/// then they are upgraded), devices holding a valid permanent CAL (they present it), devices whose permanent CAL is
/// within 7 days of expiry (renewed), and Per User users. Seeded devices start here; a first connection adds a device
/// to the temporary ones, an upgrade or a renewal moves it to the permanent ones. New names carry the run's tag, so
/// they are new to a server that met earlier runs.
/// </summary>
internal sealed class DevicePools(string runTag)
{
    private readonly ConcurrentQueue<SimulatedDevice> _temporary = new();
    private readonly ConcurrentQueue<SimulatedDevice> _nearExpiry = new();
    private readonly List<SimulatedDevice> _permanent = [];
    private readonly List<string> _users = [];
    private long _newDevices;
    private long _newUsers;

    public int PermanentCount
    {
        get { lock (_permanent) return _permanent.Count; }
    }

    public int TemporaryCount => _temporary.Count;

    public int NearExpiryCount => _nearExpiry.Count;

    public int UserCount
    {
        get { lock (_users) return _users.Count; }
    }

    public SimulatedDevice NewDevice() => new($"run-{runTag}-{Interlocked.Increment(ref _newDevices)}");

    public string NewUser() => $"run-{runTag}-user{Interlocked.Increment(ref _newUsers)}";

    public void AddTemporary(SimulatedDevice device) => _temporary.Enqueue(device);

    public bool TryTakeTemporary(out SimulatedDevice device) => _temporary.TryDequeue(out device!);

    public void AddNearExpiry(SimulatedDevice device) => _nearExpiry.Enqueue(device);

    public bool TryTakeNearExpiry(out SimulatedDevice device) => _nearExpiry.TryDequeue(out device!);

    public void AddPermanent(SimulatedDevice device)
    {
        lock (_permanent) _permanent.Add(device);
    }

    /// <summary>Any device holding a permanent CAL, uniformly: each connects about as often as the others.</summary>
    public SimulatedDevice? AnyPermanent(Random random)
    {
        lock (_permanent) return _permanent.Count == 0 ? null : _permanent[random.Next(_permanent.Count)];
    }

    /// <summary>The devices holding a permanent CAL now, in the order they joined (seeded ones first).</summary>
    public IReadOnlyList<SimulatedDevice> PermanentSnapshot()
    {
        lock (_permanent) return _permanent.ToArray();
    }

    public void AddUser(string user)
    {
        lock (_users) _users.Add(user);
    }

    public string? AnyUser(Random random)
    {
        lock (_users) return _users.Count == 0 ? null : _users[random.Next(_users.Count)];
    }
}
