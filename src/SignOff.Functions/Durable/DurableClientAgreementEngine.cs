using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.Extensions.Logging;
using SignOff.Core.Agreements;
using SignOff.Host.Durable;
using SignOff.Storage.Agreements;
using SignOff.Workflow;
using SignOff.Workflow.Agreements;

namespace SignOff.Functions.Durable;

/// <summary>The register's engine in the Functions app: signals and entity reads through the Durable client of the invocation in hand.</summary>
/// <remarks>The same confirmation as the local host (<see cref="EntityAgreementEngine"/>); a signal sent twice is one trigger to the agreement, which recognises its id.</remarks>
public sealed class DurableClientAgreementEngine(DurableClients clients, AgreementProcess process, AgreementReadModel readModel, TimeProvider time, DurableOptions options,
    ILogger<DurableClientAgreementEngine> logger)
    : EntityAgreementEngine(process, readModel, time, options.ConfirmTimeout, logger)
{
    public override async Task<AgreementRecord?> LoadRecordAsync(string agreementId, CancellationToken cancellationToken) =>
        await clients.Current.Entities.GetEntityAsync<AgreementRecord>(WorkflowNames.AgreementEntityId(agreementId), includeState: true, cancellationToken) is { IncludesState: true } entity
            ? entity.State
            : null;

    public override async IAsyncEnumerable<AgreementRecord> AllRecordsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new EntityQuery { InstanceIdStartsWith = $"@{WorkflowNames.AgreementEntity}@", IncludeState = true };
        await foreach (var entity in clients.Current.Entities.GetAllEntitiesAsync<AgreementRecord>(query).WithCancellation(cancellationToken))
        {
            if (entity.IncludesState)
            {
                yield return entity.State;
            }
        }
    }

    protected override Task SendAsync(string agreementId, AgreementTrigger trigger, CancellationToken cancellationToken) =>
        clients.Current.Entities.SignalEntityAsync(WorkflowNames.AgreementEntityId(agreementId), WorkflowNames.Operations.Apply, trigger, cancellation: cancellationToken);

    protected override Task WakeAsync(string agreementId, CancellationToken cancellationToken) =>
        clients.Current.Entities.SignalEntityAsync(WorkflowNames.AgreementEntityId(agreementId), WorkflowNames.Operations.Tick, cancellation: cancellationToken);
}
