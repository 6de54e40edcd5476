using SignOff.Core.Agreements;
using SignOff.Core.Wording;

namespace SignOff.Core.Rounds;

/// <summary>A round's audit log told in sentences, for the coordinator's timeline.</summary>
/// <remarks>
/// Timer bookkeeping (scheduled, cleared) is left out: it is how the engine keeps its promises,
/// not something that happened in the partnership. Everything else is told, with who did it.
/// </remarks>
public static class RoundTimeline
{
    /// <summary>The sentence for an event and who it was by (null for what SignOff did itself), or null for bookkeeping.</summary>
    /// <param name="e">The event.</param>
    /// <param name="partnerName">The name of a partner by id (partners never leave the snapshot, so a name is always there).</param>
    public static (string Text, string? By)? Describe(RoundEvent e, Func<string, string> partnerName)
    {
        ArgumentNullException.ThrowIfNull(partnerName);
        return e switch
        {
            RoundStarted { ChangeOf: { Kind: AgreementChangeKind.Variation } v } s =>
                ($"Variation launched: a varied draft of {s.Agreement.Title} (in force as version {v.BaseVersion}) sent to every party, deadline {UkDates.Long(s.Deadline)}.", s.By.Name),
            RoundStarted { ChangeOf: { Kind: AgreementChangeKind.Accession } a } s =>
                ($"Accession launched: version {a.BaseVersion} of {s.Agreement.Title}, as in force, sent to the joining organisation, deadline {UkDates.Long(s.Deadline)}.", s.By.Name),
            RoundStarted s => ($"Round launched: version 1 of {s.Agreement.Title} sent to partners, deadline {UkDates.Long(s.Deadline)}.", s.By.Name),
            PartnerInvited p => ($"{p.Name} {(p.JoinedMidRound ? "joined the round and was" : "was")} invited; {p.Officer.Name} is its officer; due by {UkDates.Long(p.DueOn)}.", null),
            InvitationAcknowledged a => ($"{partnerName(a.PartnerId)} acknowledged the invitation.", a.By.Name),
            MeetingScheduled m => ($"{partnerName(m.PartnerId)} will decide at {m.Body ?? "its meeting"} on {UkDates.Long(m.MeetingOn)}.", m.By.Name),
            DecisionRecorded d => ($"{partnerName(d.PartnerId)}: {Outcome(d.Decision)}.", d.Decision.RecordedBy.Name),
            CallInStarted c => ($"{partnerName(c.PartnerId)}'s call-in period runs until {UkDates.Long(c.EndsOn)}.", null),
            CallInEnded c => ($"{partnerName(c.PartnerId)}'s call-in period ended.", null),
            DecisionCorrected c => ($"{partnerName(c.PartnerId)}'s decision was corrected from {Outcome(c.Original)} to {Outcome(c.Corrected)}: {c.Reason} (evidence: {c.Evidence}).", c.By.Name),
            DecisionCalledIn c => ($"{partnerName(c.PartnerId)}'s decision was called in{(c.Committee is null ? "" : $" by {c.Committee}")} on {UkDates.Long(c.On)}{(c.Reason is null ? "" : $": {c.Reason.TrimEnd('.')}")}.", c.By.Name),
            CallInResolved c => ($"{partnerName(c.PartnerId)}'s called-in decision was {(c.Outcome == CallInOutcome.Upheld ? "upheld" : "referred back to be taken again")} on {UkDates.Long(c.On)}{(c.Note is null ? "" : $": {c.Note}")}.", c.By.Name),
            ConditionsAccepted c => ($"{partnerName(c.PartnerId)}'s conditions were accepted{(c.Note is null ? "" : $": {c.Note}")}.", c.By.Name),
            ConditionsRejected c => ($"{partnerName(c.PartnerId)}'s conditions were not accepted: {c.Reason}.", c.By.Name),
            PartnerAuthorised a => ($"{partnerName(a.PartnerId)} is authorised to sign; its counterpart was requested.", null),
            CounterpartHeldForReview c => ($"{partnerName(c.PartnerId)}'s counterpart is not verified, so it waits for the coordinator's review before it counts.", "SignOff"),
            CounterpartAccepted c => ($"{partnerName(c.PartnerId)}'s counterpart was accepted after review{(c.Note is null ? "" : $": {c.Note}")}.", c.By.Name),
            CounterpartRejected c => ($"{partnerName(c.PartnerId)}'s counterpart was rejected: {c.Reason}. The partner is asked for another.", c.By.Name),
            CounterpartReceived c => ($"{partnerName(c.PartnerId)}'s counterpart of version {c.Counterpart.Version} arrived, signed by {c.Counterpart.SignatoryName} ({c.Counterpart.SignatoryPosition}) on {UkDates.Long(c.Counterpart.SignedOn)}.", c.Counterpart.ReceivedFrom.Name),
            DraftRevised r => ($"Version {r.Version} circulated as a {(r.Kind == RevisionKind.Minor ? "minor revision: decisions stand, counterparts of this version are needed" : "material revision: every partner decides again")}{(r.Note is null ? "" : $" ({r.Note})")}.", r.By.Name),
            PartnerWithdrawn w => ($"{partnerName(w.PartnerId)} withdrew (notice given {UkDates.Long(w.NoticeOn)}){(w.Reason is null ? "" : $": {w.Reason}")}.", w.By.Name),
            PartnerRemoved r => ($"{partnerName(r.PartnerId)} was removed from the round{(r.Reason is null ? "" : $": {r.Reason}")}.", r.By.Name),
            OfficerDelegated d => ($"{partnerName(d.PartnerId)} handed over from {d.From.Name} to {d.To.Name}.", d.By.Name),
            InvitationResent i => ($"{partnerName(i.PartnerId)}'s invitation was sent again, with a fresh link.", i.By.Name),
            OfficerLinkIssued l => ($"A link for {partnerName(l.PartnerId)}'s officer ({l.OfficerEmail}) was shown to {l.By.Name} to pass on.", l.By.Name),
            PartnerDatesChanged d => ($"{partnerName(d.PartnerId)}'s dates changed: due {UkDates.Long(d.DueOn)} (was {UkDates.Long(d.PreviousDueOn)}), meeting {UkDates.Long(d.MeetingOn)} (was {UkDates.Long(d.PreviousMeetingOn)}).", d.By.Name),
            MeetingPublished m when !m.Adopted => ($"{partnerName(m.PartnerId)}'s published calendar lists {m.Body} on {UkDates.Long(m.MeetingOn)}; the date entered by a person, {UkDates.Long(m.PreviousMeetingOn)}, stands.", null),
            MeetingPublished m when m.Moved => ($"{partnerName(m.PartnerId)}'s meeting moved in its published calendar: {m.Body}, {UkDates.Long(m.MeetingOn)} (was {UkDates.Long(m.PreviousPublishedOn)}).", null),
            MeetingPublished m => ($"{partnerName(m.PartnerId)}'s meeting was taken from its published calendar: {m.Body}, {UkDates.Long(m.MeetingOn)}.", null),
            PublishedMeetingCancelled c => ($"{partnerName(c.PartnerId)}'s published calendar no longer lists {c.Body} on {UkDates.Long(c.PreviousPublishedOn)} before its due date{(c.Cleared ? "; its meeting is not yet scheduled" : "")}.", null),
            ReminderSent r => ($"{(r.Overdue ? "Overdue reminder" : "Reminder")} sent to {partnerName(r.PartnerId)}.", null),
            PartnerEscalated x => ($"{partnerName(x.PartnerId)} is overdue: the chairs were told.", null),
            PartnerFellOverdue x => ($"{partnerName(x.PartnerId)} is overdue: the chairs and coordinator will be told in the day's escalation.", null),
            CounterpartChased c => ($"{partnerName(c.PartnerId)} was asked again for its counterpart.", null),
            DigestSent => ("Status digest sent to the chairs.", null),
            RoundStalled s => ($"Round stalled: {s.Reason}", null),
            RoundResumed => ("Round circulating again.", null),
            RoundBecameEffective f => ($"The agreement took effect on {UkDates.Long(f.EffectiveOn)}: every partner has signed.", null),
            RoundCancelled c => ($"Round cancelled: {c.Reason}", c.By.Name),
            DeliveryFailed { Failure.Channel: DeliveryChannel.Calendar } f => ($"Published calendar not read after every retry: the {f.Failure.What} at {f.Failure.Destination}. {f.Failure.Reason}", null),
            DeliveryFailed { Failure.Channel: DeliveryChannel.Register } f => ($"Not recorded in the agreement register after every retry: {f.Failure.Reason}", null),
            DeliveryFailed f => ($"{(f.Failure.Channel == DeliveryChannel.Email ? "Email" : "Webhook")} not delivered after every retry: the {f.Failure.What} to {f.Failure.Destination}. {f.Failure.Reason}{(f.Failure.StoppedSubscription is { } sub ? $" Webhook subscription {sub} was disabled." : "")}", null),
            TimersBeyondCalendar t => (t.Timers.IsEmpty
                ? "Every reminder and timer is scheduled again: the bank-holiday data now covers them."
                : $"Not scheduled, because the bank-holiday data for {t.Calendar} ends before them: {string.Join("; ", t.Timers)}. Refresh it (./signoff holidays); the round schedules them at its next change.", null),
            _ => null,
        };
    }

    /// <summary>
    /// The timeline's lines, oldest first: each event told in a sentence, except that three or more
    /// events of one kind from one action (a launch inviting nineteen partners, a morning's reminders)
    /// are told as one line that lists them.
    /// </summary>
    /// <remarks>
    /// A coordinator reads the timeline for what happened; nineteen near-identical lines from one
    /// launch push everything else out of sight. Grouping is by the trigger that caused the events, so
    /// a group never mixes two actions, and the individual sentences are kept for the details.
    /// </remarks>
    public static IReadOnlyList<TimelineLine> Tell(IEnumerable<RoundEvent> events, Func<string, string> partnerName)
    {
        ArgumentNullException.ThrowIfNull(events);
        var lines = new List<TimelineLine>();
        var run = new List<(RoundEvent Event, string Text, string? By)>();
        void Flush()
        {
            if (run.Count >= 3 && Together(run[0].Event, run.Count) is { } summary)
            {
                lines.Add(new TimelineLine(run[0].Event.At, summary, run[0].By, [.. run.Select(r => r.Text)]));
            }
            else
            {
                lines.AddRange(run.Select(r => new TimelineLine(r.Event.At, r.Text, r.By, [])));
            }

            run.Clear();
        }

        foreach (var e in events)
        {
            if (Describe(e, partnerName) is not { } told)
            {
                continue;
            }

            if (run.Count > 0 && (run[0].Event.GetType() != e.GetType() || run[0].Event.TriggerId != e.TriggerId))
            {
                Flush();
            }

            run.Add((e, told.Text, told.By));
        }

        Flush();
        return lines;
    }

    /// <summary>Several events of one kind from one action, told together; null for kinds that are never grouped.</summary>
    private static string? Together(RoundEvent first, int count) => first switch
    {
        PartnerInvited => $"{count} partners were invited.",
        ReminderSent r => $"{count} {(r.Overdue ? "overdue reminders" : "reminders")} were sent.",
        PartnerEscalated => $"{count} partners are overdue: the chairs were told.",
        CounterpartChased => $"{count} partners were asked again for their counterparts.",
        PartnerAuthorised => $"{count} partners were authorised to sign.",
        _ => null,
    };

    /// <summary>A decision in a phrase, e.g. "approved subject to conditions by Cabinet on 15 June 2021 (minute 23)".</summary>
    public static string Outcome(RecordedDecision d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var what = d is { Outcome: DecisionOutcome.Deferred, DeferredTo: { } next } ? $"{Words.For(d.Outcome)} to {UkDates.Long(next)}" : Words.For(d.Outcome);
        var minute = d.MinuteReference is { Length: > 0 } m ? $" (minute {m})" : "";
        var under = d.ActingUnder is { } a ? $", acting under {a}" : "";
        var delegated = d.SignatureDelegatedTo is { } office ? $"; signature delegated to the {office}" : "";
        return $"{what} by {d.Body}{under} on {UkDates.Long(d.DecidedOn)}{minute}, version {d.Version}{delegated}";
    }

    /// <summary>
    /// True when an event belongs on a partner's own timeline: it is about that partner, or it is a
    /// revision of the draft, which changes what every partner is deciding on or signing.
    /// </summary>
    public static bool Concerns(RoundEvent e, string partnerId) => e is DraftRevised || PartnerOf(e) == partnerId;

    /// <summary>The partner an event is about, or null for round-wide events.</summary>
    public static string? PartnerOf(RoundEvent e) => e switch
    {
        IPartnerScoped x => x.PartnerId,
        TimerScheduled x => x.Timer.PartnerId,
        _ => null,
    };
}

/// <summary>A line of the timeline: one event told, or several of one kind from one action told together.</summary>
/// <param name="At">When it happened (the first event's time, for a group).</param>
/// <param name="Text">The sentence.</param>
/// <param name="By">Who did it, or null for what SignOff did itself.</param>
/// <param name="Details">For a group, each event's own sentence; empty otherwise.</param>
public sealed record TimelineLine(DateTimeOffset At, string Text, string? By, IReadOnlyList<string> Details);
