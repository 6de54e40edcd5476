using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Storage.Agreements;

/// <summary>An agreement's headline, for the register's list.</summary>
/// <param name="AgreementId">The agreement (the id of the round that made it).</param>
/// <param name="Title">Its title.</param>
/// <param name="Reference">Its reference.</param>
/// <param name="Status">in-force or ended.</param>
/// <param name="PartiesBound">How many parties it binds now (those on notice included).</param>
/// <param name="Version">The version in force.</param>
/// <param name="EffectiveOn">The day the version in force took effect.</param>
/// <param name="NextReviewOn">The next review's due date, while one is scheduled.</param>
public sealed record AgreementHeadline(string AgreementId, string Title, string Reference, string Status, int PartiesBound, int Version, DateOnly EffectiveOn, DateOnly? NextReviewOn);

/// <summary>
/// The register's read side: a snapshot and the history per agreement, in its own table, a
/// partition per agreement, written from the agreement entity's transitions.
/// </summary>
/// <remarks>
/// <para>The same layout as <see cref="RoundReadModel"/>, in a table of its own because an
/// agreement's id is its first round's id: in the rounds table the two partitions would be one.
/// Rows: <c>state</c> (and <c>state:1</c>, …) the snapshot with headline columns;
/// <c>e:{first sequence}</c> one transition's events; <c>d:{effect id}</c> the effect ledger.</para>
/// <para>Idempotent by sequence and never backwards, as the rounds' read side.</para>
/// </remarks>
public sealed class AgreementReadModel(TableClient table)
{
    private const string StateRow = "state";

    /// <summary>Loads an agreement's snapshot, or null when it is not in the register.</summary>
    public async Task<AgreementState?> LoadAsync(string agreementId, CancellationToken cancellationToken = default)
    {
        var head = await table.GetEntityIfExistsAsync<TableEntity>(agreementId, StateRow, cancellationToken: cancellationToken);
        if (!head.HasValue || head.Value is null)
        {
            return null;
        }

        var entity = head.Value;
        var text = ChunkedText.Read(entity);
        var overflow = entity.GetInt32("overflow") ?? 0;
        for (var i = 1; i <= overflow; i++)
        {
            var more = await table.GetEntityAsync<TableEntity>(agreementId, $"{StateRow}:{i}", cancellationToken: cancellationToken);
            text += ChunkedText.Read(more.Value);
        }

        return RoundJson.Deserialize<AgreementState>(text);
    }

    /// <summary>Every agreement's snapshot: for the register's page, which shows what is due on each (a headline row lacks its parties).</summary>
    public async Task<IReadOnlyList<AgreementState>> LoadAllAsync(CancellationToken cancellationToken = default)
    {
        var agreements = new List<AgreementState>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {StateRow}"), cancellationToken: cancellationToken))
        {
            if ((entity.GetInt32("overflow") ?? 0) == 0)
            {
                agreements.Add(RoundJson.Deserialize<AgreementState>(ChunkedText.Read(entity)));
            }
            else if (await LoadAsync(entity.PartitionKey, cancellationToken) is { } large)
            {
                agreements.Add(large);
            }
        }

        return agreements;
    }

    /// <summary>Records a transition the agreement entity committed: its events, and the snapshot unless a later one is already recorded.</summary>
    /// <param name="triggerId">The trigger applied.</param>
    /// <param name="eventCount">The agreement's events after the transition (the last of <paramref name="events"/> has this sequence).</param>
    /// <param name="state">The agreement after it.</param>
    /// <param name="events">The transition's events.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task ProjectAsync(string triggerId, long eventCount, AgreementState state, IReadOnlyList<AgreementEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(events);
        var agreementId = state.AgreementId;
        var firstSequence = eventCount - events.Count + 1;
        for (var attempt = 1; ; attempt++)
        {
            var actions = EventLogRows.Of(agreementId, triggerId, firstSequence, events)
                .Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();
            var current = await table.GetEntityIfExistsAsync<TableEntity>(agreementId, StateRow, select: ["eventCount"], cancellationToken: cancellationToken);
            var recorded = current.HasValue && current.Value is { } row ? row.GetInt64("eventCount") ?? 0 : -1;
            if (recorded < eventCount)
            {
                var (head, more) = StateRows(state, eventCount);
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
                // Another transition of the agreement was recorded in between: look again.
            }
        }
    }

    /// <summary>Every agreement's headline, from the snapshot rows' columns.</summary>
    public async Task<IReadOnlyList<AgreementHeadline>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<AgreementHeadline>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {StateRow}"),
            select: ["PartitionKey", "status", "title", "reference", "partiesBound", "version", "effectiveOn", "nextReviewOn"], cancellationToken: cancellationToken))
        {
            result.Add(new AgreementHeadline(e.PartitionKey, e.GetString("title") ?? "", e.GetString("reference") ?? "", e.GetString("status") ?? "",
                e.GetInt32("partiesBound") ?? 0, e.GetInt32("version") ?? 0, Date(e.GetString("effectiveOn")) ?? DateOnly.MinValue, Date(e.GetString("nextReviewOn"))));
        }

        return result;
    }

    /// <summary>
    /// Waits, bounded, until the read side has recorded an agreement's events up to
    /// <paramref name="eventCount"/>, so whoever reads the history just after acting finds their act.
    /// </summary>
    /// <returns>True when caught up; false when the time ran out.</returns>
    public async Task<bool> CatchUpAsync(string agreementId, long eventCount, TimeSpan within, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var head = await table.GetEntityIfExistsAsync<TableEntity>(agreementId, StateRow, select: ["eventCount"], cancellationToken: cancellationToken);
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

    /// <summary>Reads an agreement's events in order, from a sequence number (1-based), at most <paramref name="max"/>.</summary>
    /// <remarks>Stops at the first sequence not recorded yet (a later transition projected first), so the feed never skips one.</remarks>
    public async Task<IReadOnlyList<(long Sequence, AgreementEvent Event)>> ReadEventsAsync(string agreementId, long fromSequence, int max, CancellationToken cancellationToken = default)
    {
        return await EventLogRows.ReadAsync<AgreementEvent>(table, EventLogRows.All(agreementId), fromSequence, max, cancellationToken);
    }

    private static (TableEntity Head, IReadOnlyList<TableEntity> More) StateRows(AgreementState state, long eventCount)
    {
        var groups = ChunkedText.Split(RoundJson.Serialize(state));
        var head = new TableEntity(state.AgreementId, StateRow)
        {
            ["overflow"] = groups.Count - 1,
            ["status"] = RoundProcess.Kebab(state.Status),
            ["eventCount"] = eventCount,
            ["title"] = state.Agreement.Title,
            ["reference"] = state.Agreement.Reference,
            ["partiesBound"] = state.BoundParties.Count(),
            ["version"] = state.Current.Number,
            ["effectiveOn"] = Iso(state.Current.EffectiveOn),
            ["nextReviewOn"] = state.NextReview is { } review ? Iso(review.DueOn) : null,
        };
        ChunkedText.Write(head, groups[0]);
        var more = new List<TableEntity>();
        for (var i = 1; i < groups.Count; i++)
        {
            var row = new TableEntity(state.AgreementId, $"{StateRow}:{i}");
            ChunkedText.Write(row, groups[i]);
            more.Add(row);
        }

        return (head, more);
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? Date(string? iso) => string.IsNullOrEmpty(iso) ? null : DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

}
