using Microsoft.Extensions.Logging;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Storage.Execution;

/// <summary>
/// The background work, as single passes the local pollers loop over and the Functions host's
/// triggers call: take queue messages, sweep due timers, sweep stranded outbox rows.
/// </summary>
public sealed class Workers(
    RoundRunner runner,
    EffectDispatcher dispatcher,
    ExecutionIndexes indexes,
    WorkQueue<TriggerMessage> triggers,
    EffectHandoff handoff,
    TimeProvider time,
    WallClock wall,
    ILogger<Workers> logger)
{
    /// <summary>
    /// How old (in real time) a timer entry must be before a round that does not know the timer
    /// makes it debris. The runner writes the entry just before it commits: a sweep in between
    /// meets a round without the timer (or no round at all, for a launch), and must not take the
    /// entry away, or the timer, committed a moment later, never fires.
    /// </summary>
    public static readonly TimeSpan TimerOrphanAfter = TimeSpan.FromMinutes(2);

    /// <summary>An outbox row this old with no dispatch is presumed stranded by a crash.</summary>
    public static readonly TimeSpan StrandedAfter = TimeSpan.FromSeconds(60);

    /// <summary>Handles one round-trigger message. Returns normally when the message may be deleted.</summary>
    public async Task HandleTriggerAsync(TriggerMessage message, CancellationToken cancellationToken)
    {
        var decision = await runner.RunAsync(message.RoundId, message.Trigger, cancellationToken);
        if (decision is RoundDecision.Rejected rejected)
        {
            // A rejected wake-up (a timer already cleared, a round since cancelled) is an answer, not a failure.
            logger.LogInformation("Round {RoundId} refused {Trigger} ({TriggerId}): {Code} {Reason}",
                message.RoundId, message.Trigger.GetType().Name, message.Trigger.TriggerId, rejected.Code, rejected.Message);
        }
    }

    /// <summary>Handles one effects message. Returns false when it should come back later.</summary>
    public async Task<bool> HandleEffectAsync(EffectMessage message, CancellationToken cancellationToken) =>
        await dispatcher.DispatchAsync(message.RoundId, message.TriggerId, cancellationToken) == DispatchOutcome.Completed;

    /// <summary>Takes and handles a batch of round-trigger messages; returns how many were handled.</summary>
    public async Task<int> PollTriggersAsync(int batch, CancellationToken cancellationToken)
    {
        var deliveries = await triggers.ReceiveAsync(batch, cancellationToken);
        foreach (var delivery in deliveries)
        {
            try
            {
                await HandleTriggerAsync(delivery.Body!, cancellationToken);
                await triggers.CompleteAsync(delivery, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Left on the queue: it reappears after the visibility timeout, and goes to poison after too many tries.
                logger.LogError(ex, "Trigger message {MessageId} for round {RoundId} failed (attempt {Attempt})",
                    delivery.MessageId, delivery.Body!.RoundId, delivery.DequeueCount);
            }
        }

        return deliveries.Count;
    }

    /// <summary>
    /// Dispatches a row handed over in-process (<see cref="EffectHandoff"/>). One that cannot be
    /// finished now — held by another worker, or failing — goes onto the effects queue with a
    /// delay, and has the queue's retries and poison handling from then on.
    /// </summary>
    public async Task HandleHandedOverAsync(EffectMessage message, CancellationToken cancellationToken)
    {
        TimeSpan retryIn;
        try
        {
            if (await HandleEffectAsync(message, cancellationToken))
            {
                return;
            }

            retryIn = WorkQueue<EffectMessage>.DefaultVisibilityTimeout; // another worker holds part of it
        }
        catch (RetryLaterException later)
        {
            logger.LogWarning("Effects of {TriggerId} for round {RoundId} deferred for {Delay}: {Reason}", message.TriggerId, message.RoundId, later.After, later.Message);
            retryIn = later.After;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Effects of {TriggerId} for round {RoundId} failed; queued to retry", message.TriggerId, message.RoundId);
            retryIn = WorkQueue<EffectMessage>.DefaultVisibilityTimeout;
        }
        finally
        {
            handoff.Release(message); // no longer this process's to dispatch
        }

        await handoff.Queue.SendAsync(message, retryIn, cancellationToken);
    }

    /// <summary>How many effects messages are dispatched at once: rows are independent, and an SMTP or webhook wait should not hold up the rest.</summary>
    public const int EffectParallelism = 8;

    /// <summary>Takes and handles a batch of effects messages, several at once; returns how many were handled.</summary>
    public async Task<int> PollEffectsAsync(int batch, CancellationToken cancellationToken)
    {
        var effects = handoff.Queue;
        var deliveries = await effects.ReceiveAsync(batch, cancellationToken);
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = EffectParallelism, CancellationToken = cancellationToken }, async (delivery, ct) =>
        {
            try
            {
                if (!await HandleEffectAsync(delivery.Body!, ct))
                {
                    // Held by another worker (perhaps one that died, until its claim runs out): not a
                    // failure, so a fresh message comes back later rather than this one counting
                    // towards poison by reappearing.
                    await effects.SendAsync(delivery.Body!, WorkQueue<EffectMessage>.DefaultVisibilityTimeout, ct);
                }

                await effects.CompleteAsync(delivery, ct);
            }
            catch (RetryLaterException later)
            {
                logger.LogWarning("Effects message {MessageId} for round {RoundId} deferred for {Delay}: {Reason}",
                    delivery.MessageId, delivery.Body!.RoundId, later.After, later.Message);
                await effects.DeferAsync(delivery, later.After, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Effects message {MessageId} for round {RoundId} failed (attempt {Attempt})",
                    delivery.MessageId, delivery.Body!.RoundId, delivery.DequeueCount);
            }
        });

        return deliveries.Count;
    }

    /// <summary>
    /// Fires every due timer the index knows of; returns how many entries it settled (fired, or
    /// cleared as debris). Entries left for a later sweep do not count, so "sweep until nothing
    /// is done" cannot spin on them.
    /// </summary>
    public async Task<int> SweepTimersAsync(int max, CancellationToken cancellationToken)
    {
        var due = await indexes.DueTimersAsync(time.GetUtcNow(), max, cancellationToken);
        var settled = 0;
        foreach (var timer in due)
        {
            var decision = await runner.RunAsync(timer.RoundId, FireTimer.For(timer.TimerId), cancellationToken);
            switch (decision)
            {
                case RoundDecision.Rejected { Code: RejectionCode.TimerNotDue }:
                    continue; // the clocks disagree by a little; try again next sweep
                case RoundDecision.Rejected { Code: RejectionCode.TimerNotPending or RejectionCode.RoundNotFound }
                    when wall.UtcNow - timer.IndexedAt < TimerOrphanAfter:
                    continue; // perhaps written by a transition still committing: see TimerOrphanAfter
            }

            await indexes.RemoveTimerAsync(timer, cancellationToken);
            settled++;
        }

        return settled;
    }

    /// <summary>Re-enqueues outbox rows left behind by a crash (or a failure) before their effects were done; returns how many.</summary>
    public async Task<int> SweepOutboxAsync(int max, CancellationToken cancellationToken)
    {
        // Real time: how long a row has waited is about crashed processes, not the round clock.
        var stranded = await indexes.PendingOutboxAsync(wall.UtcNow - StrandedAfter, max, cancellationToken);
        var redispatched = 0;
        foreach (var entry in stranded)
        {
            if (handoff.Holds(new EffectMessage(entry.RoundId, entry.TriggerId)))
            {
                continue; // waiting for this process's own dispatchers, not stranded
            }

            logger.LogWarning("Re-dispatching outbox row {TriggerId} of round {RoundId}, pending since {WrittenAt:u}", entry.TriggerId, entry.RoundId, entry.WrittenAt);
            await handoff.Queue.SendAsync(new EffectMessage(entry.RoundId, entry.TriggerId), cancellationToken: cancellationToken);

            // Look again later, and later each time (1, 2, 4 … 60 minutes): a row that keeps failing
            // (a mail server down for a day) is retried for as long as it takes, but not every minute.
            var wait = TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Min(entry.Redispatches, 6))));
            await indexes.AddOutboxAsync(entry.RoundId, entry.TriggerId, wall.UtcNow + wait - StrandedAfter, cancellationToken, entry.Redispatches + 1);
            redispatched++;
        }

        return redispatched;
    }
}
