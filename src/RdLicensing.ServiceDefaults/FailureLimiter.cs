namespace RdLicensing.ServiceDefaults;

/// <summary>What one failure left behind: how many failures the key has in its current window, and when the window ends.</summary>
/// <param name="Count">Failures counted in the current window, this one included.</param>
/// <param name="Allowance">Failures allowed per window.</param>
/// <param name="WindowLeft">How long until the window ends and the count starts again.</param>
public readonly record struct FailureTally(int Count, int Allowance, TimeSpan WindowLeft)
{
    /// <summary>This failure was beyond the allowance (the (N+1)th or later).</summary>
    public bool Exceeded => Count > Allowance;

    /// <summary>The allowance is used up: further attempts wait <see cref="WindowLeft"/>.</summary>
    public bool LocksOut => Count >= Allowance;

    /// <summary>This failure used up the allowance: the moment a lock-out begins, reported once per window.</summary>
    public bool JustLockedOut => Count == Allowance;
}

/// <summary>
/// Counts failures per key (a client address, a Product ID, …) in fixed windows that start at a key's first failure,
/// measured by <see cref="TimeProvider"/> — so tests move a clock instead of waiting. Shared by every RdLicensing
/// service: failed authentications (<see cref="FailedAuthenticationLimiter"/>) and the clearinghouse's unrecognized
/// identifiers. Only failures are counted; the caller decides what a lock-out refuses. Memory is bounded: expired
/// windows are dropped, and beyond <see cref="MaxKeys"/> live keys a new key shares one overflow entry, so a flood of
/// distinct keys locks itself out instead of growing the table.
/// </summary>
public sealed class FailureLimiter
{
    public const int MaxKeys = 100_000;
    private const string Overflow = "\0overflow";

    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private DateTimeOffset _nextSweep;

    public FailureLimiter(int failuresPerWindow, TimeSpan window, TimeProvider clock)
    {
        if (failuresPerWindow < 1 || window <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(failuresPerWindow), "A failure limit needs at least 1 failure per window and a positive window.");
        Allowance = failuresPerWindow;
        WindowLength = window;
        _clock = clock;
    }

    public int Allowance { get; }

    public TimeSpan WindowLength { get; }

    /// <summary>Counts one failure of <paramref name="key"/>.</summary>
    public FailureTally RecordFailure(string key)
    {
        var now = _clock.GetUtcNow();
        lock (_windows)
        {
            Sweep(now);
            if (!_windows.TryGetValue(key, out var window) || window.Start + WindowLength <= now)
            {
                if (window is null && _windows.Count >= MaxKeys) return Count(Overflow, now);
                window = new Window(now);
                _windows[key] = window;
            }
            window.Count++;
            return new FailureTally(window.Count, Allowance, window.Start + WindowLength - now);
        }
    }

    /// <summary>How long <paramref name="key"/> is still locked out (its allowance used up in the current window), or null.</summary>
    public TimeSpan? LockedOut(string key)
    {
        var now = _clock.GetUtcNow();
        lock (_windows)
        {
            if (!_windows.TryGetValue(key, out var window) && !(_windows.Count >= MaxKeys && _windows.TryGetValue(Overflow, out window))) return null;
            var left = window.Start + WindowLength - now;
            return window.Count >= Allowance && left > TimeSpan.Zero ? left : null;
        }
    }

    private FailureTally Count(string key, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(key, out var window) || window.Start + WindowLength <= now)
            _windows[key] = window = new Window(now);
        window.Count++;
        return new FailureTally(window.Count, Allowance, window.Start + WindowLength - now);
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep && _windows.Count < MaxKeys) return;
        _nextSweep = now + WindowLength;
        foreach (var (key, window) in _windows)
            if (window.Start + WindowLength <= now) _windows.Remove(key);
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count { get; set; }
    }
}
