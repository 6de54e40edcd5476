using Microsoft.Extensions.Logging;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Storage.Execution;

/// <summary>Performs one kind of effect: sends an email, delivers webhooks.</summary>
public interface IEffectHandler
{
    /// <summary>True for the effects this handler performs.</summary>
    bool Handles(RoundEffect effect);

    /// <summary>
    /// True when performing an effect twice changes nothing — the handler deduplicates by effect
    /// id itself (a webhook fan-out adds each delivery once) — so it needs no claim first.
    /// </summary>
    bool Idempotent { get; }

    /// <summary>Performs the effect. Throw to have it retried later.</summary>
    Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken);
}

/// <summary>
/// What the effects of one outbox row share while they are performed: the round, loaded at most
/// once (a launch's two hundred invitations need it two hundred times), and what is already
/// recorded about the row's sends.
/// </summary>
public sealed class EffectContext
{
    private readonly Lazy<Task<StoredRound?>> round;

    /// <summary>A context for one row of a round.</summary>
    /// <param name="roundId">The round.</param>
    /// <param name="store">Where the round is loaded from, when a handler first asks.</param>
    /// <param name="records">What the round's partition records about the row's effects and sends.</param>
    public EffectContext(string roundId, TableRoundStore store, IReadOnlyDictionary<string, EffectRecord> records)
    {
        RoundId = roundId;
        Records = records;
        round = new(() => store.LoadAsync(roundId, CancellationToken.None));
    }

    /// <summary>The round.</summary>
    public string RoundId { get; }

    /// <summary>Effects and sends recorded (done or claimed) when the row was picked up.</summary>
    public IReadOnlyDictionary<string, EffectRecord> Records { get; }

    /// <summary>The round as it stands (loaded on first use, then shared by the row's effects).</summary>
    public Task<StoredRound?> RoundAsync() => round.Value;
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
/// <para>At least once, deduplicated: an effect is claimed before it is performed and recorded
/// done after; the outbox row is deleted only when every effect is done. A second delivery of the
/// same message finds the effects done (or claimed) and performs nothing; a worker that crashed
/// mid-effect leaves a claim that expires after <see cref="Lease"/>, so the effect is retried.</para>
/// <para>Storage cost is mostly per row, not per effect: one range query reads what is recorded
/// about the row's effects, and one entity-group transaction claims all the emails free; each
/// email is recorded done as soon as it is sent, and idempotent effects only when the row is not
/// finished in this pass. A claim is all or nothing per batch, so two workers racing for a row never both send an
/// email: the loser's batch fails and it leaves those effects to the winner.</para>
/// </remarks>
public sealed class EffectDispatcher(TableRoundStore store, ExecutionIndexes indexes, IEnumerable<IEffectHandler> handlers, WallClock wall, ILogger<EffectDispatcher> logger)
{
    /// <summary>How long a claim protects an effect being performed, in real time (<see cref="WallClock"/>): moving the round clock must not expire it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Effects of one row performed at once.</summary>
    public const int EffectsAtOnce = 4;

    public async Task<DispatchOutcome> DispatchAsync(string roundId, string triggerId, CancellationToken cancellationToken = default)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RoundId"] = roundId, ["TriggerId"] = triggerId });
        var row = await store.ReadOutboxRowAsync(roundId, triggerId, cancellationToken);
        if (row is null)
        {
            await indexes.RemoveOutboxAsync(roundId, triggerId, cancellationToken);
            return DispatchOutcome.Completed;
        }

        var records = await store.ReadEffectRecordsAsync(roundId, triggerId, cancellationToken);
        var now = wall.UtcNow;
        var pending = row.Effects.Where(e => records.GetValueOrDefault(e.EffectId) is not { Done: true }).ToList();

        // Effects that must not be performed twice (emails) are claimed first, all in one batch;
        // idempotent ones (webhook fan-outs) need no claim.
        var free = pending
            .Where(e => !HandlerFor(e).Idempotent)
            .Select(e => (Effect: e, Record: records.GetValueOrDefault(e.EffectId)))
            .Where(x => x.Record is null || (x.Record.ClaimedAt ?? now) + Lease <= now)
            .ToList();
        var claims = free.Count == 0
            ? new Dictionary<string, EffectClaim>()
            : await store.ClaimEffectsAsync(roundId, [.. free.Select(x => (x.Effect.EffectId, x.Record))], now, cancellationToken);
        var runnable = pending.Where(e => HandlerFor(e).Idempotent || claims.ContainsKey(e.EffectId)).ToList();
        var deferred = pending.Count - runnable.Count;

        // A transition's effects are independent, so they run side by side: a webhook need not wait
        // for an SMTP conversation. A claimed effect is recorded done the moment it is performed
        // (a crash in between performs it again, so that window is kept short); idempotent ones are
        // recorded together at the end. The first failure is rethrown once the rest are recorded,
        // so the message comes back for just the effects not done.
        var context = new EffectContext(roundId, store, records);
        var performed = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        await Parallel.ForEachAsync(runnable, new ParallelOptions { MaxDegreeOfParallelism = EffectsAtOnce, CancellationToken = cancellationToken }, async (effect, ct) =>
        {
            var claim = claims.GetValueOrDefault(effect.EffectId);
            try
            {
                await PerformAsync(context, effect, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Effect {EffectId} of round {RoundId} failed; it will be retried", effect.EffectId, roundId);
                if (claim is not null)
                {
                    await store.ReleaseEffectAsync(roundId, effect.EffectId, claim, CancellationToken.None);
                }

                failures.Enqueue(ex);
                return;
            }

            if (claim is not null)
            {
                await store.CompleteEffectAsync(roundId, effect.EffectId, wall.UtcNow, ct);
            }
            else
            {
                performed.Add(effect.EffectId);
            }
        });

        // Idempotent effects need a record only if the row outlives this pass: when it is about to
        // be deleted, nothing will ever look for them (and doing one again would change nothing).
        if (!performed.IsEmpty && (!failures.IsEmpty || deferred > 0))
        {
            await store.CompleteEffectsAsync(roundId, performed, wall.UtcNow, cancellationToken);
        }

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

    private IEffectHandler HandlerFor(RoundEffect effect) =>
        handlers.FirstOrDefault(h => h.Handles(effect)) ?? throw new InvalidOperationException($"No handler performs {effect.GetType().Name} effects.");

    private async Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken)
    {
        var handler = HandlerFor(effect);
        using var activity = Telemetry.Source.StartActivity("effect.perform");
        activity?.SetTag("signoff.round_id", context.RoundId);
        activity?.SetTag("signoff.effect_id", effect.EffectId);
        activity?.SetTag("signoff.effect", Describe(effect));
        try
        {
            await handler.PerformAsync(context, effect, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw;
        }

        Telemetry.Effects.Add(1, new KeyValuePair<string, object?>("kind", Describe(effect)));
        logger.LogInformation("Performed effect {EffectId} ({EffectKind}) for round {RoundId}", effect.EffectId, Describe(effect), context.RoundId);
    }

    private static string Describe(RoundEffect effect) => effect switch
    {
        SendNotification n => RoundProcess.Kebab(n.Notification.Kind),
        PublishWebhook w => w.Event.Type,
        _ => effect.GetType().Name,
    };
}
