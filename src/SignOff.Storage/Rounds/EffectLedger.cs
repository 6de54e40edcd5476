using System.Net;
using Azure;
using Azure.Data.Tables;

namespace SignOff.Storage.Rounds;

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

/// <summary>
/// Which effects have been performed: what keeps an email to one send per effect id and
/// recipient, although the activity that sends it runs at least once.
/// </summary>
/// <remarks>
/// Rows <c>d:{effect id}</c> in the round's partition of the rounds table. An effect is claimed
/// (a conditional insert) before it is performed and recorded done after; a claim older than its
/// lease is presumed left by a worker that died, and may be taken over. Leases run on real time.
/// </remarks>
public sealed class EffectLedger(TableClient table)
{
    /// <summary>How long a claim protects an effect being performed, in real time: moving the round clock must not expire it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

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

    private static string EffectRowKey(string effectId) => $"d:{effectId}";
}
