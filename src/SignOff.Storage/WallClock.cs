namespace SignOff.Storage;

/// <summary>
/// The machines' own time: for leases, and for how old a crash-window hint is. Never for a round.
/// </summary>
/// <remarks>
/// The host's <see cref="TimeProvider"/> is the round clock, which in Development a person (or the
/// chaos run) moves forward by days to watch reminders and call-ins fire. A two-minute lease
/// measured on that clock expires the moment it moves, so an effect in flight is performed
/// twice; a guard asking "was this hint written seconds ago?" would think it days old. Leases and
/// ages are about processes that may crash, not about the round, so they run on real time — the
/// same time Azure Storage stamps on every entity it writes.
/// </remarks>
public sealed class WallClock(TimeProvider system)
{
    /// <summary>The system clock.</summary>
    public static readonly WallClock System = new(TimeProvider.System);

    /// <summary>Now, in real time.</summary>
    public DateTimeOffset UtcNow => system.GetUtcNow();

    /// <summary>The same clock, for an API that takes a <see cref="TimeProvider"/> (a session cookie, the workflow's real-time side).</summary>
    public TimeProvider Provider => system;
}
