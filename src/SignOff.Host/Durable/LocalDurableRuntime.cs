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

    /// <summary>
    /// Waits until every orchestration the ids name has finished (completed, failed or terminated),
    /// looking again every 100 ms: the engines name their transitions' effects, so a test or the
    /// benchmark can look at the world afterwards. An id not started yet counts as pending — an
    /// entity's commit starts it a moment later.
    /// </summary>
    /// <param name="instanceIds">The ids to wait for, read afresh at each look (new transitions appear while waiting).</param>
    /// <param name="within">How long to wait at most.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when all finished within the time allowed.</returns>
    public async Task<bool> SettleAsync(Func<CancellationToken, IAsyncEnumerable<string>> instanceIds, TimeSpan within, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var settled = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var pending = 0;
            await foreach (var id in instanceIds(cancellationToken))
            {
                if (settled.Contains(id))
                {
                    continue;
                }

                if (await InstanceAsync(id) is { OrchestrationStatus: OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated })
                {
                    settled.Add(id);
                }
                else
                {
                    pending++;
                }
            }

            if (pending == 0)
            {
                return true;
            }

            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) > within)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>An entity's state (a round's or an agreement's record), or null when it has none.</summary>
    /// <remarks>
    /// A large state lives in a blob the instance row names; the entity's next commit writes a new
    /// blob and removes the old, so a read that falls between the row and the blob finds the blob
    /// gone. That is a read of a state already superseded: read again.
    /// </remarks>
    public async Task<T?> ReadEntityAsync<T>(EntityId entity, ILogger logger, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(logger);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var found = await Queries.GetEntityAsync(entity, includeState: true, includeStateless: false, cancellationToken);
                return found?.SerializedState is { } json ? WorkflowJson.Converter.Deserialize<T>(json) : null;
            }
            catch (Exception ex) when (ex.InnerException is Azure.RequestFailedException { Status: 404, ErrorCode: "BlobNotFound" } && attempt < 10)
            {
                logger.LogDebug("{Entity}'s state moved while it was read (attempt {Attempt}); reading again", entity, attempt);
            }
        }
    }

    /// <summary>The state of every entity of one kind (every round's record, every agreement's), a page of 100 at a time.</summary>
    public async IAsyncEnumerable<T> ReadEntitiesAsync<T>(string entityName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new EntityBackendQueries.EntityQuery { InstanceIdStartsWith = $"@{entityName}@", IncludeState = true, PageSize = 100 };
        do
        {
            var page = await Queries.QueryEntitiesAsync(query, cancellationToken);
            foreach (var entity in page.Results)
            {
                if (entity.SerializedState is { } json)
                {
                    yield return WorkflowJson.Converter.Deserialize<T>(json)!;
                }
            }

            query = new EntityBackendQueries.EntityQuery
            {
                InstanceIdStartsWith = query.InstanceIdStartsWith,
                IncludeState = true,
                PageSize = query.PageSize,
                ContinuationToken = page.ContinuationToken,
            };
        }
        while (query.ContinuationToken is not null);
    }

    /// <summary>Sends an operation to an entity straight to the backend's queue; the request id lets the backend drop a second identical signal.</summary>
    public Task SignalEntityAsync(EntityId entity, string operation, object? input, Guid requestId)
    {
        var target = new OrchestrationInstance { InstanceId = entity.ToString() };
        var signal = ClientEntityHelpers.EmitOperationSignal(target, requestId, operation, input is null ? null : WorkflowJson.Converter.Serialize(input), null);
        return Service.SendTaskOrchestrationMessageAsync(signal.AsTaskMessage());
    }

    /// <summary>An orchestration instance as the task hub has it (a transition's effects, an alarm), or null.</summary>
    public async Task<OrchestrationState?> InstanceAsync(string instanceId) =>
        (await ((IOrchestrationServiceClient)Service).GetOrchestrationStateAsync(instanceId, allExecutions: false)).FirstOrDefault();

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
