using SignOff.Host.Commands;
using SignOff.Host.Configuration;

namespace SignOff.Host.Respond;

/// <summary>Mints officers' links for the coordinator's commands, exactly as the emails' links are minted.</summary>
public sealed class OfficerLinkMinter(ResponseLinks links, SignOffOptions options, TimeProvider time) : IOfficerLinkMinter
{
    /// <inheritdoc />
    public async Task<MintedLink> MintAsync(string roundId, string partnerId, string officerEmail, int version, CancellationToken ct)
    {
        var expiresAt = time.GetUtcNow() + options.LinkLifetime;
        var token = await links.MintAsync(roundId, partnerId, officerEmail, version, options.LinkLifetime, ct);
        return new MintedLink(new Uri($"{options.PublicBaseUrl.TrimEnd('/')}/respond/{token}"), expiresAt);
    }
}
