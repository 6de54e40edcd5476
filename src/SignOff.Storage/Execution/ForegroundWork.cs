using System.Diagnostics;

namespace SignOff.Storage.Execution;

/// <summary>
/// Requests people are waiting on — a decision recorded, a counterpart uploaded — counted so
/// that background work (emails, webhooks) can give way to them.
/// </summary>
/// <remarks>
/// <para>Decisions and their effects share one storage account, and during a burst (a board's
/// decisions recorded in the same minute, a coordinator's bulk upload) effects would otherwise
/// take most of its capacity: every decision leaves several emails and webhooks behind it. While
/// requests are in flight, and for <see cref="Quiet"/> after the last, only the first lane of each
/// background pool keeps going; the others wait. Notifications go out a little later; nobody
/// waits at a spinner.</para>
/// <para>Background work never stops: lane 0 always runs, so effects keep moving however long
/// the burst, and every lane resumes the moment it ends.</para>
/// </remarks>
public sealed class ForegroundWork
{
    /// <summary>How long after the last request the other lanes wait before resuming.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private int inFlight;
    private long lastEnded;

    /// <summary>True while requests are in flight, or ended less than <see cref="Quiet"/> ago.</summary>
    public bool Busy => Volatile.Read(ref inFlight) > 0 || (Interlocked.Read(ref lastEnded) is var ended && ended != 0 && Stopwatch.GetElapsedTime(ended) < Quiet);

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
        public void Dispose()
        {
            Interlocked.Exchange(ref owner.lastEnded, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref owner.inFlight);
        }
    }
}
