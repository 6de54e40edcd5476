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
/// The round engine on the local Durable Task runtime: triggers are signals to the round's
/// entity, and the answer is read back from the entity's state.
/// </summary>
/// <remarks>
/// <para>A person's request is validated first with the same pure <see cref="RoundProcess.Decide"/>
/// against the entity's current state, so a refusal (a stale version, a withdrawn partner) is
/// answered at once and nothing is sent. An acceptable trigger is signalled, and the request
/// waits — bounded — until the entity's state shows the trigger id applied, or refused (the round
/// may have moved in between): it never answers "recorded" for something the round refused.</para>
/// <para>The signal's request id is derived from the round and the trigger id, so the same
/// request sent twice is one message to the backend's de-duplication, and one trigger to the
/// round's (<see cref="RoundState.ProcessedTriggers"/>) in any case.</para>
/// </remarks>
public sealed class DurableRoundEngine(LocalDurableRuntime runtime, RoundProcess process, RoundReadModel readModel, TimeProvider time, DurableOptions options,
    ILogger<DurableRoundEngine> logger)
    : IRoundEngine
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ListedWithin = TimeSpan.FromSeconds(10);

    public async Task<RoundDecision> RunAsync(string roundId, Func<RoundState?, RoundTrigger> make, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(make);
        var record = await LoadRecordAsync(roundId, cancellationToken);
        var trigger = make(record?.Round);
        var decision = process.Decide(record?.Round, trigger, time.GetUtcNow());
        if (decision is not RoundDecision.Accepted accepted)
        {
            return decision;
        }

        await SignalAsync(roundId, WorkflowNames.Operations.Apply, trigger, RequestId(roundId, trigger.TriggerId));
        var started = time.GetTimestamp();
        for (var wait = FirstPoll; ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPoll.Ticks)))
        {
            await Task.Delay(wait, cancellationToken);
            var now = await LoadRecordAsync(roundId, cancellationToken);
            if (now is not null && now.Applied(trigger.TriggerId))
            {
                if (trigger is StartRound)
                {
                    // Listed before answering, so the coordinator sent back to the list finds it there.
                    // Later transitions are not waited for: the round's own page reads the entity.
                    await readModel.CatchUpAsync(roundId, now.Round.EventCount, ListedWithin, cancellationToken);
                }

                return accepted with { State = now.Round };
            }

            if (now?.RefusalOf(trigger.TriggerId) is { } refused)
            {
                return new RoundDecision.Rejected(refused.Code, refused.Message);
            }

            if (time.GetElapsedTime(started) > options.ConfirmTimeout)
            {
                logger.LogWarning("Round {RoundId} did not confirm {TriggerId} within {Timeout}", roundId, trigger.TriggerId, options.ConfirmTimeout);
                throw new RoundBusyException(roundId, trigger.TriggerId, options.ConfirmTimeout);
            }
        }
    }

    public async Task<RoundState?> LoadAsync(string roundId, CancellationToken cancellationToken) =>
        (await LoadRecordAsync(roundId, cancellationToken))?.Round;

    /// <remarks>
    /// After a clock move every open round is woken, not only those with something due: a round
    /// whose alarm was set for a real instant computed before the move must set it again (see
    /// <see cref="SignOff.Workflow.Time.WorkflowClock.ToWall"/>).
    /// </remarks>
    public async Task<int> FireDueTimersAsync(bool clockMoved, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var record in AllRecordsAsync(cancellationToken))
        {
            if (record.Round.IsClosed)
            {
                continue;
            }

            var count = record.Round.Timers.Count(t => t.DueAt <= now);
            if (count > 0)
            {
                due[record.Round.RoundId] = count;
            }

            if (count > 0 || clockMoved)
            {
                await SignalAsync(record.Round.RoundId, WorkflowNames.Operations.Tick, null, Guid.NewGuid());
            }
        }

        // Wait until every round woken has nothing left due (bounded): the caller expects what
        // fell due to have fired when the clock's move is answered.
        var started = time.GetTimestamp();
        var waiting = due.Keys.ToHashSet(StringComparer.Ordinal);
        while (waiting.Count > 0 && time.GetElapsedTime(started) < options.ConfirmTimeout)
        {
            await Task.Delay(LongestPoll, cancellationToken);
            foreach (var roundId in waiting.ToList())
            {
                if (await LoadRecordAsync(roundId, cancellationToken) is not { } record || !record.Round.Timers.Any(t => t.DueAt <= now))
                {
                    waiting.Remove(roundId);
                }
            }
        }

        return due.Values.Sum();
    }

    /// <summary>
    /// Waits until every transition of every round has had its effects run (or given up), so a
    /// test or the benchmark can look at the world afterwards. Alarms waiting for their instant
    /// are not waited for.
    /// </summary>
    /// <returns>True when everything settled within the time allowed.</returns>
    public async Task<bool> SettleAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
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

            if (time.GetElapsedTime(started) > within)
            {
                return false;
            }

            await Task.Delay(LongestPoll, cancellationToken);
        }
    }

    /// <summary>An orchestration instance as the task hub has it (a transition's effects, an alarm), or null.</summary>
    public async Task<OrchestrationState?> InstanceAsync(string instanceId) =>
        (await ((IOrchestrationServiceClient)runtime.Service).GetOrchestrationStateAsync(instanceId, allExecutions: false)).FirstOrDefault();

    /// <summary>The entity's record of a round, or null when the round does not exist.</summary>
    /// <remarks>
    /// A large state lives in a blob the instance row names; the entity's next commit writes a new
    /// blob and removes the old, so a read that falls between the row and the blob finds the blob
    /// gone. That is a read of a state already superseded: read again.
    /// </remarks>
    public async Task<RoundRecord?> LoadRecordAsync(string roundId, CancellationToken cancellationToken)
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
                logger.LogDebug("Round {RoundId}'s state moved while it was read (attempt {Attempt}); reading again", roundId, attempt);
            }
        }
    }

    /// <summary>Every round's record, as the entities hold them.</summary>
    public async IAsyncEnumerable<RoundRecord> AllRecordsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
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
