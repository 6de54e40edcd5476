using SignOff.Core.Rounds;
using SignOff.Storage.Execution;

namespace SignOff.Host.Webhooks;

/// <summary>
/// Performs webhook effects: records a delivery for every interested subscription. The effect is
/// done when the deliveries are durably recorded; sending them is the dispatcher's, so a slow
/// receiver never holds up a round's emails.
/// </summary>
public sealed class WebhookEffectHandler(WebhookDispatcher dispatcher) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is PublishWebhook;

    public Task PerformAsync(string roundId, RoundEffect effect, CancellationToken cancellationToken) =>
        dispatcher.FanOutAsync(roundId, (PublishWebhook)effect, cancellationToken);
}
