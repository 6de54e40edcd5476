using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.Extensions.Logging;
using SignOff.Core.Rounds;
using SignOff.Host.Durable;
using SignOff.Storage.Rounds;
using SignOff.Workflow;
using SignOff.Workflow.Rounds;

namespace SignOff.Functions.Durable;

/// <summary>The round engine in the Functions app: signals and entity reads through the Durable client of the invocation in hand.</summary>
/// <remarks>
/// The same confirmation as the local host (<see cref="EntityRoundEngine"/>): validate with the
/// pure decider, signal, wait for the entity's state to show the trigger. A signal sent twice
/// (a retried request) is one trigger to the round, which recognises its id.
/// </remarks>
public sealed class DurableClientRoundEngine(DurableClients clients, RoundProcess process, RoundReadModel readModel, TimeProvider time, DurableOptions options,
    ILogger<DurableClientRoundEngine> logger)
    : EntityRoundEngine(process, readModel, time, options.ConfirmTimeout, logger)
{
    public override async Task<RoundRecord?> LoadRecordAsync(string roundId, CancellationToken cancellationToken) =>
        await clients.Current.Entities.GetEntityAsync<RoundRecord>(WorkflowNames.RoundEntityId(roundId), includeState: true, cancellationToken) is { IncludesState: true } entity
            ? entity.State
            : null;

    public override async IAsyncEnumerable<RoundRecord> AllRecordsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new EntityQuery { InstanceIdStartsWith = $"@{WorkflowNames.RoundEntity}@", IncludeState = true };
        await foreach (var entity in clients.Current.Entities.GetAllEntitiesAsync<RoundRecord>(query).WithCancellation(cancellationToken))
        {
            if (entity.IncludesState)
            {
                yield return entity.State;
            }
        }
    }

    protected override Task SendAsync(string roundId, RoundTrigger trigger, CancellationToken cancellationToken) =>
        clients.Current.Entities.SignalEntityAsync(WorkflowNames.RoundEntityId(roundId), WorkflowNames.Operations.Apply, trigger, cancellation: cancellationToken);

    protected override Task WakeAsync(string roundId, CancellationToken cancellationToken) =>
        clients.Current.Entities.SignalEntityAsync(WorkflowNames.RoundEntityId(roundId), WorkflowNames.Operations.Tick, cancellation: cancellationToken);
}
