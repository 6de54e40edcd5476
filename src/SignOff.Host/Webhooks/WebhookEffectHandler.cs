using SignOff.Core.Rounds;
using SignOff.Host.Effects;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Performs webhook effects: records a delivery for every interested subscription and starts its
/// delivery orchestration. The effect is done when the deliveries are recorded and started;
/// sending them is theirs, so a slow receiver never holds up a round's emails.
/// </summary>
public sealed class WebhookEffectHandler(WebhookDispatcher dispatcher) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is PublishWebhook;

    /// <summary>A fan-out adds each subscription's delivery, and starts its run, once (keyed by round and effect id): doing it again adds nothing.</summary>
    public bool Idempotent => true;

    public Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken) =>
        dispatcher.FanOutAsync(context.RoundId, (PublishWebhook)effect, cancellationToken);
}
