using SignOff.Core.Rounds;

namespace SignOff.Workflow.Webhooks;

/// <summary>One delivery: an event for one subscription, and the orchestration instance that runs it.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="DeliveryId">The delivery, unique across rounds (round id and effect id).</param>
public sealed record WebhookDeliveryRef(string SubscriptionId, string DeliveryId);

/// <summary>What one call of <see cref="IWebhookAttempts.AttemptAsync"/> found or did, and what comes next.</summary>
/// <param name="Next">What the delivery's orchestration does next.</param>
/// <param name="WaitFor">With <see cref="WebhookNext.Wait"/>: how long until the next attempt is due (real time).</param>
/// <param name="RoundId">The round the delivery belongs to; empty for a test event and for an event of the agreement register.</param>
/// <param name="Failure">With <see cref="WebhookNext.GiveUp"/>: what to record in the round's audit log, or the agreement's history.</param>
/// <param name="AgreementId">The agreement an event of the register belongs to; empty for a round's event.</param>
public sealed record WebhookStep(WebhookNext Next, TimeSpan? WaitFor = null, string RoundId = "", DeliveryFailure? Failure = null, string AgreementId = "")
{
    /// <summary>Nothing more to do: delivered, held, or another instance runs it now.</summary>
    public static WebhookStep Done { get; } = new(WebhookNext.Stop);

    /// <summary>Wait, then attempt again.</summary>
    public static WebhookStep After(TimeSpan wait) => new(WebhookNext.Wait, wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
}

/// <summary>What a delivery's orchestration does after an attempt.</summary>
public enum WebhookNext
{
    /// <summary>Finished for now: delivered; or held (the subscription paused, to be replayed when resumed); or superseded by a replay.</summary>
    Stop,

    /// <summary>Not delivered yet: wait <see cref="WebhookStep.WaitFor"/>, then attempt again.</summary>
    Wait,

    /// <summary>Given up (410 Gone, or the last attempt failed): the subscription is disabled; tell the round, or the agreement.</summary>
    GiveUp,
}

/// <summary>Sends a webhook delivery when it is due and records the outcome in the delivery log.</summary>
/// <remarks>
/// Called at least once per step: the implementation keeps the delivery's state (attempts, next
/// attempt, status) in its own table, conditioned on the runner's instance id, so a repeated call
/// finds the attempt made and answers from the record, and an instance superseded by a replay
/// finds it no longer runs the delivery and stops. A receiver sees the same <c>webhook-id</c> on
/// every attempt, so it can deduplicate the rare repeat a crash mid-send makes.
/// </remarks>
public interface IWebhookAttempts
{
    /// <summary>Attempts the delivery if it is due, for the instance <paramref name="runner"/>.</summary>
    Task<WebhookStep> AttemptAsync(WebhookDeliveryRef delivery, string runner, CancellationToken cancellationToken);
}
