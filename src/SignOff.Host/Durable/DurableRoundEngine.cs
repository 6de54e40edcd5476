using System.Security.Cryptography;
using System.Text;
using DurableTask.Core;
using DurableTask.Core.Entities;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Storage.Rounds;
using SignOff.Workflow;
using SignOff.Workflow.Rounds;

namespace SignOff.Host.Durable;

/// <summary>
/// The round engine on the local Durable Task runtime: signals go straight to the backend's
/// queues, and entities are read through its entity queries.
/// </summary>
/// <remarks>
/// The signal's request id is derived from the round and the trigger id, so the same request
/// sent twice is one message to the backend's de-duplication, and one trigger to the round's
/// (<see cref="RoundState.ProcessedTriggers"/>) in any case.
/// </remarks>
public sealed class DurableRoundEngine(LocalDurableRuntime runtime, RoundProcess process, RoundReadModel readModel, TimeProvider time, DurableOptions options,
    ILogger<DurableRoundEngine> logger)
    : EntityRoundEngine(process, readModel, time, options.ConfirmTimeout, logger)
{
    protected override Task SendAsync(string roundId, RoundTrigger trigger, CancellationToken cancellationToken) =>
        SignalAsync(roundId, WorkflowNames.Operations.Apply, trigger, RequestId(roundId, trigger.TriggerId));

    protected override Task WakeAsync(string roundId, CancellationToken cancellationToken) =>
        SignalAsync(roundId, WorkflowNames.Operations.Tick, null, Guid.NewGuid());

    /// <summary>
    /// Waits until every transition of every round has had its effects run (or given up), so a
    /// test or the benchmark can look at the world afterwards. Alarms waiting for their instant
    /// are not waited for.
    /// </summary>
    /// <returns>True when everything settled within the time allowed.</returns>
    public async Task<bool> SettleAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        var settled = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var pending = 0;
            await foreach (var record in AllRecordsAsync(cancellationToken))
            {
                for (var transition = 1L; transition <= record.Transitions; transition++)
                {
                    var id = WorkflowNames.EffectsInstanceId(record.Round.RoundId, transition);
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
            }

            if (pending == 0)
            {
                return true;
            }

            if (Time.GetElapsedTime(started) > within)
            {
                return false;
            }

            await Task.Delay(LongestPoll, cancellationToken);
        }
    }

    /// <summary>An orchestration instance as the task hub has it (a transition's effects, an alarm), or null.</summary>
    public async Task<OrchestrationState?> InstanceAsync(string instanceId) =>
        (await ((IOrchestrationServiceClient)runtime.Service).GetOrchestrationStateAsync(instanceId, allExecutions: false)).FirstOrDefault();

    /// <inheritdoc/>
    /// <remarks>
    /// A large state lives in a blob the instance row names; the entity's next commit writes a new
    /// blob and removes the old, so a read that falls between the row and the blob finds the blob
    /// gone. That is a read of a state already superseded: read again.
    /// </remarks>
    public override async Task<RoundRecord?> LoadRecordAsync(string roundId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var entity = await runtime.Queries.GetEntityAsync(EntityOf(roundId), includeState: true, includeStateless: false, cancellationToken);
                return entity?.SerializedState is { } json ? WorkflowJson.Converter.Deserialize<RoundRecord>(json) : null;
            }
            catch (Exception ex) when (ex.InnerException is Azure.RequestFailedException { Status: 404, ErrorCode: "BlobNotFound" } && attempt < 10)
            {
                Logger.LogDebug("Round {RoundId}'s state moved while it was read (attempt {Attempt}); reading again", roundId, attempt);
            }
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<RoundRecord> AllRecordsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new EntityBackendQueries.EntityQuery { InstanceIdStartsWith = $"@{WorkflowNames.RoundEntity}@", IncludeState = true, PageSize = 100 };
        do
        {
            var page = await runtime.Queries.QueryEntitiesAsync(query, cancellationToken);
            foreach (var entity in page.Results)
            {
                if (entity.SerializedState is { } json)
                {
                    yield return WorkflowJson.Converter.Deserialize<RoundRecord>(json)!;
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

    /// <summary>Sends an operation to a round's entity (tests use it to send what a request never would).</summary>
    internal Task SignalAsync(string roundId, string operation, object? input, Guid requestId)
    {
        var target = new OrchestrationInstance { InstanceId = EntityOf(roundId).ToString() };
        var signal = ClientEntityHelpers.EmitOperationSignal(target, requestId, operation, input is null ? null : WorkflowJson.Converter.Serialize(input), null);
        return runtime.Service.SendTaskOrchestrationMessageAsync(signal.AsTaskMessage());
    }

    private static EntityId EntityOf(string roundId) => new(WorkflowNames.RoundEntity, roundId);

    /// <summary>The same round and trigger, the same request id: the backend drops the second of two identical signals.</summary>
    private static Guid RequestId(string roundId, string triggerId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{roundId}\n{triggerId}")).AsSpan(0, 16));
}
