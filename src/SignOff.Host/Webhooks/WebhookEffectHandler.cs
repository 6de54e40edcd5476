using SignOff.Core.Rounds;
using SignOff.Host.Effects;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Performs webhook effects: records a delivery for every interested subscription. The effect is
/// done when the deliveries are durably recorded; sending them is the dispatcher's, so a slow
/// receiver never holds up a round's emails.
/// </summary>
public sealed class WebhookEffectHandler(WebhookDispatcher dispatcher) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is PublishWebhook;

    /// <summary>A fan-out adds each subscription's delivery once (keyed by round and effect id): doing it again adds nothing.</summary>
    public bool Idempotent => true;

    public Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken) =>
        dispatcher.FanOutAsync(context.RoundId, (PublishWebhook)effect, cancellationToken);
}
