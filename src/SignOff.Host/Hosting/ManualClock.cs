namespace SignOff.Host.Hosting;

/// <summary>
/// A development clock that runs with the system clock but can be moved forward (or set), so a
/// person trying SignOff locally can watch reminders and call-ins fire without waiting weeks.
/// </summary>
/// <remarks>Only registered in Development with <c>Clock:Manual=true</c>; <c>/dev/clock</c> answers 404 otherwise.</remarks>
public sealed class ManualClock(TimeProvider system) : TimeProvider
{
    private readonly Lock gate = new();
    private TimeSpan offset;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return system.GetUtcNow() + offset;
        }
    }

    /// <summary>Moves the clock forward.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative: time never runs backwards here.</exception>
    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (gate)
        {
            offset += by;
            return system.GetUtcNow() + offset;
        }
    }

    /// <summary>Sets the clock to an instant (which may be in the past, to replay a historical round).</summary>
    public DateTimeOffset Set(DateTimeOffset instant)
    {
        lock (gate)
        {
            offset = instant - system.GetUtcNow();
            return instant;
        }
    }
}
