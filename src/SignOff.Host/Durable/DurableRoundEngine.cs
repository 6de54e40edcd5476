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
    public Task<bool> SettleAsync(TimeSpan within, CancellationToken cancellationToken) => runtime.SettleAsync(EffectsInstancesAsync, within, cancellationToken);

    private async IAsyncEnumerable<string> EffectsInstancesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in AllRecordsAsync(cancellationToken))
        {
            for (var transition = 1L; transition <= record.Transitions; transition++)
            {
                yield return WorkflowNames.EffectsInstanceId(record.Round.RoundId, transition);
            }
        }
    }

    /// <summary>An orchestration instance as the task hub has it (a transition's effects, an alarm), or null.</summary>
    public Task<OrchestrationState?> InstanceAsync(string instanceId) => runtime.InstanceAsync(instanceId);

    /// <inheritdoc/>
    public override Task<RoundRecord?> LoadRecordAsync(string roundId, CancellationToken cancellationToken) =>
        runtime.ReadEntityAsync<RoundRecord>(EntityOf(roundId), Logger, cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<RoundRecord> AllRecordsAsync(CancellationToken cancellationToken) =>
        runtime.ReadEntitiesAsync<RoundRecord>(WorkflowNames.RoundEntity, cancellationToken);

    /// <summary>Sends an operation to a round's entity (tests use it to send what a request never would).</summary>
    internal Task SignalAsync(string roundId, string operation, object? input, Guid requestId) =>
        runtime.SignalEntityAsync(EntityOf(roundId), operation, input, requestId);

    private static EntityId EntityOf(string roundId) => new(WorkflowNames.RoundEntity, roundId);

    /// <summary>The same round and trigger, the same request id: the backend drops the second of two identical signals.</summary>
    private static Guid RequestId(string roundId, string triggerId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{roundId}\n{triggerId}")).AsSpan(0, 16));
}
