using System.Globalization;
using Azure.Data.Tables;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Storage;

/// <summary>
/// An audit log's rows in a partition, the same for a round and an agreement: one transition's
/// events share a row <c>e:{first sequence}</c>, and a very large transition spills into ".1", ".2", ….
/// </summary>
public static class EventLogRows
{
    /// <summary>The rows of one transition's events, first sequence <paramref name="firstSequence"/>.</summary>
    public static IEnumerable<TableEntity> Of<TEvent>(string partition, string triggerId, long firstSequence, IReadOnlyList<TEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var groups = ChunkedText.Split(RoundJson.Serialize(events));
        for (var i = 0; i < groups.Count; i++)
        {
            var row = new TableEntity(partition, Key(firstSequence) + (i == 0 ? "" : $".{i}"))
            {
                ["triggerId"] = triggerId,
                ["count"] = events.Count,
                ["parts"] = groups.Count,
            };
            ChunkedText.Write(row, groups[i]);
            yield return row;
        }
    }

    /// <summary>The row key of the transition whose first event has this sequence: zero-padded, so keys sort in event order.</summary>
    public static string Key(long sequence) => string.Create(CultureInfo.InvariantCulture, $"e:{sequence:D12}");

    /// <summary>Every event row of a partition.</summary>
    public static string All(string partition) => TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"e:"} and RowKey lt {"e;"}");

    /// <summary>The events of the rows <paramref name="filter"/> selects, in order, from a sequence number (1-based), at most <paramref name="max"/>.</summary>
    public static async Task<IReadOnlyList<(long Sequence, TEvent Event)>> ReadAsync<TEvent>(TableClient table, string filter, long fromSequence, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var result = new List<(long, TEvent)>();
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
            var events = RoundJson.Deserialize<List<TEvent>>(text);
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
}
