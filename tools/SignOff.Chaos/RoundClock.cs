using System.Diagnostics;

namespace SignOff.Chaos;

/// <summary>
/// What the host's development clock should read: the chaos run's own copy of it.
/// </summary>
/// <remarks>
/// The host's <c>ManualClock</c> is the system clock plus an offset held in memory, so every
/// restart puts it back to real time. After each restart the run sets it to this value, which
/// only ever moves forward: an advance is added here <em>before</em> it is sent, so an advance the
/// host applied just before it was killed (and never answered) is not lost, and one it never
/// received is applied by the set that follows the restart. Clock requests (advances and the
/// set after a restart) take <see cref="Requests"/> so an advance can never land on top of a set
/// that already contains it.
/// </remarks>
internal sealed class RoundClock(DateTimeOffset start)
{
    private readonly Lock gate = new();
    private DateTimeOffset anchor = start;
    private long anchorTicks = Stopwatch.GetTimestamp();

    /// <summary>Held while a clock request is in flight.</summary>
    public SemaphoreSlim Requests { get; } = new(1, 1);

    public DateTimeOffset Now
    {
        get
        {
            lock (gate)
            {
                return anchor + Stopwatch.GetElapsedTime(anchorTicks);
            }
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (gate)
        {
            anchor = anchor + Stopwatch.GetElapsedTime(anchorTicks) + by;
            anchorTicks = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Takes the host's answer into account: the copy never falls behind the host.</summary>
    public void Observe(DateTimeOffset hostNow)
    {
        lock (gate)
        {
            if (hostNow > anchor + Stopwatch.GetElapsedTime(anchorTicks))
            {
                anchor = hostNow;
                anchorTicks = Stopwatch.GetTimestamp();
            }
        }
    }
}
