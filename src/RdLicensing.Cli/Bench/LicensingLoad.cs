using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// One step of the load: an operation drawn from the mix, done as a session host would for one of the simulated
/// clients. An operation whose clients have run out (no device awaiting an upgrade, none near expiry) falls back to the
/// one that makes such clients (a first connection) or to a present, and is counted as what it did.
/// </summary>
/// <param name="hosts">The session hosts the load speaks as: each worker always through the same one.</param>
internal sealed class LicensingLoad(IReadOnlyList<SessionHostCalls> hosts, DevicePools pools, LoadMix mix, string hostVersion, AcknowledgedCalLog? log)
{
    /// <summary>Share of Per User sign-ins by users the server has not met: most sign-ins are by known users.</summary>
    private const double NewUserShare = 0.15;

    public Task StepAsync(LoadWorker worker) => mix.Pick(worker.Random) switch
    {
        LoadOperation.Present => PresentAsync(worker),
        LoadOperation.First => FirstAsync(worker),
        LoadOperation.Upgrade => UpgradeAsync(worker),
        LoadOperation.Renew => RenewAsync(worker),
        _ => PerUserAsync(worker),
    };

    /// <summary>The issue-only phase's step: a new device, a temporary CAL issued (one durable write).</summary>
    public Task FirstOnlyStepAsync(LoadWorker worker) => FirstAsync(worker);

    /// <summary>The present-only phase's step: the next device of the cycle presents its valid permanent CAL.</summary>
    public Task PresentOnlyStepAsync(LoadWorker worker, DeviceCycle cycle) => DeviceRequestAsync(worker, RequestKind.Present, cycle.Next());

    private async Task PresentAsync(LoadWorker worker)
    {
        if (pools.AnyPermanent(worker.Random) is not { } device)
        {
            await FirstAsync(worker);
            return;
        }
        await DeviceRequestAsync(worker, RequestKind.Present, device);
    }

    private async Task FirstAsync(LoadWorker worker)
    {
        var device = pools.NewDevice();
        if (await DeviceRequestAsync(worker, RequestKind.First, device) is { License: not null }) pools.AddTemporary(device);
    }

    /// <summary>The user signed in (the host reports it), then the device connects again with its validated temporary CAL.</summary>
    private async Task UpgradeAsync(LoadWorker worker)
    {
        if (!pools.TryTakeTemporary(out var device))
        {
            await FirstAsync(worker);
            return;
        }
        var started = LoadWorker.Now();
        var signIn = await HostFor(device).ReportSignInAsync(device.HardwareId);
        worker.Record(RequestKind.SignIn, started, signIn.Body is { Validated: true } ? "validated" : "not-validated", signIn.Error, signIn.ConnectionFailed);
        if (signIn.Body?.Cal is { } validated) log?.Write(validated.Id, "device", device.HardwareId, "validated");
        if (signIn.Error is not null)
        {
            if (signIn.ConnectionFailed) pools.AddTemporary(device);
            return;
        }
        var answer = await DeviceRequestAsync(worker, RequestKind.Upgrade, device);
        if (answer?.Outcome == "permanent-issued") pools.AddPermanent(device);
        else if (answer is null || answer.Licensed) pools.AddTemporary(device); // no license left, or no answer: it comes back later
    }

    private async Task RenewAsync(LoadWorker worker)
    {
        if (!pools.TryTakeNearExpiry(out var device))
        {
            await PresentAsync(worker);
            return;
        }
        var answer = await DeviceRequestAsync(worker, RequestKind.Renew, device);
        if (answer is null) pools.AddNearExpiry(device);
        else if (answer.Licensed) pools.AddPermanent(device);
    }

    private async Task PerUserAsync(LoadWorker worker)
    {
        var known = worker.Random.NextDouble() < NewUserShare ? null : pools.AnyUser(worker.Random);
        var user = known ?? pools.NewUser();
        var started = LoadWorker.Now();
        var result = await HostOf(worker).RequestCalAsync(new CalRequestBody("per-user", hostVersion, null, "laptop-" + user, user, null));
        worker.Record(RequestKind.PerUser, started, result.Body?.Outcome, result.Error, result.ConnectionFailed);
        if (result.Body?.Cal is { } cal)
        {
            log?.Write(cal.Id, "user", user, result.Body.Outcome);
            if (known is null) pools.AddUser(user);
        }
    }

    private SessionHostCalls HostOf(LoadWorker worker) => hosts[worker.Index % hosts.Count];

    /// <summary>
    /// A device always connects through the same host, as a kiosk does: only the host that asked for a temporary CAL may report
    /// its sign-in. The host is the one its seeded CAL row names, else picked from the hardware id, so every worker agrees.
    /// </summary>
    private SessionHostCalls HostFor(SimulatedDevice device)
    {
        if (device.Host is { } named) return hosts[named % hosts.Count];
        var hash = 0u;
        foreach (var c in device.HardwareId) hash = hash * 31 + c;
        return hosts[(int)(hash % (uint)hosts.Count)];
    }

    /// <summary>A Per Device CAL request presenting what the device stored; keeps the new token when one comes back.</summary>
    /// <returns>The answer, or null when the request failed.</returns>
    private async Task<CalResponseBody?> DeviceRequestAsync(LoadWorker worker, RequestKind kind, SimulatedDevice device)
    {
        var started = LoadWorker.Now();
        var result = await HostFor(device).RequestCalAsync(new CalRequestBody("per-device", hostVersion, device.HardwareId, device.ClientName, "bench-user", device.License));
        worker.Record(kind, started, result.Body?.Outcome, result.Error, result.ConnectionFailed);
        if (result.Body is not { } answer) return null;
        if (answer.License is { } license) device.License = license;
        if (answer.Cal is { } cal) log?.Write(cal.Id, "device", device.HardwareId, answer.Outcome);
        return answer;
    }
}

/// <summary>
/// The present-only phase's devices, taken in turn: each device presents once per round, as a device connecting once
/// in a while does, never twice at once unless the round is shorter than the connections in flight.
/// </summary>
internal sealed class DeviceCycle(IReadOnlyList<SimulatedDevice> devices)
{
    private long _taken;

    public int Available => devices.Count;

    /// <summary>Presents handed out, the warm-up's and the drain's included.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>Distinct devices that presented: every one of them once the cycle went round.</summary>
    public long Distinct => Math.Min(Taken, devices.Count);

    public SimulatedDevice Next() => devices[(int)((Interlocked.Increment(ref _taken) - 1) % devices.Count)];
}
