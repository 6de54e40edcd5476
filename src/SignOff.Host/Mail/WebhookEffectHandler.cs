using SignOff.Core.Rounds;
using SignOff.Storage.Execution;

namespace SignOff.Host.Mail;

/// <summary>
/// Webhook events: recorded in the log for now. Subscriptions, signing and delivery come with
/// the webhooks capability; until then no system can subscribe, so there is nobody to deliver to.
/// </summary>
public sealed class WebhookEffectHandler(ILogger<WebhookEffectHandler> logger) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is PublishWebhook;

    public Task PerformAsync(string roundId, RoundEffect effect, CancellationToken cancellationToken)
    {
        var e = ((PublishWebhook)effect).Event;
        logger.LogInformation("Webhook event {Type} for round {RoundId} partner {PartnerId}: no subscriptions", e.Type, roundId, e.PartnerId);
        return Task.CompletedTask;
    }
}
