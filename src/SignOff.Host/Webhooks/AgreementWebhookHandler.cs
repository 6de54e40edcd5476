using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Host.Effects;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Performs the register's webhook effects through the same fan-out as rounds': each subscription
/// that wants the event type gets one delivery.
/// </summary>
/// <remarks>
/// The event's <c>roundId</c> is the agreement's id (the id of the round that made it), and the
/// effect id is prefixed <c>agreement:</c> so a delivery can never share an id with one of that
/// round's. The <c>agreement.*</c>/<c>party.*</c> types are not yet in the published catalogue, so
/// only a subscription to every event receives them until they are.
/// </remarks>
public sealed class AgreementWebhookHandler(WebhookDispatcher dispatcher) : IAgreementEffectHandler
{
    public bool Handles(AgreementEffect effect) => effect is PublishAgreementWebhook;

    /// <summary>A fan-out adds each subscription's delivery once.</summary>
    public bool Idempotent => true;

    public Task PerformAsync(string agreementId, AgreementEffect effect, IReadOnlySet<string> done, CancellationToken cancellationToken)
    {
        var w = (PublishAgreementWebhook)effect;
        return dispatcher.FanOutAsync(agreementId,
            new PublishWebhook("agreement:" + w.EffectId, new WebhookEvent(w.Type, w.AgreementId, w.PartyId, w.OccurredAt, w.Data)), cancellationToken);
    }
}
