using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using SignOff.Host.Webhooks;
using SignOff.Workflow;
using SignOff.Workflow.Webhooks;

namespace SignOff.Host.Durable;

/// <summary>Webhook delivery orchestrations on the local task hub: started and woken by sending the backend its own messages.</summary>
/// <remarks>
/// Inputs and event payloads are serialised with <see cref="WorkflowJson.Converter"/>, the
/// converter the workflow classes read them with (the framework's <c>TaskHubClient</c> would use
/// its own).
/// </remarks>
public sealed class TaskHubWebhookRuns(LocalDurableRuntime runtime) : IWebhookRuns
{
    /// <summary>Every status: an instance that exists in any state is not started again (a replay has its own id).</summary>
    private static readonly OrchestrationStatus[] AnyStatus = Enum.GetValues<OrchestrationStatus>();

    public async Task StartAsync(WebhookDeliveryRef delivery, string instanceId, CancellationToken cancellationToken)
    {
        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        var start = new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, WorkflowJson.Converter.Serialize(delivery))
            {
                Name = WorkflowNames.WebhookDelivery,
                Version = "",
                OrchestrationInstance = instance,
            },
        };
        try
        {
            await runtime.Service.CreateTaskOrchestrationAsync(start, AnyStatus);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Started before (the fan-out ran again after a crash): one run per instance id.
        }
    }

    public Task WakeAsync(string instanceId, CancellationToken cancellationToken) =>
        runtime.Service.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new EventRaisedEvent(-1, WorkflowJson.Converter.Serialize(true)) { Name = WorkflowNames.Events.ClockMoved },
        });
}
