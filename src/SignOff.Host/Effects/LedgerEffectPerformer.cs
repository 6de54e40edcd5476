using SignOff.Storage;
using SignOff.Storage.Rounds;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Effects;

/// <summary>
/// Performs an effect through the host's handlers (the mailer, the webhook fan-out), keeping an
/// email to one send per effect id and recipient with a ledger in the round's partition.
/// </summary>
/// <remarks>
/// An activity runs at least once — a crash after the send and before the framework records the
/// activity's result runs it again — so an email is claimed before it is sent and recorded done
/// after. A claim left by a process that died expires after <see cref="EffectLedger.Lease"/>
/// (real time), and the orchestration's retries outlast it. Idempotent effects (a webhook
/// fan-out adds each subscription's delivery once) need no claim.
/// </remarks>
public sealed class LedgerEffectPerformer(RoundReadModel rounds, EffectLedger ledger, IEnumerable<IEffectHandler> handlers, WallClock wall, ILogger<LedgerEffectPerformer> logger)
    : IEffectPerformer
{
    public async Task PerformAsync(EffectWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var effect = work.Effect;
        var handler = handlers.FirstOrDefault(h => h.Handles(effect))
            ?? throw new EffectRefusedException($"No handler performs {effect.GetType().Name} effects.");
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RoundId"] = work.RoundId, ["TriggerId"] = work.TriggerId, ["EffectId"] = effect.EffectId });
        if (handler.Idempotent)
        {
            await handler.PerformAsync(new EffectContext(work.RoundId, rounds, new Dictionary<string, EffectRecord>()), effect, cancellationToken);
            return;
        }

        var claim = await ledger.ClaimEffectAsync(work.RoundId, effect.EffectId, wall.UtcNow, EffectLedger.Lease, cancellationToken);
        switch (claim.State)
        {
            case EffectClaimState.AlreadyDone:
                logger.LogInformation("Effect {EffectId} of round {RoundId} was already performed", effect.EffectId, work.RoundId);
                return;
            case EffectClaimState.HeldByAnother:
                throw new EffectHeldException($"Effect {effect.EffectId} of round {work.RoundId} is being performed elsewhere.");
        }

        try
        {
            var records = await ledger.ReadEffectRecordsAsync(work.RoundId, work.TriggerId, cancellationToken);
            await handler.PerformAsync(new EffectContext(work.RoundId, rounds, records), effect, cancellationToken);
        }
        catch (EffectRefusedException refused)
        {
            // The handler says retrying cannot help (a mail provider refusing the message, say).
            logger.LogError(refused, "Effect {EffectId} of round {RoundId} was refused; it will not be retried", effect.EffectId, work.RoundId);
            await ledger.ReleaseEffectAsync(work.RoundId, effect.EffectId, claim, CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Effect {EffectId} of round {RoundId} failed; it will be retried", effect.EffectId, work.RoundId);
            await ledger.ReleaseEffectAsync(work.RoundId, effect.EffectId, claim, CancellationToken.None);
            throw;
        }

        await ledger.CompleteEffectAsync(work.RoundId, effect.EffectId, wall.UtcNow, cancellationToken);
        logger.LogInformation("Performed effect {EffectId} ({Kind}) for round {RoundId}", effect.EffectId, PerformEffectActivity.Describe(effect), work.RoundId);
    }
}
