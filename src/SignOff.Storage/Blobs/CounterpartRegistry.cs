using Azure;
using Azure.Data.Tables;

namespace SignOff.Storage.Blobs;

/// <summary>Whose counterpart a file is: the round and partner it was first offered for.</summary>
/// <param name="RoundId">The round.</param>
/// <param name="PartnerId">The partner within it.</param>
/// <param name="PartnerName">The partner's name, for the refusal's words.</param>
/// <param name="AgreementReference">The agreement's reference, for the refusal's words.</param>
public sealed record CounterpartClaim(string RoundId, string PartnerId, string PartnerName, string AgreementReference)
{
    /// <summary>True when the claim is for the same partner of the same round.</summary>
    public bool IsFor(string roundId, string partnerId) => RoundId == roundId && PartnerId == partnerId;
}

/// <summary>
/// Every counterpart file ever offered, by SHA-256, with the one partner (of one round) it belongs to:
/// one signed copy cannot count for two partners, in this round or any other.
/// </summary>
/// <remarks>
/// <para>
/// A claim is a conditional insert (the SHA-256 is the partition key), made after the round has
/// said it would accept the counterpart and before the trigger runs. The insert is atomic, so two
/// partners offering the same file at the same instant, even in two rounds, cannot both win; the
/// read-side projection, written after the round commits, could not promise that.
/// </para>
/// <para>
/// Claims are never removed. A claim whose trigger then failed (the process died, the round moved)
/// still names the partner the file was offered for, and that partner may offer it again: a
/// re-upload after a crash is not "reused". Only other partners are refused.
/// </para>
/// </remarks>
public sealed class CounterpartRegistry(TableClient table)
{
    /// <summary>Claims a file for a partner: null when the file is now (or already was) that partner's, else the claim that holds it.</summary>
    public async Task<CounterpartClaim?> ClaimAsync(string sha256, CounterpartClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var entity = new TableEntity(sha256, "claim")
        {
            [nameof(CounterpartClaim.RoundId)] = claim.RoundId,
            [nameof(CounterpartClaim.PartnerId)] = claim.PartnerId,
            [nameof(CounterpartClaim.PartnerName)] = claim.PartnerName,
            [nameof(CounterpartClaim.AgreementReference)] = claim.AgreementReference,
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var held = (await table.GetEntityAsync<TableEntity>(sha256, "claim", cancellationToken: cancellationToken)).Value;
            var holder = new CounterpartClaim(held.GetString(nameof(CounterpartClaim.RoundId)) ?? "", held.GetString(nameof(CounterpartClaim.PartnerId)) ?? "",
                held.GetString(nameof(CounterpartClaim.PartnerName)) ?? "", held.GetString(nameof(CounterpartClaim.AgreementReference)) ?? "");
            return holder.IsFor(claim.RoundId, claim.PartnerId) ? null : holder;
        }
    }
}
