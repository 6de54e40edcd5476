using Microsoft.Extensions.Logging;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Storage.Execution;

/// <summary>Performs one kind of effect: sends an email, delivers webhooks.</summary>
public interface IEffectHandler
{
    /// <summary>True for the effects this handler performs.</summary>
    bool Handles(RoundEffect effect);

    /// <summary>Performs the effect. Throw to have it retried later.</summary>
    Task PerformAsync(string roundId, RoundEffect effect, CancellationToken cancellationToken);
}

/// <summary>What became of an outbox row.</summary>
public enum DispatchOutcome
{
    /// <summary>Every effect is done and the row is gone.</summary>
    Completed,

    /// <summary>Another worker holds some effect; the message should come back later.</summary>
    Deferred,
}

/// <summary>
/// Dispatches a transition's outbox row: each effect once, by effect id.
/// </summary>
/// <remarks>
/// At least once, deduplicated: an effect is claimed before it is performed and recorded done
/// after; the outbox row is deleted only when every effect is done. A second delivery of the
/// same message finds the effects done (or claimed) and performs nothing; a worker that crashed
/// mid-effect leaves a claim that expires after <see cref="Lease"/>, so the effect is retried.
/// </remarks>
public sealed class EffectDispatcher(TableRoundStore store, ExecutionIndexes indexes, IEnumerable<IEffectHandler> handlers, TimeProvider time, WallClock wall, ILogger<EffectDispatcher> logger)
{
    /// <summary>How long a claim protects an effect being performed, in real time (<see cref="WallClock"/>): moving the round clock must not expire it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public async Task<DispatchOutcome> DispatchAsync(string roundId, string triggerId, CancellationToken cancellationToken = default)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RoundId"] = roundId, ["TriggerId"] = triggerId });
        var row = await store.ReadOutboxRowAsync(roundId, triggerId, cancellationToken);
        if (row is null)
        {
            await indexes.RemoveOutboxAsync(roundId, triggerId, cancellationToken);
            return DispatchOutcome.Completed;
        }

        // A transition's effects are independent (each is claimed on its own), so they run side by
        // side: a webhook need not wait for an SMTP conversation. The first failure is rethrown once
        // the others have finished, so the message comes back for just the effects not done.
        var deferred = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        await Parallel.ForEachAsync(row.Effects, new ParallelOptions { MaxDegreeOfParallelism = EffectsAtOnce, CancellationToken = cancellationToken }, async (effect, ct) =>
        {
            try
            {
                if (!await PerformOnceAsync(roundId, effect, ct))
                {
                    Interlocked.Increment(ref deferred);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Enqueue(ex);
            }
        });
        if (failures.TryDequeue(out var failure))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (deferred > 0)
        {
            return DispatchOutcome.Deferred;
        }

        await store.DeleteOutboxRowAsync(roundId, triggerId, row.Parts, cancellationToken);
        await indexes.RemoveOutboxAsync(roundId, triggerId, cancellationToken);
        return DispatchOutcome.Completed;
    }

    /// <summary>Effects of one row performed at once.</summary>
    public const int EffectsAtOnce = 4;

    /// <summary>Claims, performs and records one effect; false when another worker holds it.</summary>
    private async Task<bool> PerformOnceAsync(string roundId, RoundEffect effect, CancellationToken cancellationToken)
    {
        var claim = await store.ClaimEffectAsync(roundId, effect.EffectId, wall.UtcNow, Lease, cancellationToken);
        switch (claim.State)
        {
            case EffectClaimState.AlreadyDone:
                return true;
            case EffectClaimState.HeldByAnother:
                return false;
        }

        var handler = handlers.FirstOrDefault(h => h.Handles(effect))
            ?? throw new InvalidOperationException($"No handler performs {effect.GetType().Name} effects.");
        using var activity = Telemetry.Source.StartActivity("effect.perform");
        activity?.SetTag("signoff.round_id", roundId);
        activity?.SetTag("signoff.effect_id", effect.EffectId);
        activity?.SetTag("signoff.effect", Describe(effect));
        try
        {
            await handler.PerformAsync(roundId, effect, cancellationToken);
            Telemetry.Effects.Add(1, new KeyValuePair<string, object?>("kind", Describe(effect)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            logger.LogWarning(ex, "Effect {EffectId} of round {RoundId} failed; it will be retried", effect.EffectId, roundId);
            await store.ReleaseEffectAsync(roundId, effect.EffectId, claim, CancellationToken.None);
            throw;
        }

        await store.CompleteEffectAsync(roundId, effect.EffectId, time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Performed effect {EffectId} ({EffectKind}) for round {RoundId}", effect.EffectId, Describe(effect), roundId);
        return true;
    }

    private static string Describe(RoundEffect effect) => effect switch
    {
        SendNotification n => RoundProcess.Kebab(n.Notification.Kind),
        PublishWebhook w => w.Event.Type,
        _ => effect.GetType().Name,
    };
}
