using System.Globalization;
using Azure;
using Azure.Data.Tables;
using SignOff.Core.Rounds;

namespace SignOff.Storage.Execution;

/// <summary>A timer the index says is due.</summary>
public sealed record DueTimer(string RoundId, string TimerId, DateTimeOffset DueAt, string RowKey);

/// <summary>An outbox row the index says may still be waiting.</summary>
public sealed record PendingOutbox(string RoundId, string TriggerId, DateTimeOffset WrittenAt);

/// <summary>
/// Indexes that let sweepers find due timers and stranded outbox rows without scanning every round.
/// </summary>
/// <remarks>
/// Both are hints, never the truth: entries are written <em>before</em> the round's transaction
/// commits, so a crash can leave an entry for something that never happened, but never the
/// reverse. A stale entry is harmless — the round re-checks its own timers, and a dispatcher
/// finds no outbox row — and is deleted when met.
/// </remarks>
public sealed class ExecutionIndexes(TableClient timers, TableClient outbox)
{
    private const string TimerPartition = "due";
    private const string OutboxPartition = "pending";

    /// <summary>Records the timers a transition schedules.</summary>
    public async Task AddTimersAsync(string roundId, IEnumerable<PendingTimer> scheduled, CancellationToken cancellationToken)
    {
        foreach (var timer in scheduled)
        {
            var entity = new TableEntity(TimerPartition, TimerKey(roundId, timer))
            {
                ["roundId"] = roundId,
                ["timerId"] = timer.TimerId,
                ["dueAt"] = timer.DueAt,
            };
            await timers.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Timers due at or before an instant, earliest first.</summary>
    public async Task<IReadOnlyList<DueTimer>> DueTimersAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var until = now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TimerPartition} and RowKey le {until}");
        var due = new List<DueTimer>();
        await foreach (var e in timers.QueryAsync<TableEntity>(filter, maxPerPage: max, cancellationToken: cancellationToken))
        {
            due.Add(new DueTimer(e.GetString("roundId"), e.GetString("timerId"), e.GetDateTimeOffset("dueAt") ?? now, e.RowKey));
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

    /// <summary>Records that a transition is about to leave effects in its round's outbox.</summary>
    public Task AddOutboxAsync(string roundId, string triggerId, DateTimeOffset now, CancellationToken cancellationToken) =>
        outbox.UpsertEntityAsync(new TableEntity(OutboxPartition, OutboxKey(roundId, triggerId))
        {
            ["roundId"] = roundId,
            ["triggerId"] = triggerId,
            ["writtenAt"] = now,
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Outbox entries written before an instant.</summary>
    public async Task<IReadOnlyList<PendingOutbox>> PendingOutboxAsync(DateTimeOffset writtenBefore, int max, CancellationToken cancellationToken)
    {
        var pending = new List<PendingOutbox>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {OutboxPartition} and writtenAt lt {writtenBefore}");
        await foreach (var e in outbox.QueryAsync<TableEntity>(filter, maxPerPage: max, cancellationToken: cancellationToken))
        {
            pending.Add(new PendingOutbox(e.GetString("roundId"), e.GetString("triggerId"), e.GetDateTimeOffset("writtenAt") ?? writtenBefore));
            if (pending.Count >= max)
            {
                break;
            }
        }

        return pending;
    }

    /// <summary>Forgets an outbox entry once its row is dispatched (or never existed).</summary>
    public Task RemoveOutboxAsync(string roundId, string triggerId, CancellationToken cancellationToken) =>
        DeleteIfExistsAsync(outbox, OutboxPartition, OutboxKey(roundId, triggerId), cancellationToken);

    private static string TimerKey(string roundId, PendingTimer timer) =>
        string.Create(CultureInfo.InvariantCulture, $"{timer.DueAt.UtcDateTime:yyyyMMddHHmmss}|{roundId}|{timer.TimerId}");

    private static string OutboxKey(string roundId, string triggerId) => $"{roundId}|{triggerId}";

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
