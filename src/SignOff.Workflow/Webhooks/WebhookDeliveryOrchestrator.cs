using Microsoft.DurableTask;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;

namespace SignOff.Workflow.Webhooks;

/// <summary>
/// One webhook event for one subscription, from its first attempt to delivery or giving up:
/// each wait between attempts is a durable timer, so a retry three days out survives restarts and
/// deploys and costs nothing while it waits.
/// </summary>
/// <remarks>
/// <para>The schedule (the <c>RetrySchedule</c>, a receiver's <c>Retry-After</c>) is the
/// attempt's to decide, not this class's: the activity answers with how long to wait, so the
/// orchestrator never reads a clock and replays the same way every time.</para>
/// <para><b>The development clock.</b> Retries are due by the round clock, which development and
/// the tests move forward. A wait is therefore also ended by a <see cref="WorkflowNames.Events.ClockMoved"/>
/// event; the attempt then finds whether the retry is now due, and if not the orchestration
/// waits again for the rest. One event waiter is kept for the whole run and never cancelled: the
/// SDK leaves a cancelled waiter at the top of its stack, where it would swallow the next event.</para>
/// <para><b>Giving up.</b> On 410 Gone or the last failed attempt the activity has disabled the
/// subscription; this tells the round (a <see cref="ReportDeliveryFailure"/> signal), which
/// records it in the audit log and emails the coordinator through its ordinary notifications —
/// or, for an event of the agreement register, the agreement (a
/// <see cref="RecordAgreementDeliveryFailure"/> signal), which does the same in its own history.</para>
/// </remarks>
public sealed class WebhookDeliveryOrchestrator : TaskOrchestrator<WebhookDeliveryRef, WebhookNext>
{
    /// <summary>A bound on one run's loop: ten attempts and any number of clock moves fit well within it.</summary>
    public const int MaxSteps = 200;

    public override async Task<WebhookNext> RunAsync(TaskOrchestrationContext context, WebhookDeliveryRef input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        // Storage hiccups only: the attempt itself records a receiver's failures and answers Wait.
        var storageRetries = new TaskOptions(new TaskRetryOptions(new RetryPolicy(5, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(5))));
        var clockMoved = context.WaitForExternalEvent<bool>(WorkflowNames.Events.ClockMoved);
        for (var step = 0; step < MaxSteps; step++)
        {
            var outcome = await context.CallActivityAsync<WebhookStep>(WorkflowNames.AttemptWebhook, new WebhookAttemptRequest(input, context.InstanceId), storageRetries);
            switch (outcome.Next)
            {
                case WebhookNext.Wait:
                    using (var cancelTimer = new CancellationTokenSource())
                    {
                        var timer = context.CreateTimer(outcome.WaitFor ?? TimeSpan.Zero, cancelTimer.Token);
                        if (await Task.WhenAny(timer, clockMoved) == clockMoved)
                        {
                            // Cancel, not CancelAsync: that runs the cancellation on the thread pool, outside the
                            // orchestrator's episode, and the await after it would never resume.
                            cancelTimer.Cancel();
                            clockMoved = context.WaitForExternalEvent<bool>(WorkflowNames.Events.ClockMoved);
                        }
                    }

                    continue;
                case WebhookNext.GiveUp when outcome.Failure is { } failure && outcome.RoundId.Length > 0:
                    await context.Entities.SignalEntityAsync(WorkflowNames.RoundEntityId(outcome.RoundId), WorkflowNames.Operations.Apply,
                        new ReportDeliveryFailure(WorkflowNames.FailureTriggerId(context.InstanceId), failure));
                    return WebhookNext.GiveUp;
                case WebhookNext.GiveUp when outcome.Failure is { } failure && outcome.AgreementId.Length > 0:
                    await context.Entities.SignalEntityAsync(WorkflowNames.AgreementEntityId(outcome.AgreementId), WorkflowNames.Operations.Apply,
                        new RecordAgreementDeliveryFailure(WorkflowNames.FailureTriggerId(context.InstanceId), failure));
                    return WebhookNext.GiveUp;
                default:
                    return outcome.Next;
            }
        }

        throw new InvalidOperationException($"Webhook delivery {input.DeliveryId} to {input.SubscriptionId} took more than {MaxSteps} steps.");
    }
}

/// <summary>The attempt activity's input: the delivery and the instance that runs it.</summary>
public sealed record WebhookAttemptRequest(WebhookDeliveryRef Delivery, string Runner);

/// <summary>Attempts a delivery if due (see <see cref="IWebhookAttempts"/>).</summary>
public sealed class AttemptWebhookActivity(IWebhookAttempts attempts) : TaskActivity<WebhookAttemptRequest, WebhookStep>
{
    public override Task<WebhookStep> RunAsync(TaskActivityContext context, WebhookAttemptRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return attempts.AttemptAsync(input.Delivery, input.Runner, CancellationToken.None);
    }
}
