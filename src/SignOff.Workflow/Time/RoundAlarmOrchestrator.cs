using Microsoft.DurableTask;

namespace SignOff.Workflow.Time;

/// <summary>Waits until an instant with a durable timer, then wakes the round (or the agreement: <see cref="AlarmRequest.Entity"/>).</summary>
/// <remarks>
/// <para>The round decides what the alarm means: it fires whatever its own clock says is due, so
/// an alarm for a timer since cleared wakes it for nothing, harmlessly. Long waits (a reminder
/// three months ahead) are split by the SDK into timers no longer than the worker's
/// <c>MaximumTimerInterval</c>, each surviving a restart.</para>
/// <para>Never reads a clock: the instant is its input.</para>
/// </remarks>
public sealed class RoundAlarmOrchestrator : TaskOrchestrator<AlarmRequest, bool>
{
    public override async Task<bool> RunAsync(TaskOrchestrationContext context, AlarmRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (input.WakeAt > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.WakeAt.UtcDateTime, CancellationToken.None);
        }

        // The instant goes as the operation's input, boxed: passed bare, a DateTimeOffset converts
        // implicitly to SignalEntityOptions and makes this a *scheduled* signal, which the backend
        // re-queues to itself around its due time instead of delivering (seen on Azurite).
        object rang = input.WakeAt;
        await context.Entities.SignalEntityAsync(new Microsoft.DurableTask.Entities.EntityInstanceId(string.IsNullOrEmpty(input.Entity) ? WorkflowNames.RoundEntity : input.Entity, input.RoundId),
            WorkflowNames.Operations.Tick, input: rang);
        return true;
    }
}
