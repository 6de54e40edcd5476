using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Functions.Http;
using SignOff.Host.Commands;
using SignOff.Workflow;
using SignOff.Workflow.Agreements;
using SignOff.Workflow.Effects;
using SignOff.Workflow.Rounds;
using SignOff.Workflow.Time;
using SignOff.Workflow.Webhooks;

namespace SignOff.Functions.Durable;

/// <summary>
/// The workflow classes behind Durable Functions triggers: the round entity, the orchestrators
/// and the activities, each a thin wrapper (the Durable source generator is not served here, and
/// the classes live in another assembly, where it would not see them anyway).
/// </summary>
/// <remarks>
/// <para>Names come from <see cref="WorkflowNames"/>, the names the local host registers, so a
/// task hub written by one host is read by the other.</para>
/// <para>Orchestrators await nothing but the Durable context: their only dependency, the retry
/// policy, is built from configuration when this class is, never fetched on the way in. The
/// entity and the activities do their work through SignOff's services (<see cref="SignOffWebHost"/>).</para>
/// </remarks>
public sealed class WorkflowFunctions(SignOffWebHost web, DurableClients clients, EffectRetryPolicy retry, ILogger<WorkflowFunctions> logger)
{
    [Function(WorkflowNames.RoundEntity)]
    public async Task Round([EntityTrigger] TaskEntityDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        await dispatcher.DispatchAsync(await NewRoundEntityAsync());
    }

    /// <summary>The round entity as the trigger runs it, with SignOff's decider and clock.</summary>
    public async Task<RoundEntity> NewRoundEntityAsync()
    {
        var services = (await web.ReadyAsync()).Services;
        return new RoundEntity(services.GetRequiredService<RoundProcess>(), services.GetRequiredService<WorkflowClock>(),
            services.GetRequiredService<ILogger<RoundEntity>>());
    }

    [Function(WorkflowNames.AgreementEntity)]
    public async Task Agreement([EntityTrigger] TaskEntityDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        await dispatcher.DispatchAsync(await NewAgreementEntityAsync());
    }

    /// <summary>The agreement entity as the trigger runs it, with the register's decider and SignOff's clock.</summary>
    public async Task<AgreementEntity> NewAgreementEntityAsync()
    {
        var services = (await web.ReadyAsync()).Services;
        return new AgreementEntity(services.GetRequiredService<AgreementProcess>(), services.GetRequiredService<WorkflowClock>(),
            services.GetRequiredService<ILogger<AgreementEntity>>());
    }

    [Function(WorkflowNames.AgreementEffects)]
    public Task<EffectsOutcome> AgreementEffects([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new AgreementEffectsOrchestrator(retry).RunAsync(context, Input<AgreementTransitionEffects>(context));

    [Function(WorkflowNames.RecordAgreementTransition)]
    public async Task<bool> RecordAgreementTransition([ActivityTrigger] AgreementTransitionRecord input, string instanceId)
    {
        var services = (await web.ReadyAsync()).Services;
        return await new RecordAgreementTransitionActivity(services.GetRequiredService<IAgreementProjection>())
            .RunAsync(new FunctionActivityContext(WorkflowNames.RecordAgreementTransition, instanceId), input);
    }

    [Function(WorkflowNames.PerformAgreementEffect)]
    public async Task<bool> PerformAgreementEffect([ActivityTrigger] AgreementEffectWork input, string instanceId, [DurableClient] DurableTaskClient client)
    {
        // A webhook effect starts delivery orchestrations: through this invocation's client.
        var services = (await web.ReadyAsync()).Services;
        using (clients.Use(client))
        {
            return await new PerformAgreementEffectActivity(services.GetRequiredService<IAgreementEffectPerformer>())
                .RunAsync(new FunctionActivityContext(WorkflowNames.PerformAgreementEffect, instanceId), input);
        }
    }

    [Function(WorkflowNames.RoundEffects)]
    public Task<EffectsOutcome> RoundEffects([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RoundEffectsOrchestrator(retry).RunAsync(context, Input<TransitionEffects>(context));

    [Function(WorkflowNames.RoundAlarm)]
    public static Task<bool> RoundAlarm([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RoundAlarmOrchestrator().RunAsync(context, Input<AlarmRequest>(context));

    [Function(WorkflowNames.WebhookDelivery)]
    public static Task<WebhookNext> WebhookDelivery([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new WebhookDeliveryOrchestrator().RunAsync(context, Input<WebhookDeliveryRef>(context));

    [Function(WorkflowNames.RecordTransition)]
    public async Task<bool> RecordTransition([ActivityTrigger] TransitionRecord input, string instanceId)
    {
        var services = (await web.ReadyAsync()).Services;
        return await new RecordTransitionActivity(services.GetRequiredService<IRoundProjection>())
            .RunAsync(new FunctionActivityContext(WorkflowNames.RecordTransition, instanceId), input);
    }

    [Function(WorkflowNames.PerformEffect)]
    public async Task<bool> PerformEffect([ActivityTrigger] EffectWork input, string instanceId, [DurableClient] DurableTaskClient client)
    {
        // A webhook effect starts delivery orchestrations: through this invocation's client.
        var services = (await web.ReadyAsync()).Services;
        using (clients.Use(client))
        {
            return await new PerformEffectActivity(services.GetRequiredService<IEffectPerformer>())
                .RunAsync(new FunctionActivityContext(WorkflowNames.PerformEffect, instanceId), input);
        }
    }

    [Function(WorkflowNames.AttemptWebhook)]
    public async Task<WebhookStep> AttemptWebhook([ActivityTrigger] WebhookAttemptRequest input, string instanceId)
    {
        var services = (await web.ReadyAsync()).Services;
        return await new AttemptWebhookActivity(services.GetRequiredService<IWebhookAttempts>())
            .RunAsync(new FunctionActivityContext(WorkflowNames.AttemptWebhook, instanceId), input);
    }

    /// <summary>
    /// A safety net, every ten minutes: wakes any round or agreement with a timer due. Each round's durable
    /// alarm does that on its own; this catches one that was lost (say, a task hub restored from
    /// a backup without its queues).
    /// </summary>
    [Function("Sweep")]
    public async Task<int> Sweep([TimerTrigger("0 */10 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var services = (await web.ReadyAsync()).Services;
        using (clients.Use(client))
        {
            var fired = await services.GetRequiredService<IRoundEngine>().FireDueTimersAsync(clockMoved: false, cancellationToken)
                + await services.GetRequiredService<IAgreementEngine>().FireDueTimersAsync(clockMoved: false, cancellationToken);
            if (fired > 0 || timer.IsPastDue)
            {
                logger.LogWarning("Sweep: {Fired} timer(s) were due and fired by the safety net, not by their rounds' alarms{Late}", fired,
                    timer.IsPastDue ? " (this sweep itself ran late)" : "");
            }

            return fired;
        }
    }

    private static T Input<T>(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetInput<T>() ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} has no {typeof(T).Name} input.");
    }

    /// <summary>What an activity knows of its call: its name, and the orchestration that called it (bound from the trigger's <c>instanceId</c>).</summary>
    private sealed class FunctionActivityContext(string name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
