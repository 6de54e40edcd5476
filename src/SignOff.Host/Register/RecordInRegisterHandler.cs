using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Host.Effects;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Register;

/// <summary>
/// Performs a round's <see cref="RecordInRegister"/> effect: opens the agreement in the register
/// on its own entity.
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
        var decision = await register.RunAsync(record.RoundId, record.ToTrigger(), cancellationToken);
        switch (decision)
        {
            case AgreementDecision.Accepted or AgreementDecision.AlreadyApplied:
                logger.LogInformation("Round {RoundId} is in the register as agreement {AgreementId}", record.RoundId, record.RoundId);
                return;
            case AgreementDecision.Rejected rejected:
                throw new EffectRefusedException($"The register refused to open agreement {record.RoundId}: {rejected.Message}");
        }
    }
}
