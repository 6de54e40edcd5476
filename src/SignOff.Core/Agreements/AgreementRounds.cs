using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Core.Agreements;

/// <summary>What the register plans for a round it launches: the round to start, or why it cannot be launched.</summary>
public abstract record AgreementRoundPlan
{
    /// <summary>Start this round: its definition, its draft and the change it carries.</summary>
    public sealed record Ready(RoundDefinition Definition, DocumentRef Draft, AgreementChange Change) : AgreementRoundPlan;

    /// <summary>Nothing is launched.</summary>
    public sealed record Refused(AgreementRejectionCode Code, string Message) : AgreementRoundPlan;
}

/// <summary>
/// Plans the rounds the register launches on an agreement in force: a variation to every party
/// bound, an accession for one organisation. Pure: the host loads the agreement and its rounds,
/// this decides what the new round is.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A variation goes to every party bound now (one on notice too: it is bound, and unanimity
/// counts it), each under the id it has in the register, through the governance route and published
/// calendar of the round that bound it — or another route the coordinator names for it — written
/// to the officer the register writes to.</item>
/// <item>A joiner signs the version in force: the accession round circulates that document.</item>
/// <item>One variation at a time: a second, launched on the same version while the first is going
/// round, would vary a text the first is about to replace. Likewise one accession per organisation.</item>
/// <item>The new round keeps the partnership's ways — coordinator, chairs, calendar, reminders,
/// digest, counterpart review — from the round that made the agreement.</item>
/// </list>
/// </remarks>
public static class AgreementRounds
{
    /// <summary>A variation of <paramref name="agreement"/> with the varied draft.</summary>
    /// <param name="agreement">The agreement as the register holds it.</param>
    /// <param name="original">The round that made it.</param>
    /// <param name="boundBy">Each bound party as the round that bound it knew it, by party id.</param>
    /// <param name="changes">Every round launched on this agreement so far.</param>
    /// <param name="draft">The varied draft.</param>
    /// <param name="deadline">The variation round's deadline.</param>
    /// <param name="routes">Parties that take the variation through another route than they took the agreement (a lighter one for a minor variation, say), by party id.</param>
    public static AgreementRoundPlan Variation(AgreementState agreement, RoundState original, IReadOnlyDictionary<string, PartnerState> boundBy,
        IEnumerable<RoundState> changes, DocumentRef draft, DateOnly deadline, IReadOnlyDictionary<string, GovernanceRoute>? routes = null)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(boundBy);
        if (Unchangeable(agreement) is { } ended)
        {
            return ended;
        }

        if (InFlight(agreement, changes).FirstOrDefault(r => r.ChangeOf!.Kind == AgreementChangeKind.Variation) is { } going)
        {
            return new AgreementRoundPlan.Refused(AgreementRejectionCode.ChangeInFlight,
                $"A variation of {agreement.Agreement.Title} is already going round (round {going.RoundId}, launched {UkDates.Long(going.LaunchedOn)}): let it finish or cancel it first.");
        }

        var partners = new List<PartnerDefinition>();
        foreach (var party in agreement.BoundParties)
        {
            if (!boundBy.TryGetValue(party.PartyId, out var known))
            {
                return new AgreementRoundPlan.Refused(AgreementRejectionCode.MissingDetail,
                    $"The round that bound {party.Name} ({party.JoinedBy}) is not held, so its governance route is not known.");
            }

            var route = routes?.GetValueOrDefault(party.PartyId) ?? known.Route;
            partners.Add(new PartnerDefinition(party.Name, party.Officer, new PartnerGovernance(route, null, known.Calendar), null, party.PartyId));
        }

        return new AgreementRoundPlan.Ready(DefinitionFor(agreement, original, deadline, partners), draft,
            new AgreementChange(agreement.AgreementId, AgreementChangeKind.Variation, agreement.Current.Number));
    }

    /// <summary>An accession of one organisation to <paramref name="agreement"/>, signing the version in force.</summary>
    /// <param name="agreement">The agreement as the register holds it.</param>
    /// <param name="original">The round that made it.</param>
    /// <param name="changes">Every round launched on this agreement so far.</param>
    /// <param name="joiner">The organisation, its officer and its governance.</param>
    /// <param name="deadline">The accession round's deadline.</param>
    public static AgreementRoundPlan Accession(AgreementState agreement, RoundState original, IEnumerable<RoundState> changes, PartnerDefinition joiner, DateOnly deadline)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(joiner);
        if (Unchangeable(agreement) is { } ended)
        {
            return ended;
        }

        if (agreement.BoundParties.FirstOrDefault(p => SameName(p.Name, joiner.Name)) is { } party)
        {
            return new AgreementRoundPlan.Refused(AgreementRejectionCode.DuplicateParty, $"{party.Name} is already a party to {agreement.Agreement.Title}.");
        }

        if (InFlight(agreement, changes).FirstOrDefault(r => r.ChangeOf!.Kind == AgreementChangeKind.Accession && r.Partners.Any(p => SameName(p.Name, joiner.Name))) is { } going)
        {
            return new AgreementRoundPlan.Refused(AgreementRejectionCode.ChangeInFlight,
                $"{joiner.Name} is already being asked to join (round {going.RoundId}, launched {UkDates.Long(going.LaunchedOn)}).");
        }

        return new AgreementRoundPlan.Ready(DefinitionFor(agreement, original, deadline, [joiner]), agreement.Current.Document,
            new AgreementChange(agreement.AgreementId, AgreementChangeKind.Accession, agreement.Current.Number));
    }

    /// <summary>Each bound party as the round that bound it knew it (its route, its published calendar), by party id; a party whose round is not held is left out.</summary>
    /// <param name="agreement">The agreement as the register holds it.</param>
    /// <param name="rounds">The rounds that bound its parties, by round id.</param>
    public static Dictionary<string, PartnerState> BoundBy(AgreementState agreement, IReadOnlyDictionary<string, RoundState> rounds)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(rounds);
        var known = new Dictionary<string, PartnerState>(StringComparer.Ordinal);
        foreach (var party in agreement.BoundParties)
        {
            // An organisation that left and came back has a dated party id; its round knew it by its name.
            if (rounds.GetValueOrDefault(party.JoinedBy) is { } round
                && (round.FindPartner(party.PartyId) ?? round.Partners.FirstOrDefault(p => p.Name == party.Name)) is { } partner)
            {
                known[party.PartyId] = partner;
            }
        }

        return known;
    }

    /// <summary>The rounds launched on this agreement that are still going round.</summary>
    public static IEnumerable<RoundState> InFlight(AgreementState agreement, IEnumerable<RoundState> changes)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(changes);
        return changes.Where(r => r.ChangeOf?.AgreementId == agreement.AgreementId && !r.IsClosed);
    }

    private static AgreementRoundPlan.Refused? Unchangeable(AgreementState agreement) => agreement.Status == AgreementStatus.Ended
        ? new AgreementRoundPlan.Refused(AgreementRejectionCode.AgreementEnded, $"{agreement.Agreement.Title} has ended: every party has left.")
        : null;

    private static RoundDefinition DefinitionFor(AgreementState agreement, RoundState original, DateOnly deadline, IReadOnlyList<PartnerDefinition> partners) =>
        new(agreement.Agreement, deadline, agreement.Terms.Calendar, original.Reminders, original.Digest, agreement.Chairs, agreement.Coordinator, partners,
            original.CounterpartReview);

    private static bool SameName(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
