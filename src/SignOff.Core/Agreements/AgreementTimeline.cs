using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Core.Agreements;

/// <summary>An agreement's history told in sentences, for the coordinator's agreement page.</summary>
/// <remarks>
/// As <see cref="RoundTimeline"/>: timer bookkeeping (scheduled, cleared) is left out, because it is
/// how the register keeps its promises, not something that happened in the partnership; every other
/// event is told, with who did it. An event type with no sentence here is a programming error, not a
/// silent gap in the history: <see cref="Describe"/> throws for it, and the unit tests meet every type.
/// </remarks>
public static class AgreementTimeline
{
    /// <summary>The sentence for an event and who it was by (null for what SignOff did itself), or null for bookkeeping.</summary>
    /// <param name="e">The event.</param>
    /// <param name="partyName">The name of a party by id (parties that left stay in the snapshot, so a name is always there).</param>
    /// <exception cref="ArgumentOutOfRangeException">An event type this timeline has no words for.</exception>
    public static (string Text, string? By)? Describe(AgreementEvent e, Func<string, string> partyName)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(partyName);
        return e switch
        {
            AgreementTookEffect t => ($"{t.Agreement.Title} took effect on {UkDates.Long(t.Version.EffectiveOn)}: version {t.Version.Number} ({t.Version.Document.FileName}) binds {Count(t.Parties.Count)}: {Names(t.Parties.Select(p => p.Name))}.", null),
            AgreementVaried v => ($"Version {v.Version.Number} ({v.Version.Document.FileName}) took effect on {UkDates.Long(v.Version.EffectiveOn)}: every party bound signed the variation.", null),
            PartyJoined j => ($"{j.Party.Name} joined on {UkDates.Long(j.Party.JoinedOn)}, bound by its counterpart; {j.Party.Officer.Name} is its officer.", null),
            ReviewRecorded r => ($"The review due on {UkDates.Long(r.NominalOn)} was held {(r.ReviewedOn < r.NominalOn ? "early, " : "")}on {UkDates.Long(r.ReviewedOn)}: {Outcome(r.Outcome)}{(r.Note is null ? "" : $" ({r.Note.TrimEnd('.')})")}.", r.By.Name),
            ReviewScheduled { Review: null } => ("No further review is scheduled: the review cycle has no more dates.", null),
            ReviewScheduled { Review: { } next } => ($"The next review is due on {UkDates.Long(next.DueOn)}{(next.DueOn == next.NominalOn ? "" : $" ({UkDates.Long(next.NominalOn)} is not a working day)")}.", null),
            ReviewReminderSent r => ($"The coordinator and the parties were reminded of the review due on {UkDates.Long(r.DueOn)} ({r.WorkingDaysLeft} working {(r.WorkingDaysLeft == 1 ? "day" : "days")} ahead).", null),
            ReviewFellDue r => ($"The review due on {UkDates.Long(r.DueOn)} fell due: the coordinator was asked to record its outcome.", null),
            NoticeGiven n => ($"{partyName(n.PartyId)} gave notice on {UkDates.Long(n.GivenOn)}{(n.Reason is null ? "" : $" ({n.Reason.TrimEnd('.')})")}; it is bound until {UkDates.Long(n.EndsOn)}.", n.By.Name),
            PartyExited x => ($"{partyName(x.PartyId)} left on {UkDates.Long(x.ExitedOn)}: it is no longer bound. The remaining parties and the chairs were told.", null),
            ContinuationRecorded c => ($"The partnership's view on carrying on after {Names(c.PartyIds.Select(partyName))} left: {c.View.TrimEnd('.')}.", c.By.Name),
            AgreementDeliveryFailed f => ($"{(f.Failure.Channel == DeliveryChannel.Email ? "Email" : "Webhook")} not delivered after every retry: the {f.Failure.What} to {f.Failure.Destination}. {f.Failure.Reason}{(f.Failure.StoppedSubscription is { } sub ? $" Webhook subscription {sub} was disabled." : "")}", null),
            AgreementTimerScheduled or AgreementTimerCleared => null,
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "No words for this kind of agreement event."),
        };
    }

    /// <summary>The history's lines, oldest first, with bookkeeping left out.</summary>
    public static IReadOnlyList<TimelineLine> Tell(IEnumerable<AgreementEvent> events, Func<string, string> partyName)
    {
        ArgumentNullException.ThrowIfNull(events);
        return [.. events.Select(e => (Event: e, Told: Describe(e, partyName)))
            .Where(x => x.Told is not null)
            .Select(x => new TimelineLine(x.Event.At, x.Told!.Value.Text, x.Told.Value.By, []))];
    }

    /// <summary>What a review concluded, as it reads after a colon: "no change" or "a variation is needed".</summary>
    public static string Outcome(ReviewOutcome outcome) => outcome switch
    {
        ReviewOutcome.NoChange => "no change",
        ReviewOutcome.VariationNeeded => "a variation is needed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "No words for this review outcome."),
    };

    /// <summary>Where a party stands, as its status tag reads: "bound", "on notice until 15 July 2021", "left on 16 July 2021".</summary>
    public static string Standing(Party party)
    {
        ArgumentNullException.ThrowIfNull(party);
        return party.Status switch
        {
            PartyStatus.Bound => "bound",
            PartyStatus.OnNotice => $"on notice until {UkDates.Long(party.Notice?.EndsOn)}",
            PartyStatus.Exited => $"left on {UkDates.Long(party.ExitedOn)}",
            _ => throw new ArgumentOutOfRangeException(nameof(party), party.Status, "No words for this party status."),
        };
    }

    /// <summary>Names in a list as a sentence has them: "A", "A and B", "A, B and C".</summary>
    public static string Names(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list.Take(list.Count - 1))} and {list[^1]}";
    }

    private static string Count(int parties) => parties == 1 ? "1 party" : $"{parties} parties";
}
