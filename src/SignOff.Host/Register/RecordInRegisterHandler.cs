using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Host.Effects;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Register;

/// <summary>
/// Performs a round's <see cref="RecordInRegister"/> effect on the agreement's own entity: opens
/// the agreement the round made, applies the variation it carried, or admits the organisation it joined.
/// </summary>
/// <remarks>
/// Idempotent without a ledger claim: the trigger id derives from the effect id, so a retried
/// effect is the same trigger, which the agreement recognises and applies once. An agreement
/// that refuses it (no signatory left, say) will refuse it however often it is tried, so that is
/// said as a refusal and not retried; an agreement that does not answer in time is retried.
/// </remarks>
public sealed class RecordInRegisterHandler(IAgreementEngine register, ILogger<RecordInRegisterHandler> logger) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is RecordInRegister;

    public bool Idempotent => true;

    public async Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        var record = (RecordInRegister)effect;
        var trigger = record.ToTrigger();
        var decision = await register.RunAsync(record.AgreementId, trigger, cancellationToken);
        switch (decision)
        {
            case AgreementDecision.Accepted or AgreementDecision.AlreadyApplied:
                logger.LogInformation("Round {RoundId} is in the register: {Trigger} on agreement {AgreementId}", record.RoundId, trigger.GetType().Name, record.AgreementId);
                return;
            case AgreementDecision.Rejected rejected:
                // A variation someone did not sign, a joiner on a superseded version: the round's counterparts stand, but the
                // register will refuse them however often it is asked, so the coordinator is told rather than the effect retried.
                throw new EffectRefusedException($"The register refused {trigger.GetType().Name} on agreement {record.AgreementId}: {rejected.Message}");
        }
    }
}
