using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Entities;
using DurableTask.Core.Entities.OperationFormat;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using SignOff.Core.Rounds;
using SignOff.Storage;
using SignOff.Core.Agreements;
using SignOff.Workflow;
using SignOff.Workflow.Agreements;
using SignOff.Workflow.Effects;
using SignOff.Workflow.Rounds;
using SignOff.Workflow.Time;
using SignOff.Workflow.Webhooks;

namespace SignOff.Host.Durable;

/// <summary>
/// The Durable Task Framework's own worker (<see cref="TaskHubWorker"/>) over Azure Storage,
/// running SignOff's workflow classes in this process: the same classes, and the same task-hub
/// format, as Durable Functions on Azure Storage.
/// </summary>
/// <remarks>
/// <para>The classes are written against <c>Microsoft.DurableTask</c>'s abstractions and handed to
/// the framework through the SDK's public <see cref="DurableTaskShimFactory"/>. Entities run on
/// their own work-item queue (<c>UseSeparateQueueForEntityWorkItems</c>) through a dispatcher
/// middleware, since the shim needs each entity's id.</para>
/// <para>Several processes may share one task hub: partitions of the control queues are leased
/// out between them, and each entity and orchestration belongs to one partition, so it is run by
/// one process at a time. No app lease: a restarted process need not wait for a dead one's.</para>
/// </remarks>
public sealed class LocalDurableRuntime : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider services;
    private readonly ILoggerFactory loggers;
    private readonly DurableOptions options;
    private readonly TaskHubWorker worker;
    private int started;

    public LocalDurableRuntime(IServiceProvider services, StorageOptions storage, DurableOptions options, ILoggerFactory loggers)
    {
        this.services = services;
        this.loggers = loggers;
        this.options = options;
        TaskHub = options.TaskHubFor(storage.Prefix);
        Service = new AzureStorageOrchestrationService(options.ServiceSettings(storage, TaskHub, loggers));
        Queries = ((IEntityOrchestrationService)Service).EntityBackendQueries
            ?? throw new InvalidOperationException("The Azure Storage backend offers no entity queries.");
        worker = new TaskHubWorker(Service, loggers);
    }

    /// <summary>The task hub's name.</summary>
    public string TaskHub { get; }

    /// <summary>The backend, for sending messages to entities and orchestrations.</summary>
    public AzureStorageOrchestrationService Service { get; }

    /// <summary>Entity reads.</summary>
    public EntityBackendQueries Queries { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Service.CreateIfNotExistsAsync();
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions
        {
            DataConverter = WorkflowJson.Converter,
            EnableEntitySupport = true,
            MaximumTimerInterval = options.MaximumTimerInterval,
        }, loggers);

        var process = services.GetRequiredService<RoundProcess>();
        var clock = services.GetRequiredService<WorkflowClock>();
        var retry = services.GetRequiredService<EffectRetryPolicy>();
        var register = services.GetRequiredService<AgreementProcess>();
        worker.AddTaskOrchestrations(
            new Named<TaskOrchestration>(WorkflowNames.RoundEffects, () => shims.CreateOrchestration(WorkflowNames.RoundEffects, new RoundEffectsOrchestrator(retry))),
            new Named<TaskOrchestration>(WorkflowNames.AgreementEffects, () => shims.CreateOrchestration(WorkflowNames.AgreementEffects, new AgreementEffectsOrchestrator(retry))),
            new Named<TaskOrchestration>(WorkflowNames.RoundAlarm, () => shims.CreateOrchestration(WorkflowNames.RoundAlarm, new RoundAlarmOrchestrator())),
            new Named<TaskOrchestration>(WorkflowNames.WebhookDelivery, () => shims.CreateOrchestration(WorkflowNames.WebhookDelivery, new WebhookDeliveryOrchestrator())));
        worker.AddTaskActivities(
            new Named<DurableTask.Core.TaskActivity>(WorkflowNames.RecordTransition,
                () => shims.CreateActivity(WorkflowNames.RecordTransition, new RecordTransitionActivity(services.GetRequiredService<IRoundProjection>()))),
            new Named<DurableTask.Core.TaskActivity>(WorkflowNames.PerformEffect,
                () => shims.CreateActivity(WorkflowNames.PerformEffect, new PerformEffectActivity(services.GetRequiredService<IEffectPerformer>()))),
            new Named<DurableTask.Core.TaskActivity>(WorkflowNames.RecordAgreementTransition,
                () => shims.CreateActivity(WorkflowNames.RecordAgreementTransition, new RecordAgreementTransitionActivity(services.GetRequiredService<IAgreementProjection>()))),
            new Named<DurableTask.Core.TaskActivity>(WorkflowNames.PerformAgreementEffect,
                () => shims.CreateActivity(WorkflowNames.PerformAgreementEffect, new PerformAgreementEffectActivity(services.GetRequiredService<IAgreementEffectPerformer>()))),
            new Named<DurableTask.Core.TaskActivity>(WorkflowNames.AttemptWebhook,
                () => shims.CreateActivity(WorkflowNames.AttemptWebhook, new AttemptWebhookActivity(services.GetRequiredService<IWebhookAttempts>()))));
        var entityLogger = loggers.CreateLogger<RoundEntity>();
        var agreementLogger = loggers.CreateLogger<AgreementEntity>();
        worker.AddEntityDispatcherMiddleware(async (context, next) =>
        {
            var request = context.GetProperty<EntityBatchRequest>();
            var id = EntityId.FromString(request.InstanceId!);
            Microsoft.DurableTask.Entities.ITaskEntity implementation = id.Name.ToLowerInvariant() switch
            {
                WorkflowNames.RoundEntity => new RoundEntity(process, clock, entityLogger),
                WorkflowNames.AgreementEntity => new AgreementEntity(register, clock, agreementLogger),
                _ => throw new InvalidOperationException($"There is no entity '{id.Name}'."),
            };

            var entity = shims.CreateEntity(id.Name, implementation, id);
            context.SetProperty(await entity.ExecuteOperationBatchAsync(request));
            await next();
        });
        await worker.StartAsync();
        Interlocked.Exchange(ref started, 1);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Once, whichever comes first: the host stopping its services, or the container disposing them.
        if (Interlocked.Exchange(ref started, 0) == 1)
        {
            await worker.StopAsync(isForced: true);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    /// <summary>The framework's factory shape: a name and a way to make one.</summary>
    private sealed class Named<T> : ObjectCreator<T>
    {
        private readonly Func<T> create;

        public Named(string name, Func<T> create)
        {
            Name = name;
            Version = "";
            this.create = create;
        }

        public override T Create() => create();
    }
}
