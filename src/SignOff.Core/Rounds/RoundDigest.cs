using System.Collections.Immutable;

namespace SignOff.Core.Rounds;

/// <summary>A partner worth a chair's attention, with why.</summary>
public sealed record DigestLine(string PartnerId, string Name, string Detail, DateOnly? On);

/// <summary>
/// What a chair needs to know about a round at a glance: counts by status, who is overdue,
/// upcoming meetings, conditions awaiting the coordinator.
/// </summary>
public sealed record RoundDigest(
    string RoundId,
    string Title,
    RoundStatus Status,
    int Partners,
    ImmutableSortedDictionary<PartnerStatus, int> ByStatus,
    ImmutableList<DigestLine> Overdue,
    ImmutableList<DigestLine> UpcomingMeetings,
    ImmutableList<DigestLine> ConditionsPending,
    int Signed,
    DateOnly Deadline)
{
    /// <summary>Partners whose meeting has passed with no decision recorded, with the body that met.</summary>
    /// <remarks>Named, not counted: a chair can ask their counterpart on that body what happened.</remarks>
    public ImmutableList<DigestLine> MeetingsPassed { get; init; } = [];

    /// <summary>Partners whose decision is authorised and whose signed counterpart has not arrived, or waits for the coordinator's review.</summary>
    public ImmutableList<DigestLine> AwaitingCounterpart { get; init; } = [];

    /// <summary>Why the round is stalled, while it is.</summary>
    public string? StallReason { get; init; }

    /// <summary>How far along the round is: partners signed out of those remaining.</summary>
    public double Progress => Partners == 0 ? 0 : (double)Signed / Partners;

    /// <summary>Summarises a round as of a London date. Pure: the caller passes today.</summary>
    public static RoundDigest Of(RoundState s, DateOnly today, int meetingHorizonDays = 14)
    {
        var remaining = s.RemainingPartners.ToList();
        var byStatus = s.Partners.GroupBy(p => p.Status).ToImmutableSortedDictionary(g => g.Key, g => g.Count());
        var overdue = remaining.Where(p => p.AwaitsDecision && p.DueOn < today)
            .OrderBy(p => p.DueOn).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new DigestLine(p.PartnerId, p.Name, "decision overdue", p.DueOn)).ToImmutableList();
        var meetings = remaining.Where(p => p.AwaitsDecision && p.MeetingOn is { } m && m >= today && m <= today.AddDays(meetingHorizonDays))
            .OrderBy(p => p.MeetingOn).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new DigestLine(p.PartnerId, p.Name, p.Route.DecisionBody, p.MeetingOn)).ToImmutableList();
        var conditions = remaining.Where(p => p.Conditions == ConditionsStatus.Pending)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new DigestLine(p.PartnerId, p.Name, p.Decision?.Conditions ?? "", p.Decision?.DecidedOn)).ToImmutableList();
        var passed = remaining.Where(p => RoundAttention.MeetingPassed(p, today))
            .OrderBy(p => p.MeetingOn).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new DigestLine(p.PartnerId, p.Name, p.Route.DecisionBody, p.MeetingOn)).ToImmutableList();
        var counterparts = remaining.Where(p => p.Status is PartnerStatus.Authorised or PartnerStatus.CounterpartInReview)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new DigestLine(p.PartnerId, p.Name,
                p.Status == PartnerStatus.Authorised ? "counterpart not yet received" : "counterpart awaiting the coordinator's review",
                p.Status == PartnerStatus.Authorised ? p.AuthorisedOn : p.Counterpart?.ReceivedOn)).ToImmutableList();
        return new RoundDigest(s.RoundId, s.Agreement.Title, s.Status, remaining.Count, byStatus, overdue, meetings, conditions,
            remaining.Count(p => p.Status == PartnerStatus.Signed), s.Deadline)
        {
            MeetingsPassed = passed,
            AwaitingCounterpart = counterparts,
            StallReason = s.Status == RoundStatus.Stalled ? s.StallReason : null,
        };
    }
}
