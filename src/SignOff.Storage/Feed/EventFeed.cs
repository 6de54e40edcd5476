using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Storage.Feed;

/// <summary>The kinds of stream the feed carries; each stream's events keep their own order in it.</summary>
public static class FeedStreams
{
    /// <summary>A round's audit log (the stream id is the round id).</summary>
    public const string Round = "round";

    /// <summary>An agreement's log in the register (the stream id is the agreement id).</summary>
    public const string Agreement = "agreement";
}

/// <summary>One event as its stream recorded it: its sequence in the stream, its type, when, what caused it, and the event itself as JSON.</summary>
public sealed record FeedEvent(long Sequence, string Type, DateTimeOffset At, string TriggerId, JsonElement Data)
{
    /// <summary>A round event as the feed keeps it: the type and JSON the round's own audit log shows.</summary>
    public static FeedEvent Of(long sequence, RoundEvent roundEvent)
    {
        ArgumentNullException.ThrowIfNull(roundEvent);
        return new(sequence, roundEvent.GetType().Name, roundEvent.At, roundEvent.TriggerId, JsonSerializer.SerializeToElement(roundEvent, RoundJson.Options));
    }

    /// <summary>An agreement event as the feed keeps it: its type and its stored JSON.</summary>
    public static FeedEvent Of(long sequence, SignOff.Core.Agreements.AgreementEvent agreementEvent)
    {
        ArgumentNullException.ThrowIfNull(agreementEvent);
        return new(sequence, agreementEvent.GetType().Name, agreementEvent.At, agreementEvent.TriggerId, JsonSerializer.SerializeToElement(agreementEvent, RoundJson.Options));
    }
}

/// <summary>An event at its place in the feed.</summary>
/// <param name="Position">Its place: 1, 2, 3, … with no gap, in the order the feed took the events in.</param>
/// <param name="Stream">The kind of stream (<see cref="FeedStreams"/>).</param>
/// <param name="StreamId">Which stream of that kind: a round's id.</param>
/// <param name="Event">The event as its stream recorded it.</param>
public sealed record FeedEntry(long Position, string Stream, string StreamId, FeedEvent Event);

/// <summary>A page of the feed, and whether more was there when it was read.</summary>
public sealed record FeedPage(IReadOnlyList<FeedEntry> Entries, bool More);

/// <summary>
/// Every event of every stream (rounds now, agreements later) in one order, oldest first, for
/// systems that reconcile by reading it from where they got to: positions 1, 2, 3, … that never
/// skip and never repeat, beside the webhooks (which can be missed).
/// </summary>
/// <remarks>
/// <para>Why one partition: Azure Tables commits atomically only within a partition, and the
/// feed's two promises both need an atomic step. The partition holds a counter row (the last
/// position handed out), a watermark row per stream (the last sequence of that stream in the
/// feed) and position rows <c>p:{last position:D19}</c>, each holding a run of one stream's
/// consecutive events. An append is one entity-group transaction: the counter replaced under
/// the ETag read, the stream's watermark replaced under its ETag (or added when new), and the new
/// position rows added.</para>
/// <list type="bullet">
/// <item>No gaps: positions are committed with the counter that hands them out, and the counter
/// only moves under its ETag, so appends commit one after another in position order. A reader
/// can never see position N+1 without N, and a cursor past N never misses a later append.</item>
/// <item>No repeats: the watermark moves in the same transaction as the rows it covers, so a
/// projection retried after a crash, or two projections of one round racing, find their
/// events already there and append nothing twice.</item>
/// <item>Each stream in its own order: a stream appends only the events right after its
/// watermark and stops at a gap (see <see cref="RoundFeed"/>), so a transition projected early
/// waits for the one before it.</item>
/// </list>
/// <para>The price is one writer at a time across the whole feed: concurrent appends meet on
/// the counter's ETag and retry with jitter. That suits SignOff's pace (transitions are people
/// deciding, reminders and timers: tens a second at most), and it is what makes the order total.
/// Rows are keyed by their <em>last</em> position so that reading after a cursor is one range
/// query starting at the row that holds the next position.</para>
/// </remarks>
public sealed class EventFeed(TableClient table)
{
    /// <summary>The one partition: see the remarks.</summary>
    public const string Partition = "feed";

    private const string CounterRow = "counter";
    private const string PositionPrefix = "p:";
    private const int MaxAttempts = 64;

    /// <summary>
    /// Event text per append, in characters: with the transaction's JSON escaping, well under its 4 MiB,
    /// and at most three entities of <see cref="ChunkedText"/>, far from its 100 actions.
    /// </summary>
    private const int TextPerAppend = 1_000_000;

    /// <summary>
    /// Appends a stream's events that the feed does not have yet, in the stream's order: those
    /// <paramref name="readAfter"/> gives after the stream's watermark (the source must return
    /// only consecutive sequences, starting right after the one it is given).
    /// </summary>
    /// <returns>How many events were appended (0 when the feed already had them all); a source that
    /// returns a page at a time is called again while it fills pages.</returns>
    /// <exception cref="RequestFailedException">The feed stayed contended through every attempt, or storage failed: the caller (a projection activity) is retried.</exception>
    public async Task<int> CatchUpAsync(string stream, string streamId, Func<long, CancellationToken, Task<IReadOnlyList<FeedEvent>>> readAfter, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(readAfter);
        var appended = 0;

        // What the source gave after a watermark, kept while the watermark stays: a stream's events never
        // change once recorded, so an append that lost the race to another stream need not read them again.
        (long After, List<FeedEvent> Events)? read = null;
        for (var attempt = 1; ; attempt++)
        {
            var counterRead = table.GetEntityIfExistsAsync<TableEntity>(Partition, CounterRow, cancellationToken: cancellationToken);
            var watermarkRead = table.GetEntityIfExistsAsync<TableEntity>(Partition, WatermarkKey(stream, streamId), cancellationToken: cancellationToken);
            var counter = ValueOf(await counterRead);
            var watermark = ValueOf(await watermarkRead);
            var lastSequence = watermark?.GetInt64("sequence") ?? 0;
            var events = read is { } kept && kept.After == lastSequence ? kept.Events : Consecutive(await readAfter(lastSequence, cancellationToken), lastSequence);
            read = (lastSequence, events);
            if (events.Count == 0)
            {
                return appended;
            }

            var lastPosition = counter?.GetInt64("position") ?? 0;
            var (rows, taken) = PositionRows(stream, streamId, lastPosition, events);
            var actions = new List<TableTransactionAction>
            {
                Replace(new TableEntity(Partition, CounterRow) { ["position"] = lastPosition + taken }, counter),
                Replace(new TableEntity(Partition, WatermarkKey(stream, streamId)) { ["sequence"] = lastSequence + taken }, watermark),
            };
            actions.AddRange(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                appended += taken;
                if (taken == events.Count)
                {
                    return appended;
                }

                // More than one transaction carries: append the rest from a fresh read.
                attempt = 0;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                // Another append committed in between (any stream's moves the counter): read again, after a
                // jittered pause so the contenders do not meet again in step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + Math.Min(attempt, 10) * 15)), cancellationToken);
            }
        }
    }

    /// <summary>Reads the feed after a position (0 for the start), at most <paramref name="max"/> events, oldest first.</summary>
    public async Task<FeedPage> ReadAsync(long after, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var entries = new List<FeedEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {PositionKey(after + 1)} and RowKey lt {"p;"}");
        TableEntity? head = null;
        var text = "";
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, max + 1), cancellationToken: cancellationToken))
        {
            if (head is not null && row.RowKey.StartsWith(head.RowKey + ".", StringComparison.Ordinal))
            {
                text += ChunkedText.Read(row);
                continue;
            }

            // Every row holds at least one position after the cursor (rows are keyed by their last),
            // so a row beyond a full page means there is more.
            if ((head is not null && Take(head, text, after, max, entries)) || entries.Count == max)
            {
                return new FeedPage(entries, More: true);
            }

            head = row;
            text = ChunkedText.Read(row);
        }

        return new FeedPage(entries, More: head is not null && Take(head, text, after, max, entries));
    }

    /// <summary>Whether a one-off task over the feed (<see cref="MarkDoneAsync"/>) was done.</summary>
    public async Task<bool> IsDoneAsync(string task, CancellationToken cancellationToken = default) =>
        (await table.GetEntityIfExistsAsync<TableEntity>(Partition, MarkKey(task), select: ["RowKey"], cancellationToken: cancellationToken)).HasValue;

    /// <summary>Records that a one-off task over the feed is done, so no later start does it again.</summary>
    public async Task MarkDoneAsync(string task, CancellationToken cancellationToken = default) =>
        await table.UpsertEntityAsync(new TableEntity(Partition, MarkKey(task)), TableUpdateMode.Replace, cancellationToken);

    /// <summary>The last position handed out (0 while the feed is empty).</summary>
    public async Task<long> LastPositionAsync(CancellationToken cancellationToken = default)
    {
        var counter = await table.GetEntityIfExistsAsync<TableEntity>(Partition, CounterRow, select: ["position"], cancellationToken: cancellationToken);
        return counter.HasValue && counter.Value is { } row ? row.GetInt64("position") ?? 0 : 0;
    }

    /// <summary>Adds a position row's events after the cursor to the page; true when the page filled before the row's end.</summary>
    private static bool Take(TableEntity head, string text, long after, int max, List<FeedEntry> entries)
    {
        var stream = head.GetString("stream") ?? "";
        var streamId = head.GetString("streamId") ?? "";
        var first = head.GetInt64("first") ?? 0;
        var events = JsonSerializer.Deserialize<List<FeedEvent>>(text, RoundJson.Options) ?? [];
        for (var i = 0; i < events.Count; i++)
        {
            if (first + i <= after)
            {
                continue;
            }

            if (entries.Count == max)
            {
                return true;
            }

            entries.Add(new FeedEntry(first + i, stream, streamId, events[i]));
        }

        return false;
    }

    /// <summary>The events that continue the stream from its watermark without a gap (a source that skips is cut there).</summary>
    private static List<FeedEvent> Consecutive(IReadOnlyList<FeedEvent> events, long lastSequence)
    {
        var run = new List<FeedEvent>();
        foreach (var e in events)
        {
            if (e.Sequence != lastSequence + run.Count + 1)
            {
                break;
            }

            run.Add(e);
        }

        return run;
    }

    /// <summary>
    /// The position rows for as many of the events as one transaction carries: one run, keyed by
    /// its last position, spilling into <c>.1</c>, <c>.2</c>, … rows past an entity's size.
    /// </summary>
    private static (IReadOnlyList<TableEntity> Rows, int Taken) PositionRows(string stream, string streamId, long lastPosition, IReadOnlyList<FeedEvent> events)
    {
        // At least one event, however large; then as many as the text budget allows (each event
        // serialised once: a stream catching up on hundreds of events must not cost hundreds of re-serialisations).
        var texts = events.Select(e => JsonSerializer.Serialize(e, RoundJson.Options)).ToList();
        var taken = 0;
        var length = 2L;
        while (taken < texts.Count && (taken == 0 || length + texts[taken].Length + 1 <= TextPerAppend))
        {
            length += texts[taken].Length + 1;
            taken++;
        }

        var groups = ChunkedText.Split("[" + string.Join(",", texts.Take(taken)) + "]");
        var key = PositionKey(lastPosition + taken);
        var rows = new List<TableEntity>();
        for (var i = 0; i < groups.Count; i++)
        {
            var row = new TableEntity(Partition, key + (i == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $".{i}")));
            if (i == 0)
            {
                row["stream"] = stream;
                row["streamId"] = streamId;
                row["first"] = lastPosition + 1;
                row["count"] = taken;
                row["parts"] = groups.Count;
            }

            ChunkedText.Write(row, groups[i]);
            rows.Add(row);
        }

        return (rows, taken);
    }

    private static TableEntity? ValueOf(NullableResponse<TableEntity> response) => response.HasValue ? response.Value : null;

    private static TableTransactionAction Replace(TableEntity next, TableEntity? current) =>
        current is null
            ? new TableTransactionAction(TableTransactionActionType.Add, next)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, current.ETag);

    // Zero-padded so row keys sort in position order.
    private static string PositionKey(long position) => string.Create(CultureInfo.InvariantCulture, $"{PositionPrefix}{position:D19}");

    private static string WatermarkKey(string stream, string streamId) => $"w:{stream}:{streamId}";

    private static string MarkKey(string task) => $"m:{task}";
}
