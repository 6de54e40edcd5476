using System.Security.Cryptography;
using System.Text;
using DurableTask.Core;
using DurableTask.Core.Entities;
using SignOff.Core.Agreements;
using SignOff.Host.Commands;
using SignOff.Storage.Agreements;
using SignOff.Workflow;
using SignOff.Workflow.Agreements;

namespace SignOff.Host.Durable;

/// <summary>
/// The register's engine over agreement entities, whatever reaches them: triggers are signals to
/// the agreement's entity, and the answer is read back from the entity's state.
/// </summary>
/// <remarks>
/// As <see cref="EntityRoundEngine"/>: the trigger is first decided against the entity's current
/// state with the same pure <see cref="AgreementProcess"/>, so a refusal is answered at once; an
/// acceptable one is signalled and the request waits, bounded, for the entity to show it applied
/// or refused. The answer waits for the read side too, so the list and the history show the act.
/// Two adapters, as for rounds: <see cref="DurableAgreementEngine"/> on the local runtime, and the
/// Functions app's over its Durable client.
/// </remarks>
public abstract class EntityAgreementEngine(AgreementProcess process, AgreementReadModel readModel, TimeProvider time, TimeSpan confirmTimeout, ILogger logger)
    : IAgreementEngine
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ListedWithin = TimeSpan.FromSeconds(10);

    /// <summary>Where the engine explains itself.</summary>
    protected ILogger Logger => logger;

    public async Task<AgreementDecision> RunAsync(string agreementId, AgreementTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var record = await LoadRecordAsync(agreementId, cancellationToken);
        var decision = process.Decide(record?.Agreement, trigger, time.GetUtcNow());
        if (decision is not AgreementDecision.Accepted accepted)
        {
            return decision;
        }

        await SendAsync(agreementId, trigger, cancellationToken);
        var started = time.GetTimestamp();
        for (var wait = FirstPoll; ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPoll.Ticks)))
        {
            await Task.Delay(wait, cancellationToken);
            var now = await LoadRecordAsync(agreementId, cancellationToken);
            if (now is not null && now.Applied(trigger.TriggerId))
            {
                await readModel.CatchUpAsync(agreementId, now.EventCount, ListedWithin, cancellationToken);
                return accepted with { State = now.Agreement };
            }

            if (now?.RefusalOf(trigger.TriggerId) is { } refused)
            {
                return new AgreementDecision.Rejected(refused.Code, refused.Message);
            }

            if (time.GetElapsedTime(started) > confirmTimeout)
            {
                logger.LogWarning("Agreement {AgreementId} did not confirm {TriggerId} within {Timeout}", agreementId, trigger.TriggerId, confirmTimeout);
                throw new AgreementBusyException(agreementId, trigger.TriggerId, confirmTimeout);
            }
        }
    }

    public async Task<AgreementState?> LoadAsync(string agreementId, CancellationToken cancellationToken) =>
        (await LoadRecordAsync(agreementId, cancellationToken))?.Agreement;

    /// <remarks>Waits, bounded, until every agreement woken has nothing left due, as the rounds' sweep does.</remarks>
    public async Task<int> FireDueTimersAsync(bool clockMoved, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var record in AllRecordsAsync(cancellationToken))
        {
            if (record.Agreement.Status == AgreementStatus.Ended)
            {
                continue;
            }

            var count = record.Agreement.Timers.Count(t => t.DueAt <= now);
            if (count > 0)
            {
                due[record.Agreement.AgreementId] = count;
            }

            if (count > 0 || clockMoved)
            {
                await WakeAsync(record.Agreement.AgreementId, cancellationToken);
            }
        }

        var started = time.GetTimestamp();
        var waiting = due.Keys.ToHashSet(StringComparer.Ordinal);
        while (waiting.Count > 0 && time.GetElapsedTime(started) < confirmTimeout)
        {
            await Task.Delay(LongestPoll, cancellationToken);
            foreach (var agreementId in waiting.ToList())
            {
                if (await LoadRecordAsync(agreementId, cancellationToken) is not { } record || !record.Agreement.Timers.Any(t => t.DueAt <= now))
                {
                    waiting.Remove(agreementId);
                }
            }
        }

        return due.Values.Sum();
    }

    /// <summary>The entity's record of an agreement, or null when it is not in the register.</summary>
    public abstract Task<AgreementRecord?> LoadRecordAsync(string agreementId, CancellationToken cancellationToken);

    /// <summary>Every agreement's record, as the entities hold them.</summary>
    public abstract IAsyncEnumerable<AgreementRecord> AllRecordsAsync(CancellationToken cancellationToken);

    /// <summary>Signals the agreement's entity to apply a trigger (sending the same trigger twice must be harmless).</summary>
    protected abstract Task SendAsync(string agreementId, AgreementTrigger trigger, CancellationToken cancellationToken);

    /// <summary>Signals the agreement's entity to fire whatever is due.</summary>
    protected abstract Task WakeAsync(string agreementId, CancellationToken cancellationToken);
}

/// <summary>The register's engine on the local Durable Task runtime: signals go straight to the backend's queues, entities are read through its entity queries.</summary>
/// <remarks>The signal's request id derives from the agreement and the trigger id, so the same request sent twice is one message to the backend's de-duplication.</remarks>
public sealed class DurableAgreementEngine(LocalDurableRuntime runtime, AgreementProcess process, AgreementReadModel readModel, TimeProvider time, DurableOptions options,
    ILogger<DurableAgreementEngine> logger) : EntityAgreementEngine(process, readModel, time, options.ConfirmTimeout, logger)
{
    protected override Task SendAsync(string agreementId, AgreementTrigger trigger, CancellationToken cancellationToken) =>
        SignalAsync(agreementId, WorkflowNames.Operations.Apply, trigger, RequestId(agreementId, trigger.TriggerId));

    protected override Task WakeAsync(string agreementId, CancellationToken cancellationToken) =>
        SignalAsync(agreementId, WorkflowNames.Operations.Tick, null, Guid.NewGuid());

    /// <summary>
    /// Waits until every transition of every agreement has had its effects run (or given up), as
    /// <see cref="DurableRoundEngine.SettleAsync"/> does for rounds: a test looks at the emails and
    /// webhooks of an agreement afterwards. Alarms waiting for their instant are not waited for.
    /// </summary>
    /// <returns>True when everything settled within the time allowed.</returns>
    public Task<bool> SettleAsync(TimeSpan within, CancellationToken cancellationToken) => runtime.SettleAsync(EffectsInstancesAsync, within, cancellationToken);

    private async IAsyncEnumerable<string> EffectsInstancesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in AllRecordsAsync(cancellationToken))
        {
            for (var transition = 1L; transition <= record.Transitions; transition++)
            {
                yield return WorkflowNames.AgreementEffectsInstanceId(record.Agreement.AgreementId, transition);
            }
        }
    }

    /// <summary>The entity's record of an agreement, or null when it is not in the register.</summary>
    public override Task<AgreementRecord?> LoadRecordAsync(string agreementId, CancellationToken cancellationToken) =>
        runtime.ReadEntityAsync<AgreementRecord>(EntityOf(agreementId), Logger, cancellationToken);

    /// <summary>Every agreement's record, as the entities hold them.</summary>
    public override IAsyncEnumerable<AgreementRecord> AllRecordsAsync(CancellationToken cancellationToken) =>
        runtime.ReadEntitiesAsync<AgreementRecord>(WorkflowNames.AgreementEntity, cancellationToken);

    private Task SignalAsync(string agreementId, string operation, object? input, Guid requestId) =>
        runtime.SignalEntityAsync(EntityOf(agreementId), operation, input, requestId);

    private static EntityId EntityOf(string agreementId) => new(WorkflowNames.AgreementEntity, agreementId);

    /// <summary>Apart from the round's: the agreement shares its first round's id.</summary>
    private static Guid RequestId(string agreementId, string triggerId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"agreement\n{agreementId}\n{triggerId}")).AsSpan(0, 16));
}
