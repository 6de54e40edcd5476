using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Host.Commands;

/// <summary>A working link for a partner's officer, given to the coordinator to pass on.</summary>
/// <param name="PartnerName">The partner the link acts for.</param>
/// <param name="Officer">The officer it is for: the page it opens acts as them.</param>
/// <param name="Address">The link.</param>
/// <param name="ExpiresAt">When it stops working, like an emailed one.</param>
public sealed record IssuedLink(string PartnerName, Person Officer, Uri Address, DateTimeOffset ExpiresAt);

/// <summary>A freshly minted officer's link: where it goes and when it stops working.</summary>
public sealed record MintedLink(Uri Address, DateTimeOffset ExpiresAt);

/// <summary>Mints officers' links: the port the coordinator's commands use; the officer's pages own the links.</summary>
/// <remarks>
/// Links are stored only as hashes, so an earlier link can never be shown again: "the officer's
/// current link" is a new one, bound like an emailed one to the round, the partner, the officer
/// and the version.
/// </remarks>
public interface IOfficerLinkMinter
{
    /// <summary>Mints a link for <paramref name="officerEmail"/> acting for the partner on <paramref name="version"/>.</summary>
    Task<MintedLink> MintAsync(string roundId, string partnerId, string officerEmail, int version, CancellationToken ct);
}

/// <summary>Gives the coordinator a working link for a partner's officer, audited first.</summary>
/// <remarks>
/// The round records who was given a link for whom before any link exists: a link that cannot
/// be minted leaves an audit entry and no way in, never a way in that nobody recorded. Sending
/// the same form twice records once (the trigger id) and mints a second link, which is harmless:
/// both act for the same officer and expire alike.
/// </remarks>
public sealed class OfficerLinks(RoundCommands commands, IOfficerLinkMinter minter)
{
    /// <summary>Records the request on the round and mints the link, or says why not.</summary>
    public async Task<Checked<IssuedLink>> IssueAsync(string roundId, string partnerId, string triggerId, Actor by, CancellationToken ct)
    {
        var recorded = await commands.RunAsync(roundId, new IssueOfficerLink(triggerId, partnerId, by), ct);
        if (recorded.Failure is { } refused)
        {
            return refused;
        }

        var round = recorded.State!;
        var partner = round.FindPartner(partnerId)!;
        var minted = await minter.MintAsync(roundId, partnerId, partner.Officer.Email, round.CurrentVersion.Number, ct);
        return Checked.Valid(new IssuedLink(partner.Name, partner.Officer, minted.Address, minted.ExpiresAt));
    }
}
