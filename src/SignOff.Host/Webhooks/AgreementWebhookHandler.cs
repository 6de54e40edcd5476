using SignOff.Core.Agreements;
using SignOff.Host.Effects;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Performs the register's webhook effects through the same fan-out as rounds': each subscription
/// that wants the event type gets one delivery.
/// </summary>
/// <remarks>
/// The payload names the agreement and the party (<c>agreementId</c>, <c>partyId</c>), not a round
/// and a partner (see <see cref="SignOff.Core.Webhooks.WebhookPayload"/>). The <c>agreement.*</c>
/// and <c>party.*</c> types are in the published catalogue, so a subscription can name them.
/// </remarks>
public sealed class AgreementWebhookHandler(WebhookDispatcher dispatcher) : IAgreementEffectHandler
{
    public bool Handles(AgreementEffect effect) => effect is PublishAgreementWebhook;

    /// <summary>A fan-out adds each subscription's delivery once.</summary>
    public bool Idempotent => true;

    public Task PerformAsync(string agreementId, AgreementEffect effect, IReadOnlySet<string> done, CancellationToken cancellationToken) =>
        dispatcher.FanOutAsync((PublishAgreementWebhook)effect, cancellationToken);
}
