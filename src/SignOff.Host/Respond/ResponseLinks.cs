using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Microsoft.AspNetCore.WebUtilities;

namespace SignOff.Host.Respond;

/// <summary>What an officer's link is bound to.</summary>
public sealed record ResponseLink(string RoundId, string PartnerId, string OfficerEmail, int Version, DateTimeOffset ExpiresAt);

/// <summary>
/// Officers' (and chairs') emailed links: 256-bit random tokens, stored only as a SHA-256 hash, bound to round,
/// partner, officer and version, with an expiry.
/// </summary>
/// <remarks>
/// Links are minted when an email is sent, never stored in events or the outbox, so a leaked
/// audit log or outbox row gives no way in. A stolen table row gives none either: it holds the
/// hash, not the token.
/// </remarks>
public sealed class ResponseLinks(TableClient table, TimeProvider time)
{
    private const string Row = "link";

    private const string ChairRow = "chair";

    public async Task<string> MintAsync(string roundId, string partnerId, string officerEmail, int version, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await table.AddEntityAsync(new TableEntity(Hash(token), Row)
        {
            ["roundId"] = roundId,
            ["partnerId"] = partnerId,
            ["officerEmail"] = officerEmail,
            ["version"] = version,
            ["expiresAt"] = time.GetUtcNow() + lifetime,
        }, cancellationToken);
        return token;
    }

    /// <summary>The link a token stands for, or null when it is unknown, malformed or expired.</summary>
    public async Task<ResponseLink?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        if (await LookupAsync(token, Row, cancellationToken) is not { } e)
        {
            return null;
        }

        var link = new ResponseLink(e.GetString("roundId"), e.GetString("partnerId"), e.GetString("officerEmail"), e.GetInt32("version") ?? 0,
            e.GetDateTimeOffset("expiresAt") ?? DateTimeOffset.MinValue);
        return link.ExpiresAt > time.GetUtcNow() ? link : null;
    }

    /// <summary>Mints a chair's link to their digest page: read-only, bound to the chair's email, with an expiry.</summary>
    public async Task<string> MintChairAsync(string chairEmail, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await table.AddEntityAsync(new TableEntity(Hash(token), ChairRow)
        {
            ["chairEmail"] = chairEmail,
            ["expiresAt"] = time.GetUtcNow() + lifetime,
        }, cancellationToken);
        return token;
    }

    /// <summary>The chair's email a digest token stands for, or null when it is unknown, malformed or expired.</summary>
    public async Task<string?> ResolveChairAsync(string token, CancellationToken cancellationToken) =>
        await LookupAsync(token, ChairRow, cancellationToken) is { } e && (e.GetDateTimeOffset("expiresAt") ?? DateTimeOffset.MinValue) > time.GetUtcNow()
            ? e.GetString("chairEmail")
            : null;

    private async Task<TableEntity?> LookupAsync(string token, string row, CancellationToken cancellationToken)
    {
        if (token.Length is < 40 or > 50 || token.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }

        var found = await table.GetEntityIfExistsAsync<TableEntity>(Hash(token), row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}
