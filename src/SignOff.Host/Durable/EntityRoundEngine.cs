using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Storage.Rounds;
using SignOff.Workflow.Rounds;

namespace SignOff.Host.Durable;

/// <summary>
/// The round engine over round entities, whatever reaches them: triggers are signals to the
/// round's entity, and the answer is read back from the entity's state.
/// </summary>
/// <remarks>
/// <para>A person's request is validated first with the same pure <see cref="RoundProcess.Decide"/>
/// against the entity's current state, so a refusal (a stale version, a withdrawn partner) is
/// answered at once and nothing is sent. An acceptable trigger is signalled, and the request
/// waits — bounded — until the entity's state shows the trigger id applied, or refused (the round
/// may have moved in between): it never answers "recorded" for something the round refused.</para>
/// <para>Two adapters: <see cref="DurableRoundEngine"/> over the local Durable Task Framework
/// backend, and the Functions app's over its Durable client. They differ only in how a signal is
/// sent and an entity read.</para>
/// </remarks>
public abstract class EntityRoundEngine(RoundProcess process, RoundReadModel readModel, TimeProvider time, TimeSpan confirmTimeout, ILogger logger)
    : IRoundEngine
{
    /// <summary>How long the first look at the entity waits; each later one waits twice as long, up to <see cref="LongestPoll"/>.</summary>
    protected static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait between two looks at an entity.</summary>
    protected static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan ListedWithin = TimeSpan.FromSeconds(10);

    /// <summary>The round clock.</summary>
    protected TimeProvider Time => time;

    /// <summary>Where the engine explains itself.</summary>
    protected ILogger Logger => logger;

    public async Task<RoundDecision> RunAsync(string roundId, Func<RoundState?, RoundTrigger> make, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(make);
        var record = await LoadRecordAsync(roundId, cancellationToken);
        var trigger = make(record?.Round);
        var decision = process.Decide(record?.Round, trigger, time.GetUtcNow());
        if (decision is not RoundDecision.Accepted accepted)
        {
            return decision;
        }

        await SendAsync(roundId, trigger, cancellationToken);
        if (confirmTimeout <= TimeSpan.Zero)
        {
            // Configured to wait no time at all: the trigger is sent, and the answer is that it is
            // not yet confirmed — every time, not only when the round happens to be slower than a
            // first look (which made the busy path depend on the machine's load).
            logger.LogWarning("Round {RoundId} was not asked to confirm {TriggerId} (no confirm timeout)", roundId, trigger.TriggerId);
            throw new RoundBusyException(roundId, trigger.TriggerId, confirmTimeout);
        }

        var started = time.GetTimestamp();
        for (var wait = FirstPoll; ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPoll.Ticks)))
        {
            await Task.Delay(wait, cancellationToken);
            var now = await LoadRecordAsync(roundId, cancellationToken);
            if (now is not null && now.Applied(trigger.TriggerId))
            {
                if (trigger is StartRound)
                {
                    // Listed before answering, so the coordinator sent back to the list finds it there.
                    // Later transitions are not waited for: the round's own page reads the entity.
                    await readModel.CatchUpAsync(roundId, now.Round.EventCount, ListedWithin, cancellationToken);
                }

                return accepted with { State = now.Round };
            }

            if (now?.RefusalOf(trigger.TriggerId) is { } refused)
            {
                return new RoundDecision.Rejected(refused.Code, refused.Message);
            }

            if (time.GetElapsedTime(started) > confirmTimeout)
            {
                logger.LogWarning("Round {RoundId} did not confirm {TriggerId} within {Timeout}", roundId, trigger.TriggerId, confirmTimeout);
                throw new RoundBusyException(roundId, trigger.TriggerId, confirmTimeout);
            }
        }
    }

    public async Task<RoundState?> LoadAsync(string roundId, CancellationToken cancellationToken) =>
        (await LoadRecordAsync(roundId, cancellationToken))?.Round;

    /// <remarks>
    /// After a clock move every open round is woken, not only those with something due: a round
    /// whose alarm was set for a real instant computed before the move must set it again (see
    /// <see cref="SignOff.Workflow.Time.WorkflowClock.ToWall"/>).
    /// </remarks>
    public async Task<int> FireDueTimersAsync(bool clockMoved, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var record in AllRecordsAsync(cancellationToken))
        {
            if (record.Round.IsClosed)
            {
                continue;
            }

            var count = record.Round.Timers.Count(t => t.DueAt <= now);
            if (count > 0)
            {
                due[record.Round.RoundId] = count;
            }

            if (count > 0 || clockMoved)
            {
                await WakeAsync(record.Round.RoundId, cancellationToken);
            }
        }

        // Wait until every round woken has nothing left due (bounded): the caller expects what
        // fell due to have fired when the clock's move is answered.
        var started = time.GetTimestamp();
        var waiting = due.Keys.ToHashSet(StringComparer.Ordinal);
        while (waiting.Count > 0 && time.GetElapsedTime(started) < confirmTimeout)
        {
            await Task.Delay(LongestPoll, cancellationToken);
            foreach (var roundId in waiting.ToList())
            {
                if (await LoadRecordAsync(roundId, cancellationToken) is not { } record || !record.Round.Timers.Any(t => t.DueAt <= now))
                {
                    waiting.Remove(roundId);
                }
            }
        }

        return due.Values.Sum();
    }


    /// <summary>The entity's record of a round, or null when the round does not exist.</summary>
    public abstract Task<RoundRecord?> LoadRecordAsync(string roundId, CancellationToken cancellationToken);

    /// <summary>Every round's record, as the entities hold them.</summary>
    public abstract IAsyncEnumerable<RoundRecord> AllRecordsAsync(CancellationToken cancellationToken);

    /// <summary>Signals the round's entity to apply a trigger (sending the same trigger twice must be harmless: the round recognises its id).</summary>
    protected abstract Task SendAsync(string roundId, RoundTrigger trigger, CancellationToken cancellationToken);

    /// <summary>Signals the round's entity to fire whatever is due.</summary>
    protected abstract Task WakeAsync(string roundId, CancellationToken cancellationToken);
}
