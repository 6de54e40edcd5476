using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using SignOff.Host.Webhooks;
using SignOff.Workflow;
using SignOff.Workflow.Webhooks;

namespace SignOff.Functions.Durable;

/// <summary>Webhook delivery orchestrations in the Functions app, started and woken through the Durable client of the invocation in hand.</summary>
public sealed class DurableClientWebhookRuns(DurableClients clients) : IWebhookRuns
{
    /// <remarks>
    /// An instance that exists already, in any state, is left alone: Durable Functions would
    /// otherwise replace a finished instance with a new run. (Two starts racing past the check
    /// are harmless too: the delivery's record names its run, and a delivered event is not sent
    /// again.)
    /// </remarks>
    public async Task StartAsync(WebhookDeliveryRef delivery, string instanceId, CancellationToken cancellationToken)
    {
        var client = clients.Current;
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.WebhookDelivery, delivery,
            new StartOrchestrationOptions(instanceId).WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]), cancellationToken);
    }

    public Task WakeAsync(string instanceId, CancellationToken cancellationToken) =>
        clients.Current.RaiseEventAsync(instanceId, WorkflowNames.Events.ClockMoved, true, cancellationToken);
}
