using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using SignOff.Core.Rounds;

namespace SignOff.Storage.Rounds;

/// <summary>A round's headline, for lists.</summary>
public sealed record RoundHeadline(string RoundId, string Title, string Reference, string Status, DateOnly Deadline);

/// <summary>
/// The read side of rounds: a snapshot and the audit log per round, in one Azure Table, a
/// partition per round, written from the round entity's transitions (see <see cref="ProjectAsync"/>).
/// </summary>
/// <remarks>
/// <para>The round entity holds the truth; this is what lists, digests and the audit log read,
/// since asking a thousand entities for their state would be a thousand reads. Rows in a round's
/// partition:</para>
/// <list type="bullet">
/// <item><c>state</c> (and <c>state:1</c>, … when large): the snapshot, with headline columns for lists.</item>
/// <item><c>e:{first sequence}</c>: the events of one transition, in order.</item>
/// <item><c>d:{effect id}</c>: the effect ledger (see <see cref="EffectLedger"/>).</item>
/// </list>
/// </remarks>
public sealed class RoundReadModel(TableClient table)
{
    private const string StateRow = "state";

    /// <summary>Loads a round's snapshot, or null when it does not exist.</summary>
    public async Task<RoundState?> LoadAsync(string roundId, CancellationToken cancellationToken = default)
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

        return RoundJson.Deserialize<RoundState>(text);
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
                rounds.Add(large);
            }
        }

        return rounds;
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
            var actions = EventLogRows.Of(roundId, triggerId, firstSequence, events)
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
    public Task<IReadOnlyList<(long Sequence, RoundEvent Event)>> ReadEventsAsync(string roundId, long fromSequence, int max, CancellationToken cancellationToken = default) =>
        ReadEventRowsAsync(EventLogRows.All(roundId), fromSequence, max, cancellationToken);

    /// <summary>
    /// Reads a round's events from a sequence number, like <see cref="ReadEventsAsync"/>,
    /// reading only the rows from that sequence on when a transition starts there.
    /// </summary>
    /// <remarks>
    /// For the event feed, which catches up after every transition from where it got to — almost
    /// always the start of the transition just projected. Reading the whole log each time would
    /// fetch a 200-partner launch again on every decision. When no transition starts at
    /// <paramref name="fromSequence"/> (it falls inside one, or its transition is not recorded
    /// yet), the whole log is read, as before — unless the round's snapshot shows nothing recorded
    /// that far, as when a retried projection's catch-up finds the feed already has everything.
    /// </remarks>
    public async Task<IReadOnlyList<(long Sequence, RoundEvent Event)>> ReadEventsFromTransitionAsync(string roundId, long fromSequence, int max, CancellationToken cancellationToken = default)
    {
        var tail = await ReadEventRowsAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {roundId} and RowKey ge {EventRowKey(fromSequence)} and RowKey lt {"e;"}"), fromSequence, max, cancellationToken);
        if (tail.Count > 0 && tail[0].Sequence == fromSequence)
        {
            return tail;
        }

        if (tail.Count == 0)
        {
            // Nothing from there on: unless a recorded transition spans the sequence, there is nothing to read.
            var head = await table.GetEntityIfExistsAsync<TableEntity>(roundId, StateRow, select: ["eventCount"], cancellationToken: cancellationToken);
            if (!head.HasValue || head.Value?.GetInt64("eventCount") < fromSequence)
            {
                return [];
            }
        }

        return await ReadEventsAsync(roundId, fromSequence, max, cancellationToken);
    }

    private Task<IReadOnlyList<(long Sequence, RoundEvent Event)>> ReadEventRowsAsync(string filter, long fromSequence, int max, CancellationToken cancellationToken) =>
        EventLogRows.ReadAsync<RoundEvent>(table, filter, fromSequence, max, cancellationToken);

    private static string EventRowKey(long sequence) => EventLogRows.Key(sequence);
}
