using System.Diagnostics;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Entities;
using DurableTask.Core.Entities.OperationFormat;
using Microsoft.DurableTask.Entities;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging.Abstractions;
using SignOff.Host.Durable;

namespace SignOff.Bench;

/// <summary>
/// The backend itself, with nothing of SignOff's: a counter entity on the same Durable Task
/// Framework worker, the same Azurite and the same settings, driven the way SignOff drives a
/// round (signal, then read the entity until it shows the operation). SignOff's figures are
/// reported as ratios to this.
/// </summary>
public sealed class BareEntity : IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService service;
    private readonly TaskHubWorker worker;
    private readonly EntityBackendQueries queries;

    private BareEntity(AzureStorageOrchestrationService service, TaskHubWorker worker)
    {
        this.service = service;
        this.worker = worker;
        queries = ((IEntityOrchestrationService)service).EntityBackendQueries!;
    }

    public static async Task<BareEntity> StartAsync(string connection, string hub)
    {
        var service = new AzureStorageOrchestrationService(new DurableOptions().ServiceSettings(new SignOff.Storage.StorageOptions { ConnectionString = connection }, hub, NullLoggerFactory.Instance));
        await service.CreateIfNotExistsAsync();
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { EnableEntitySupport = true }, NullLoggerFactory.Instance);
        var worker = new TaskHubWorker(service, NullLoggerFactory.Instance);
        worker.AddEntityDispatcherMiddleware(async (context, next) =>
        {
            var request = context.GetProperty<EntityBatchRequest>();
            var id = EntityId.FromString(request.InstanceId!);
            context.SetProperty(await shims.CreateEntity(id.Name, new Counter(), id).ExecuteOperationBatchAsync(request));
            await next();
        });
        await worker.StartAsync();
        return new BareEntity(service, worker);
    }

    /// <summary>Signals an increment to a counter and returns once its state shows it; the latency in ms.</summary>
    public async Task<double> IncrementAsync(string key, int expected, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var signal = ClientEntityHelpers.EmitOperationSignal(new OrchestrationInstance { InstanceId = new EntityId("counter", key).ToString() }, Guid.NewGuid(), "add", "1", null);
        await service.SendTaskOrchestrationMessageAsync(signal.AsTaskMessage());
        for (var wait = 10; ; wait = Math.Min(wait * 2, 100))
        {
            await Task.Delay(wait, ct);
            var state = await queries.GetEntityAsync(new EntityId("counter", key), includeState: true, includeStateless: false, ct);
            if (state?.SerializedState is { } json && int.Parse(json, System.Globalization.CultureInfo.InvariantCulture) >= expected)
            {
                return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }
    }

    public async ValueTask DisposeAsync() => await worker.StopAsync(isForced: true);

    private sealed class Counter : ITaskEntity
    {
        public ValueTask<object?> RunAsync(TaskEntityOperation operation)
        {
            operation.State.SetState(operation.State.GetState<int>() + operation.GetInput<int>());
            return ValueTask.FromResult<object?>(null);
        }
    }
}
