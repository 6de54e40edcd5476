using System.Threading.Channels;

namespace SignOff.Storage.Execution;

/// <summary>
/// Where a committed transition's effects go: straight to this process's dispatchers when they
/// run here, otherwise onto the effects queue.
/// </summary>
/// <remarks>
/// <para>The queue message is not what makes effects durable — the outbox row is, committed with
/// the transition, and its index entry lets the stranded-outbox sweeper find it if nothing else
/// does. So when this process dispatches effects itself, handing the row over in memory loses
/// nothing a crash could not already lose, and saves three storage transactions per transition
/// (send, receive, delete) and a poll's delay. Under the Functions host there are no in-process
/// dispatchers, and every row goes through the queue.</para>
/// <para>A row the local dispatchers cannot finish (held by another worker, or failing) goes onto
/// the queue with a delay, and from then on has the queue's retries and poison handling.</para>
/// </remarks>
public sealed class EffectHandoff(WorkQueue<EffectMessage> queue)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<EffectMessage, byte> held = new();
    private Channel<EffectMessage>? local;

    /// <summary>The effects queue, for rows that leave this process.</summary>
    public WorkQueue<EffectMessage> Queue => queue;

    /// <summary>Hands a row over: to this process's dispatchers if they are running, else to the queue.</summary>
    public async Task SendAsync(EffectMessage message, CancellationToken cancellationToken)
    {
        if (local is { } channel)
        {
            held[message] = 0;
            if (channel.Writer.TryWrite(message))
            {
                return;
            }

            held.TryRemove(message, out _);
        }

        await queue.SendAsync(message, cancellationToken: cancellationToken);
    }

    /// <summary>Starts taking rows in-process; read them from the returned reader until <see cref="CloseLocal"/>.</summary>
    public ChannelReader<EffectMessage> OpenLocal()
    {
        var channel = Channel.CreateUnbounded<EffectMessage>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
        local = channel;
        return channel.Reader;
    }

    /// <summary>
    /// True while a row handed over here waits for (or is in) this process's dispatchers: the
    /// stranded-outbox sweeper leaves it alone, however long a burst makes it wait.
    /// </summary>
    public bool Holds(EffectMessage message) => held.ContainsKey(message);

    /// <summary>A dispatcher is done with a row handed over here (finished, or queued for a retry).</summary>
    public void Release(EffectMessage message) => held.TryRemove(message, out _);

    /// <summary>
    /// Stops taking rows in-process. Rows already handed over and not yet dispatched are in the
    /// outbox and its index, so the stranded-outbox sweeper finds them.
    /// </summary>
    public void CloseLocal()
    {
        if (Interlocked.Exchange(ref local, null) is { } channel)
        {
            channel.Writer.TryComplete();
            held.Clear();
        }
    }
}
