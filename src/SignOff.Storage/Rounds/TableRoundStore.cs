using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using SignOff.Core.Rounds;

namespace SignOff.Storage.Rounds;

/// <summary>A round as loaded: its snapshot and the ETag a commit must match.</summary>
public sealed record StoredRound(RoundState State, ETag ETag);

/// <summary>A round's headline, for lists.</summary>
public sealed record RoundHeadline(string RoundId, string Title, string Reference, string Status, DateOnly Deadline);

/// <summary>One transition's outbox row: its effects, and how many table rows hold them.</summary>
public sealed record OutboxRow(IReadOnlyList<RoundEffect> Effects, int Parts);

/// <summary>Whether a worker may perform an effect.</summary>
public enum EffectClaimState
{
    /// <summary>This worker holds the claim: perform the effect, then complete it.</summary>
    Claimed,

    /// <summary>The effect was performed before: skip it.</summary>
    AlreadyDone,

    /// <summary>Another worker is performing it now: leave it to them.</summary>
    HeldByAnother,
}

/// <summary>The outcome of claiming an effect.</summary>
public sealed record EffectClaim(EffectClaimState State, ETag ETag);

/// <summary>What a round's partition records about one effect (or one send of it): done, or claimed since when.</summary>
/// <param name="Id">The effect id (or, for one recipient of an email, <c>{effect id}.{n}</c>).</param>
/// <param name="Done">Performed: never again.</param>
/// <param name="ClaimedAt">When it was last claimed, in real time.</param>
/// <param name="ETag">What a takeover or a release must match.</param>
public sealed record EffectRecord(string Id, bool Done, DateTimeOffset? ClaimedAt, ETag ETag);

/// <summary>Another writer moved the round first: reload and decide again.</summary>
public sealed class RoundConcurrencyException(string roundId, Exception inner)
    : Exception($"Round '{roundId}' was changed by another writer.", inner);

/// <summary>
/// Keeps rounds in one Azure Table, a partition per round, and commits each transition as one
/// entity-group transaction.
/// </summary>
/// <remarks>
/// <para>Rows in a round's partition:</para>
/// <list type="bullet">
/// <item><c>state</c> (and <c>state:1</c>, … when large): the snapshot. Its ETag guards every commit.</item>
/// <item><c>e:{first sequence}</c>: the events of one transition, in order.</item>
/// <item><c>o:{trigger id}</c>: the outbox — the transition's effects, until dispatched.</item>
/// <item><c>t:{trigger id}</c>: the trigger-dedupe row, recording which events the trigger produced.</item>
/// <item><c>d:{effect id}</c>: an effect performed (written by dispatchers before they finish an outbox row).</item>
/// </list>
/// <para>Events and effects are grouped per transition rather than a row each, so a 200-partner
/// launch (hundreds of events and effects) still fits the 100-entity limit of one transaction.
/// The whole transition commits or nothing does: a 412 on the snapshot, or a 409 on the dedupe
/// row, means another writer got there first.</para>
/// </remarks>
public sealed class TableRoundStore(TableClient table)
{
    private const string StateRow = "state";
    private const int MaxBatchEntities = 100;
    private const long MaxBatchBytes = 4_000_000;

    /// <summary>Loads a round's snapshot, or null when it does not exist.</summary>
    public async Task<StoredRound?> LoadAsync(string roundId, CancellationToken cancellationToken = default)
    {
        var head = await table.GetEntityIfExistsAsync<TableEntity>(roundId, StateRow, cancellationToken: cancellationToken);
        if (!head.HasValue || head.Value is null)
        {
            return null;
        }

        var entity = head.Value;
        var text = ChunkedText.Read(entity);
        var overflow = entity.GetInt32("overflow") ?? 0;
        for (var i = 1; i <= overflow; i++)
        {
            var more = await table.GetEntityAsync<TableEntity>(roundId, $"{StateRow}:{i}", cancellationToken: cancellationToken);
            text += ChunkedText.Read(more.Value);
        }

        return new StoredRound(RoundJson.Deserialize<RoundState>(text), entity.ETag);
    }

    /// <summary>
    /// Every round's snapshot, in one query rather than a list and a read per round (the digests
    /// and the rounds page need whole rounds: a headline lacks the partners). Only a snapshot too
    /// large for its own row (past ~900 KB) costs a further read.
    /// </summary>
    public async Task<IReadOnlyList<RoundState>> LoadAllAsync(CancellationToken cancellationToken = default)
    {
        var rounds = new List<RoundState>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {StateRow}"), cancellationToken: cancellationToken))
        {
            if ((entity.GetInt32("overflow") ?? 0) == 0)
            {
                rounds.Add(RoundJson.Deserialize<RoundState>(ChunkedText.Read(entity)));
            }
            else if (await LoadAsync(entity.PartitionKey, cancellationToken) is { } large)
            {
                rounds.Add(large.State);
            }
        }

        return rounds;
    }

    /// <summary>
    /// Commits an accepted transition atomically: snapshot, events, outbox and dedupe row.
    /// </summary>
    /// <param name="previous">The round as loaded, or null for a new round.</param>
    /// <param name="triggerId">The trigger that was decided.</param>
    /// <param name="accepted">The decision.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new snapshot's ETag.</returns>
    /// <exception cref="RoundConcurrencyException">Another writer committed first.</exception>
    public async Task<ETag> CommitAsync(StoredRound? previous, string triggerId, RoundDecision.Accepted accepted, CancellationToken cancellationToken = default)
    {
        var roundId = accepted.State.RoundId;
        var actions = new List<TableTransactionAction>();
        var (head, more) = StateRows(accepted.State);
        actions.Add(previous is null
            ? new TableTransactionAction(TableTransactionActionType.Add, head)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, head, previous.ETag));
        actions.AddRange(more.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, m)));
        var firstSequence = accepted.State.EventCount - accepted.Events.Count + 1;
        actions.AddRange(EventRows(roundId, triggerId, firstSequence, accepted.Events).Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));

        if (!accepted.Effects.IsEmpty)
        {
            var outboxGroups = ChunkedText.Split(RoundJson.Serialize(accepted.Effects));
            for (var i = 0; i < outboxGroups.Count; i++)
            {
                var row = new TableEntity(roundId, OutboxRowKey(triggerId) + (i == 0 ? "" : $".{i}"))
                {
                    ["count"] = accepted.Effects.Count,
                    ["parts"] = outboxGroups.Count,
                };
                ChunkedText.Write(row, outboxGroups[i]);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            }
        }

        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(roundId, DedupeRowKey(triggerId))
        {
            ["firstSequence"] = firstSequence,
            ["count"] = accepted.Events.Count,
        }));

        var bytes = actions.Sum(a => ChunkedText.SizeOf((TableEntity)a.Entity));
        if (actions.Count > MaxBatchEntities || bytes > MaxBatchBytes)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Round '{roundId}': one transition needs {actions.Count} rows and {bytes} bytes, beyond one Azure Table transaction."));
        }

        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value[0].Headers.ETag ?? throw new InvalidOperationException("The table returned no ETag for the snapshot.");
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            throw new RoundConcurrencyException(roundId, ex);
        }
    }

    /// <summary>
    /// Records, for the read side, a transition the round entity committed: its events, and the
    /// snapshot unless a later one is already recorded.
    /// </summary>
    /// <remarks>
    /// Idempotent by round and sequence (event rows are keyed by their first sequence number and
    /// written whole), and never backwards: the snapshot is replaced only by one with more events,
    /// under the ETag read, so two transitions' effects recorded out of order leave the later one.
    /// </remarks>
    public async Task ProjectAsync(string triggerId, RoundState state, IReadOnlyList<RoundEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(events);
        var roundId = state.RoundId;
        var firstSequence = state.EventCount - events.Count + 1;
        for (var attempt = 1; ; attempt++)
        {
            var actions = EventRows(roundId, triggerId, firstSequence, events)
                .Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();
            var current = await table.GetEntityIfExistsAsync<TableEntity>(roundId, StateRow, select: ["eventCount"], cancellationToken: cancellationToken);
            var recorded = current.HasValue && current.Value is { } row ? row.GetInt64("eventCount") ?? 0 : -1;
            if (recorded < state.EventCount)
            {
                var (head, more) = StateRows(state);
                actions.Add(recorded < 0
                    ? new TableTransactionAction(TableTransactionActionType.Add, head)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, head, current.Value!.ETag));
                actions.AddRange(more.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, m)));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < 20)
            {
                // Another transition of the round was recorded in between: look again.
            }
        }
    }

    /// <summary>A snapshot's rows: the head, with the headline columns lists read, and any overflow.</summary>
    private static (TableEntity Head, IReadOnlyList<TableEntity> More) StateRows(RoundState state)
    {
        var groups = ChunkedText.Split(RoundJson.Serialize(state));
        var head = new TableEntity(state.RoundId, StateRow)
        {
            ["overflow"] = groups.Count - 1,
            ["status"] = RoundProcess.Kebab(state.Status),
            ["eventCount"] = state.EventCount,
            ["title"] = state.Agreement.Title,
            ["reference"] = state.Agreement.Reference,
            ["deadline"] = state.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        ChunkedText.Write(head, groups[0]);
        var more = new List<TableEntity>();
        for (var i = 1; i < groups.Count; i++)
        {
            var row = new TableEntity(state.RoundId, $"{StateRow}:{i}");
            ChunkedText.Write(row, groups[i]);
            more.Add(row);
        }

        return (head, more);
    }

    /// <summary>One transition's events share a row; a very large transition spills into ".1", ".2", ….</summary>
    private static IEnumerable<TableEntity> EventRows(string roundId, string triggerId, long firstSequence, IReadOnlyList<RoundEvent> events)
    {
        var groups = ChunkedText.Split(RoundJson.Serialize(events));
        for (var i = 0; i < groups.Count; i++)
        {
            var row = new TableEntity(roundId, EventRowKey(firstSequence) + (i == 0 ? "" : $".{i}"))
            {
                ["triggerId"] = triggerId,
                ["count"] = events.Count,
                ["parts"] = groups.Count,
            };
            ChunkedText.Write(row, groups[i]);
            yield return row;
        }
    }

    /// <summary>
    /// Waits, bounded, until the read side has recorded a round's events up to
    /// <paramref name="eventCount"/> (the count the round itself reports), so whoever reads the
    /// audit log just after acting finds their own act in it.
    /// </summary>
    /// <returns>True when caught up; false when the time ran out (the caller shows what there is).</returns>
    public async Task<bool> CatchUpAsync(string roundId, long eventCount, TimeSpan within, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var head = await table.GetEntityIfExistsAsync<TableEntity>(roundId, StateRow, select: ["eventCount"], cancellationToken: cancellationToken);
            if (head.HasValue && head.Value?.GetInt64("eventCount") >= eventCount)
            {
                return true;
            }

            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) > within)
            {
                return false;
            }

            await Task.Delay(25, cancellationToken);
        }
    }

    /// <summary>Summaries of every round (optionally only those in one status), from the snapshot rows' headline columns.</summary>
    public async Task<IReadOnlyList<RoundHeadline>> ListAsync(string? status, CancellationToken cancellationToken = default)
    {
        var filter = status is null
            ? TableClient.CreateQueryFilter($"RowKey eq {StateRow}")
            : TableClient.CreateQueryFilter($"RowKey eq {StateRow} and status eq {status}");
        var result = new List<RoundHeadline>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "status", "title", "reference", "deadline"], cancellationToken: cancellationToken))
        {
            result.Add(new RoundHeadline(e.PartitionKey, e.GetString("title") ?? "", e.GetString("reference") ?? "", e.GetString("status") ?? "",
                DateOnly.ParseExact(e.GetString("deadline") ?? "0001-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>Reads a round's events in order, from a sequence number (1-based), at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<(long Sequence, RoundEvent Event)>> ReadEventsAsync(string roundId, long fromSequence, int max, CancellationToken cancellationToken = default)
    {
        var result = new List<(long, RoundEvent)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {roundId} and RowKey ge {"e:"} and RowKey lt {"e;"}");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        foreach (var group in rows.GroupBy(r => r.RowKey.Split('.')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = long.Parse(group.Key[2..], CultureInfo.InvariantCulture);
            var count = group.First().GetInt32("count") ?? 0;
            if (first + count <= fromSequence)
            {
                continue;
            }

            var text = string.Concat(group.OrderBy(r => r.RowKey.Length).ThenBy(r => r.RowKey, StringComparer.Ordinal).Select(ChunkedText.Read));
            var events = RoundJson.Deserialize<List<RoundEvent>>(text);
            for (var i = 0; i < events.Count && result.Count < max; i++)
            {
                if (first + i >= fromSequence)
                {
                    result.Add((first + i, events[i]));
                }
            }

            if (result.Count >= max)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>The effects still waiting in a round's outbox, by trigger id.</summary>
    public async Task<IReadOnlyList<(string TriggerId, IReadOnlyList<RoundEffect> Effects)>> ReadOutboxAsync(string roundId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {roundId} and RowKey ge {"o:"} and RowKey lt {"o;"}");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return [.. rows.GroupBy(r => r.RowKey.Split('.')[0])
            .Select(g => (g.Key[2..], (IReadOnlyList<RoundEffect>)RoundJson.Deserialize<List<RoundEffect>>(
                string.Concat(g.OrderBy(r => r.RowKey.Length).ThenBy(r => r.RowKey, StringComparer.Ordinal).Select(ChunkedText.Read)))))];
    }

    /// <summary>A round's headline, for lists.</summary>
public sealed record RoundHeadline(string RoundId, string Title, string Reference, string Status, DateOnly Deadline);

/// <summary>One transition's outbox row, or null when it has been dispatched (or never committed).</summary>
    public async Task<OutboxRow?> ReadOutboxRowAsync(string roundId, string triggerId, CancellationToken cancellationToken = default)
    {
        var head = await table.GetEntityIfExistsAsync<TableEntity>(roundId, OutboxRowKey(triggerId), cancellationToken: cancellationToken);
        if (!head.HasValue || head.Value is null)
        {
            return null;
        }

        var parts = head.Value.GetInt32("parts") ?? 1;
        var text = ChunkedText.Read(head.Value);
        for (var i = 1; i < parts; i++)
        {
            text += ChunkedText.Read((await table.GetEntityAsync<TableEntity>(roundId, $"{OutboxRowKey(triggerId)}.{i}", cancellationToken: cancellationToken)).Value);
        }

        return new OutboxRow(RoundJson.Deserialize<List<RoundEffect>>(text), parts);
    }

    /// <summary>Deletes a dispatched outbox row (all its parts).</summary>
    public async Task DeleteOutboxRowAsync(string roundId, string triggerId, int parts, CancellationToken cancellationToken = default)
    {
        for (var i = parts - 1; i >= 0; i--)
        {
            var row = OutboxRowKey(triggerId) + (i == 0 ? "" : $".{i}");
            try
            {
                await table.DeleteEntityAsync(roundId, row, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Another dispatcher finished first.
            }
        }
    }

    /// <summary>
    /// Claims an effect for performing. Only the claimant performs it; a claim older than the
    /// lease is presumed abandoned by a crashed worker and may be taken over.
    /// </summary>
    public async Task<EffectClaim> ClaimEffectAsync(string roundId, string effectId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var row = EffectRowKey(effectId);
        try
        {
            var added = await table.AddEntityAsync(new TableEntity(roundId, row) { ["state"] = "claimed", ["claimedAt"] = now }, cancellationToken);
            return new EffectClaim(EffectClaimState.Claimed, added.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            var existing = (await table.GetEntityAsync<TableEntity>(roundId, row, cancellationToken: cancellationToken)).Value;
            if (existing.GetString("state") == "done")
            {
                return new EffectClaim(EffectClaimState.AlreadyDone, existing.ETag);
            }

            if ((existing.GetDateTimeOffset("claimedAt") ?? now) + lease > now)
            {
                return new EffectClaim(EffectClaimState.HeldByAnother, existing.ETag);
            }

            try
            {
                var taken = await table.UpdateEntityAsync(new TableEntity(roundId, row) { ["state"] = "claimed", ["claimedAt"] = now },
                    existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return new EffectClaim(EffectClaimState.Claimed, taken.Headers.ETag ?? ETag.All);
            }
            catch (RequestFailedException raced) when (raced.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                return new EffectClaim(EffectClaimState.HeldByAnother, existing.ETag);
            }
        }
    }

    /// <summary>What is recorded about a transition's effects (and their sends), by id: one range query.</summary>
    /// <remarks>A transition's effect ids are <c>{trigger id}.{nnnn}</c>, so its rows sort together.</remarks>
    public async Task<IReadOnlyDictionary<string, EffectRecord>> ReadEffectRecordsAsync(string roundId, string triggerId, CancellationToken cancellationToken = default)
    {
        var from = EffectRowKey(triggerId + ".");
        var to = EffectRowKey(triggerId + "/"); // '/' follows '.'
        var records = new Dictionary<string, EffectRecord>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {roundId} and RowKey ge {from} and RowKey lt {to}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var id = e.RowKey[2..];
            records[id] = new EffectRecord(id, e.GetString("state") == "done", e.GetDateTimeOffset("claimedAt"), e.ETag);
        }

        return records;
    }

    /// <summary>
    /// Claims several effects of one round together — a new row for each never claimed, a
    /// conditional replace for each abandoned claim — as few entity-group transactions as the
    /// limits allow. Returns the claims won; an effect whose batch lost a race is left out (another
    /// worker holds it).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, EffectClaim>> ClaimEffectsAsync(string roundId, IReadOnlyList<(string EffectId, EffectRecord? Abandoned)> effects,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var won = new Dictionary<string, EffectClaim>(StringComparer.Ordinal);
        foreach (var chunk in effects.Chunk(MaxBatchEntities))
        {
            var actions = chunk.Select(c => c.Abandoned is { } old
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(roundId, EffectRowKey(c.EffectId)) { ["state"] = "claimed", ["claimedAt"] = now }, old.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(roundId, EffectRowKey(c.EffectId)) { ["state"] = "claimed", ["claimedAt"] = now })).ToList();
            try
            {
                var responses = (await table.SubmitTransactionAsync(actions, cancellationToken)).Value;
                for (var i = 0; i < chunk.Length; i++)
                {
                    won[chunk[i].EffectId] = new EffectClaim(EffectClaimState.Claimed, i < responses.Count ? responses[i].Headers.ETag ?? ETag.All : ETag.All);
                }
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another worker claimed one of these first: all of this batch is left to it (or to a later try).
            }
        }

        return won;
    }

    /// <summary>Records several effects (or sends) as performed, together: they will never be performed again.</summary>
    public async Task CompleteEffectsAsync(string roundId, IEnumerable<string> effectIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in effectIds.Chunk(MaxBatchEntities))
        {
            if (chunk.Length == 1)
            {
                await CompleteEffectAsync(roundId, chunk[0], now, cancellationToken);
                continue;
            }

            await table.SubmitTransactionAsync(chunk.Select(id => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(roundId, EffectRowKey(id)) { ["state"] = "done", ["doneAt"] = now })), cancellationToken);
        }
    }

    /// <summary>Records an effect as performed: it will never be performed again.</summary>
    public async Task CompleteEffectAsync(string roundId, string effectId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await table.UpsertEntityAsync(new TableEntity(roundId, EffectRowKey(effectId)) { ["state"] = "done", ["doneAt"] = now },
            TableUpdateMode.Replace, cancellationToken);

    /// <summary>Gives up a claim after a failure, so a retry can perform the effect at once.</summary>
    public async Task ReleaseEffectAsync(string roundId, string effectId, EffectClaim claim, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.DeleteEntityAsync(roundId, EffectRowKey(effectId), claim.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone or taken over already.
        }
    }

    /// <summary>True when a trigger has been committed for a round.</summary>
    public async Task<bool> HasTriggerAsync(string roundId, string triggerId, CancellationToken cancellationToken = default) =>
        (await table.GetEntityIfExistsAsync<TableEntity>(roundId, DedupeRowKey(triggerId), cancellationToken: cancellationToken)).HasValue;

    // Sequence numbers are zero-padded so row keys sort in event order.
    private static string EventRowKey(long sequence) => string.Create(CultureInfo.InvariantCulture, $"e:{sequence:D12}");

    private static string OutboxRowKey(string triggerId) => $"o:{triggerId}";

    private static string DedupeRowKey(string triggerId) => $"t:{triggerId}";

    private static string EffectRowKey(string effectId) => $"d:{effectId}";
}
