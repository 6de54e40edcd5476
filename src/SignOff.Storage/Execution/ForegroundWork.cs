namespace SignOff.Storage.Execution;

/// <summary>
/// Requests people are waiting on — a decision recorded, a counterpart uploaded — counted so
/// that background work (emails, webhooks) can give way to them.
/// </summary>
/// <remarks>
/// <para>Decisions and their effects share one storage account, and during a burst (a board's
/// decisions recorded in the same minute, a coordinator's bulk upload) effects would otherwise
/// take most of its capacity: every decision leaves several emails and webhooks behind it. While
/// <see cref="BusyAt"/> or more requests are in flight at once, only the first lane of each
/// background pool keeps going; the others wait. Notifications go out a little later; nobody
/// waits at a spinner. An ordinary day's trickle of requests (one at a time) never makes the
/// lanes wait, so it costs its notifications nothing.</para>
/// <para>Background work never stops: lane 0 always runs, so effects keep moving however long
/// the burst, and every lane resumes the moment it ends.</para>
/// </remarks>
public sealed class ForegroundWork
{
    /// <summary>How many requests in flight at once make a burst.</summary>
    public const int BusyAt = 4;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private int inFlight;

    /// <summary>True while at least <see cref="BusyAt"/> requests are in flight.</summary>
    public bool Busy => Volatile.Read(ref inFlight) >= BusyAt;

    /// <summary>Counts a request until the scope is disposed.</summary>
    public Scope Enter()
    {
        Interlocked.Increment(ref inFlight);
        return new Scope(this);
    }

    /// <summary>Waits while people's requests are being served, unless this is lane 0 (which never waits).</summary>
    public async ValueTask GiveWayAsync(int lane, CancellationToken cancellationToken)
    {
        while (lane > 0 && Busy)
        {
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>One request in flight.</summary>
    public readonly struct Scope(ForegroundWork owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner.inFlight);
    }
}
