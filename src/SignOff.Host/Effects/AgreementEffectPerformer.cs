using SignOff.Core.Agreements;
using SignOff.Storage;
using SignOff.Storage.Rounds;
using SignOff.Workflow.Agreements;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Effects;

/// <summary>Performs one kind of agreement effect: an email, a webhook fan-out (the register's counterpart of <see cref="IEffectHandler"/>).</summary>
public interface IAgreementEffectHandler
{
    /// <summary>True for the effects this handler performs.</summary>
    bool Handles(AgreementEffect effect);

    /// <summary>True when performing the effect twice changes nothing, so it needs no claim first.</summary>
    bool Idempotent { get; }

    /// <summary>Performs the effect. Throw to have it retried.</summary>
    /// <param name="agreementId">The agreement.</param>
    /// <param name="effect">The effect.</param>
    /// <param name="done">The sends of this effect already recorded done (by send id), so a retry skips them.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task PerformAsync(string agreementId, AgreementEffect effect, IReadOnlySet<string> done, CancellationToken cancellationToken);
}

/// <summary>The effect ledger over the register's table, apart from the rounds' (an agreement shares its first round's id).</summary>
public sealed record AgreementEffectLedger(EffectLedger Ledger);

/// <summary>
/// Performs agreement effects through the host's handlers, keeping an email to one send per
/// effect id and recipient with a ledger in the agreement's partition — as
/// <see cref="LedgerEffectPerformer"/> does for rounds, and for the same reason: an activity runs
/// at least once.
/// </summary>
public sealed class LedgerAgreementEffectPerformer(AgreementEffectLedger ledger, IEnumerable<IAgreementEffectHandler> handlers, WallClock wall,
    ILogger<LedgerAgreementEffectPerformer> logger) : IAgreementEffectPerformer
{
    public async Task PerformAsync(AgreementEffectWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var effect = work.Effect;
        var handler = handlers.FirstOrDefault(h => h.Handles(effect))
            ?? throw new EffectRefusedException($"No handler performs {effect.GetType().Name} effects.");
        if (handler.Idempotent)
        {
            await handler.PerformAsync(work.AgreementId, effect, new HashSet<string>(), cancellationToken);
            return;
        }

        var claim = await ledger.Ledger.ClaimEffectAsync(work.AgreementId, effect.EffectId, wall.UtcNow, EffectLedger.Lease, cancellationToken);
        switch (claim.State)
        {
            case EffectClaimState.AlreadyDone:
                logger.LogInformation("Effect {EffectId} of agreement {AgreementId} was already performed", effect.EffectId, work.AgreementId);
                return;
            case EffectClaimState.HeldByAnother:
                throw new EffectHeldException($"Effect {effect.EffectId} of agreement {work.AgreementId} is being performed elsewhere.");
        }

        try
        {
            var records = await ledger.Ledger.ReadEffectRecordsAsync(work.AgreementId, work.TriggerId, cancellationToken);
            await handler.PerformAsync(work.AgreementId, effect, records.Values.Where(r => r.Done).Select(r => r.Id).ToHashSet(StringComparer.Ordinal), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Effect {EffectId} of agreement {AgreementId} failed", effect.EffectId, work.AgreementId);
            await ledger.Ledger.ReleaseEffectAsync(work.AgreementId, effect.EffectId, claim, CancellationToken.None);
            throw;
        }

        await ledger.Ledger.CompleteEffectAsync(work.AgreementId, effect.EffectId, wall.UtcNow, cancellationToken);
        logger.LogInformation("Performed effect {EffectId} ({Kind}) for agreement {AgreementId}", effect.EffectId, PerformAgreementEffectActivity.Describe(effect), work.AgreementId);
    }
}
