using System.Globalization;
using Azure;
using Azure.Data.Tables;
using SignOff.Core.Rounds;

namespace SignOff.Storage.Execution;

/// <summary>A timer the index says is due.</summary>
/// <param name="RoundId">The round.</param>
/// <param name="TimerId">The timer.</param>
/// <param name="DueAt">When it falls due, on the round clock.</param>
/// <param name="RowKey">The entry's key.</param>
/// <param name="IndexedAt">When storage wrote the entry, in real time (its own timestamp).</param>
public sealed record DueTimer(string RoundId, string TimerId, DateTimeOffset DueAt, string RowKey, DateTimeOffset IndexedAt);

/// <summary>An outbox row the index says may still be waiting.</summary>
/// <param name="RoundId">The round.</param>
/// <param name="TriggerId">The transition whose row it is.</param>
/// <param name="WrittenAt">When the sweeper counts it from.</param>
/// <param name="Redispatches">How many times the sweeper has already re-dispatched it.</param>
public sealed record PendingOutbox(string RoundId, string TriggerId, DateTimeOffset WrittenAt, int Redispatches = 0);

/// <summary>
/// Indexes that let sweepers find due timers and stranded outbox rows without scanning every round.
/// </summary>
/// <remarks>
/// <para>Both are hints, never the truth: entries are written <em>before</em> the round's
/// transaction commits, so a crash can leave an entry for something that never happened, but
/// never the reverse. A stale entry is harmless — the round re-checks its own timers, and a
/// dispatcher finds no outbox row — and is deleted when met.</para>
/// <para>Both live in one partition of one table, so the hints a transition needs (the timers it
/// schedules and its outbox row) are written as a single entity-group transaction: one storage
/// transaction, whatever the transition. Outbox keys start with <c>~</c>, after every timer key,
/// so a due-timer range never meets them.</para>
/// </remarks>
public sealed class ExecutionIndexes(TableClient timers)
{
    private const string TimerPartition = "due";
    private const string OutboxPrefix = "~o|";
    private const int MaxBatch = 100;

    /// <summary>Records the hints a transition needs — the timers it schedules and, when it leaves effects, its outbox row — in one transaction.</summary>
    /// <param name="roundId">The round.</param>
    /// <param name="scheduled">The timers the transition schedules.</param>
    /// <param name="outboxTriggerId">The transition's trigger, when it leaves effects.</param>
    /// <param name="now">Real time (<see cref="WallClock"/>): the sweeper counts an outbox row's wait from it.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task AddHintsAsync(string roundId, IEnumerable<PendingTimer> scheduled, string? outboxTriggerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entities = scheduled.Select(timer => new TableEntity(TimerPartition, TimerKey(roundId, timer))
        {
            ["roundId"] = roundId,
            ["timerId"] = timer.TimerId,
            ["dueAt"] = timer.DueAt,
        }).ToList();
        if (outboxTriggerId is not null)
        {
            entities.Add(OutboxEntity(roundId, outboxTriggerId, now));
        }

        foreach (var chunk in entities.Chunk(MaxBatch))
        {
            if (chunk.Length == 1)
            {
                await timers.UpsertEntityAsync(chunk[0], TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await timers.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
            }
        }
    }

    /// <summary>Timers due at or before an instant, earliest first.</summary>
    public async Task<IReadOnlyList<DueTimer>> DueTimersAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        // "|" sorts after the digits of a timestamp and before "~", so outbox keys are never in range.
        var until = now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "|~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TimerPartition} and RowKey le {until}");
        var due = new List<DueTimer>();
        await foreach (var e in timers.QueryAsync<TableEntity>(filter, maxPerPage: max, cancellationToken: cancellationToken))
        {
            due.Add(new DueTimer(e.GetString("roundId"), e.GetString("timerId"), e.GetDateTimeOffset("dueAt") ?? now, e.RowKey, e.Timestamp ?? DateTimeOffset.MinValue));
            if (due.Count >= max)
            {
                break;
            }
        }

        return due;
    }

    /// <summary>Forgets a timer entry.</summary>
    public Task RemoveTimerAsync(DueTimer timer, CancellationToken cancellationToken) =>
        DeleteIfExistsAsync(timers, TimerPartition, timer.RowKey, cancellationToken);

    /// <summary>Records (or re-dates) that a transition left effects in its round's outbox.</summary>
    /// <param name="roundId">The round.</param>
    /// <param name="triggerId">The transition's trigger.</param>
    /// <param name="writtenAt">When the sweeper should count it from (it looks again <c>StrandedAfter</c> later).</param>
    /// <param name="redispatches">How many times it has been re-dispatched already.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task AddOutboxAsync(string roundId, string triggerId, DateTimeOffset writtenAt, CancellationToken cancellationToken, int redispatches = 0)
    {
        var entity = OutboxEntity(roundId, triggerId, writtenAt);
        entity["redispatches"] = redispatches;
        return timers.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Outbox entries written before an instant.</summary>
    public async Task<IReadOnlyList<PendingOutbox>> PendingOutboxAsync(DateTimeOffset writtenBefore, int max, CancellationToken cancellationToken)
    {
        var pending = new List<PendingOutbox>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TimerPartition} and RowKey ge {OutboxPrefix} and writtenAt lt {writtenBefore}");
        await foreach (var e in timers.QueryAsync<TableEntity>(filter, maxPerPage: max, cancellationToken: cancellationToken))
        {
            pending.Add(new PendingOutbox(e.GetString("roundId"), e.GetString("triggerId"), e.GetDateTimeOffset("writtenAt") ?? writtenBefore, e.GetInt32("redispatches") ?? 0));
            if (pending.Count >= max)
            {
                break;
            }
        }

        return pending;
    }

    /// <summary>Forgets an outbox entry once its row is dispatched (or never existed).</summary>
    public Task RemoveOutboxAsync(string roundId, string triggerId, CancellationToken cancellationToken) =>
        DeleteIfExistsAsync(timers, TimerPartition, OutboxKey(roundId, triggerId), cancellationToken);

    private static string TimerKey(string roundId, PendingTimer timer) =>
        string.Create(CultureInfo.InvariantCulture, $"{timer.DueAt.UtcDateTime:yyyyMMddHHmmss}|{roundId}|{timer.TimerId}");

    private static string OutboxKey(string roundId, string triggerId) => $"{OutboxPrefix}{roundId}|{triggerId}";

    private static TableEntity OutboxEntity(string roundId, string triggerId, DateTimeOffset now) => new(TimerPartition, OutboxKey(roundId, triggerId))
    {
        ["roundId"] = roundId,
        ["triggerId"] = triggerId,
        ["writtenAt"] = now,
    };

    private static async Task DeleteIfExistsAsync(TableClient table, string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: another sweeper or dispatcher got there first.
        }
    }
}
