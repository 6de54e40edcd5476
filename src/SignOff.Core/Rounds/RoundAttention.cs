using System.Collections.Immutable;
using SignOff.Core.Wording;

namespace SignOff.Core.Rounds;

/// <summary>What about a round needs the coordinator.</summary>
public enum AttentionKind
{
    /// <summary>The round has stalled: a partner declined or none remains.</summary>
    Stalled,

    /// <summary>A partner's decision was due before today and none is recorded.</summary>
    DecisionOverdue,

    /// <summary>A partner's meeting date has passed and no decision is recorded.</summary>
    MeetingPassed,

    /// <summary>A partner approved subject to conditions the coordinator has not accepted or rejected.</summary>
    ConditionsToReview,

    /// <summary>A counterpart arrived that waits for the coordinator's review before it counts.</summary>
    CounterpartToReview,

    /// <summary>A decision was called in: its outcome is for the coordinator to record.</summary>
    CalledIn,

    /// <summary>A partner's decision is authorised and its signed counterpart has not arrived.</summary>
    CounterpartAwaited,

    /// <summary>A partner's decision is in its call-in period.</summary>
    InCallIn,
}

/// <summary>How soon an attention item wants the coordinator, most pressing first.</summary>
public enum AttentionSeverity
{
    /// <summary>Late, or holding the whole round up: act now.</summary>
    Urgent,

    /// <summary>Waits on the coordinator: nothing moves until they act.</summary>
    ToDo,

    /// <summary>In hand, but worth watching.</summary>
    Watch,
}

/// <summary>One thing about a round that needs the coordinator.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="PartnerId">The partner it concerns; null for the round itself.</param>
/// <param name="PartnerName">The partner's name; null for the round itself.</param>
/// <param name="Text">What it is, as a sentence naming the partner, e.g. "Chelmsford City Council's decision was due on 9 July 2021".</param>
/// <param name="On">The date it turns on (when it was due, when the meeting was, when a call-in ends), if any.</param>
/// <param name="Severity">How soon it wants the coordinator.</param>
public sealed record AttentionItem(AttentionKind Kind, string? PartnerId, string? PartnerName, string Text, DateOnly? On, AttentionSeverity Severity);

/// <summary>
/// What in a round needs the coordinator, as of a day: the "Needs your attention" list of the
/// round page and the count on the rounds list.
/// </summary>
/// <remarks>
/// Computed from the snapshot and today, never stored: whether something is overdue or a meeting
/// has passed changes with the date alone, with no event to record it. Pure (the caller passes
/// today) so the pages, the API and the tests agree on the same list. Items come most pressing
/// first, then by date, then by partner, so the list reads the same on every visit.
/// </remarks>
public static class RoundAttention
{
    /// <summary>Everything in a round needing the coordinator on a London day; empty for a closed round.</summary>
    public static ImmutableList<AttentionItem> Of(RoundState s, DateOnly today)
    {
        if (s.IsClosed)
        {
            return [];
        }

        var items = new List<AttentionItem>();
        if (s.Status == RoundStatus.Stalled)
        {
            items.Add(new(AttentionKind.Stalled, null, null, $"The round has stalled: {s.StallReason ?? "no partner can carry it forward."}", null, AttentionSeverity.Urgent));
        }

        foreach (var p in s.RemainingPartners)
        {
            items.AddRange(For(p, today));
        }

        return [.. items.OrderBy(i => i.Severity).ThenBy(i => i.On ?? DateOnly.MaxValue).ThenBy(i => i.PartnerName, StringComparer.Ordinal).ThenBy(i => i.Kind)];
    }

    /// <summary>Whether a partner's meeting date has passed with no decision recorded.</summary>
    public static bool MeetingPassed(PartnerState p, DateOnly today) => p.AwaitsDecision && p.MeetingOn is { } m && m < today;

    /// <summary>Whether a partner's decision is overdue.</summary>
    public static bool DecisionOverdue(PartnerState p, DateOnly today) => p.AwaitsDecision && p.DueOn < today;

    private static IEnumerable<AttentionItem> For(PartnerState p, DateOnly today)
    {
        AttentionItem Item(AttentionKind kind, string text, DateOnly? on, AttentionSeverity severity) => new(kind, p.PartnerId, p.Name, text, on, severity);

        if (DecisionOverdue(p, today))
        {
            yield return Item(AttentionKind.DecisionOverdue, $"{p.Name}'s decision was due on {UkDates.Long(p.DueOn)}", p.DueOn, AttentionSeverity.Urgent);
        }

        if (MeetingPassed(p, today))
        {
            yield return Item(AttentionKind.MeetingPassed, $"{p.Name}'s {p.Route.DecisionBody} met on {UkDates.Long(p.MeetingOn)} and no decision is recorded", p.MeetingOn, AttentionSeverity.Urgent);
        }

        if (p.Conditions == ConditionsStatus.Pending)
        {
            yield return Item(AttentionKind.ConditionsToReview, $"{p.Name} approved subject to conditions for you to review", p.Decision?.DecidedOn, AttentionSeverity.ToDo);
        }

        switch (p.Status)
        {
            case PartnerStatus.CounterpartInReview:
                yield return Item(AttentionKind.CounterpartToReview, $"{p.Name}'s counterpart waits for your review", p.Counterpart?.ReceivedOn, AttentionSeverity.ToDo);
                break;
            case PartnerStatus.CalledIn:
                yield return Item(AttentionKind.CalledIn, $"{p.Name}'s decision was called in: record the call-in's outcome", p.Decision?.DecidedOn, AttentionSeverity.ToDo);
                break;
            case PartnerStatus.Authorised:
                yield return Item(AttentionKind.CounterpartAwaited, $"{p.Name}'s signed counterpart has not arrived", p.AuthorisedOn, AttentionSeverity.Watch);
                break;
            case PartnerStatus.CallIn:
                yield return Item(AttentionKind.InCallIn, $"{p.Name}'s decision is in its call-in period until {UkDates.Long(p.CallInEndsOn)}", p.CallInEndsOn, AttentionSeverity.Watch);
                break;
        }
    }
}
