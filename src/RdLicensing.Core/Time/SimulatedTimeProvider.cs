namespace RdLicensing.Core.Time;

/// <summary>
/// A clock that runs with real time from a chosen offset and can be moved forward, so tests and demos
/// can travel 90 or 120 days. Only enabled explicitly; every UI says when it is in use.
/// </summary>
public sealed class SimulatedTimeProvider(TimeProvider real, TimeSpan initialOffset = default) : TimeProvider
{
    private long _offsetTicks = initialOffset.Ticks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => real.GetUtcNow() + Offset;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "The simulated clock only moves forward.");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}

/// <summary>Parses durations people type: "91d", "12h", "30m", "2w", "1d12h".</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var span = text.Trim().ToLowerInvariant().AsSpan();
        var total = TimeSpan.Zero;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && char.IsAsciiDigit(span[digits])) digits++;
            if (digits == 0 || digits == span.Length || digits > 6) return false;
            var number = int.Parse(span[..digits]);
            TimeSpan unit = span[digits] switch
            {
                'w' => TimeSpan.FromDays(7),
                'd' => TimeSpan.FromDays(1),
                'h' => TimeSpan.FromHours(1),
                'm' => TimeSpan.FromMinutes(1),
                's' => TimeSpan.FromSeconds(1),
                _ => TimeSpan.MinValue,
            };
            if (unit == TimeSpan.MinValue) return false;
            if (number > 0 && unit.Ticks > (TimeSpan.MaxValue.Ticks - total.Ticks) / number) return false;
            total += unit * number;
            span = span[(digits + 1)..];
        }
        duration = total;
        return total > TimeSpan.Zero;
    }
}
