using System.Collections.Immutable;
using System.Globalization;
using SignOff.Core.Calendar;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Core.Agreements;

/// <summary>Why the register refused a trigger. Stable codes: the API maps them to problem types.</summary>
public enum AgreementRejectionCode
{
    AgreementNotFound,
    AgreementAlreadyExists,
    AgreementEnded,
    UnknownParty,
    PartyExited,
    AlreadyOnNotice,
    DuplicateParty,

    /// <summary>A variation some party bound by the agreement did not sign: unanimity is the rule.</summary>
    NotUnanimous,

    /// <summary>A joiner's counterpart executes a version that is no longer in force.</summary>
    StaleVersion,
    InvalidDate,
    MissingDetail,
    NoReviewDue,
    NoContinuationDue,
    TimerNotPending,
    TimerNotDue,
    CalendarOutOfRange,

    /// <summary>A round launched on the agreement is still going round, and another of its kind would cross it.</summary>
    ChangeInFlight,
}

/// <summary>What <see cref="AgreementProcess.Decide"/> concluded: accepted (events and effects), already applied, or rejected with a reason.</summary>
public abstract record AgreementDecision
{
    /// <summary>Commit these events and effects atomically.</summary>
    public sealed record Accepted(AgreementState State, ImmutableList<AgreementEvent> Events, ImmutableList<AgreementEffect> Effects) : AgreementDecision;

    /// <summary>The trigger was applied before; nothing changes.</summary>
    public sealed record AlreadyApplied(AgreementState State) : AgreementDecision;

    /// <summary>Refused; nothing changes.</summary>
    public sealed record Rejected(AgreementRejectionCode Code, string Message) : AgreementDecision;
}

/// <summary>
/// The agreement register's decider: pure, like <see cref="RoundProcess"/> — a state, a trigger
/// and the time in; events and effects out. Rounds do the governance and the signing; this keeps
/// what the signatures bind: who is a party, which version is in force, when it is reviewed, who
/// is leaving and when.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Unanimity.</b> A variation takes effect only when every party bound by the agreement
/// signed it — both source agreements say so ("can be varied only by agreement of all Partners";
/// "signed by or on behalf of the partners"). A party on notice is still bound, so it must sign too.</item>
/// <item><b>Notice.</b> A party that gives notice stays bound to the last day of its notice period
/// (calendar days, or operational days in the agreement's calendar) and leaves the day after; the
/// agreement continues for the others, and the coordinator is asked for the partnership's view on
/// carrying on — the MoU asks the Alliance to "advise all remaining Partners on the feasibility".</item>
/// <item><b>Reviews.</b> Due on the cycle's nominal date or the next working day after it; reminders
/// a number of working days ahead; the next review counts from the nominal date.</item>
/// <item><b>Joiners.</b> An organisation accedes by its own round, signing the version in force;
/// nobody else is asked again.</item>
/// </list>
/// </remarks>
public sealed class AgreementProcess(BankHolidays holidays)
{
    /// <summary>Decides what a trigger means for an agreement (null: the agreement is not yet open).</summary>
    public AgreementDecision Decide(AgreementState? state, AgreementTrigger trigger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (state is not null && state.ProcessedTriggers.Contains(trigger.TriggerId))
        {
            return new AgreementDecision.AlreadyApplied(state);
        }

        if (state is null && trigger is not OpenAgreement)
        {
            return Reject(AgreementRejectionCode.AgreementNotFound, "There is no such agreement in the register.");
        }

        if (state is not null && trigger is OpenAgreement)
        {
            return Reject(AgreementRejectionCode.AgreementAlreadyExists, $"{state.Agreement.Title} is already in the register.");
        }

        if (state is { Status: AgreementStatus.Ended } && trigger is not FireAgreementTimer and not RecordContinuation and not RecordAgreementDeliveryFailure)
        {
            return Reject(AgreementRejectionCode.AgreementEnded, $"{state.Agreement.Title} has ended: every party has left.");
        }

        var change = new Change(state, trigger.TriggerId, now);
        try
        {
            var rejection = trigger switch
            {
                OpenAgreement t => Open(change, t),
                ApplyVariation t => Vary(change, t),
                AdmitParty t => Admit(change, t),
                RecordReview t => Review(change, t),
                GiveNotice t => Notice(change, t),
                RecordContinuation t => Continuation(change, t),
                FireAgreementTimer t => Fire(change, t),
                RecordAgreementDeliveryFailure t => RecordFailure(change, t),
                _ => Reject(AgreementRejectionCode.MissingDetail, $"Unknown trigger {trigger.GetType().Name}."),
            };
            if (rejection is not null)
            {
                return rejection;
            }

            Reschedule(change);
        }
        catch (CalendarOutOfRangeException e)
        {
            return Reject(AgreementRejectionCode.CalendarOutOfRange,
                $"Working days cannot be counted to {UkDates.Long(e.Date)}: the bank-holiday data runs from {UkDates.Long(e.CoveredFrom)} to {UkDates.Long(e.CoveredUntil)}. Refresh it (./signoff holidays) and try again.");
        }

        return new AgreementDecision.Accepted(change.State, [.. change.Events], [.. change.Effects]);
    }

    private AgreementDecision.Rejected? Open(Change change, OpenAgreement t)
    {
        if (t.Signatories.IsEmpty)
        {
            return Reject(AgreementRejectionCode.MissingDetail, "An agreement needs at least one party.");
        }

        var version = new EffectiveVersion(1, t.AgreementId, t.Document, t.EffectiveOn);
        var parties = t.Signatories.Select(s => new Party(s.PartyId, s.Name, s.Officer, t.EffectiveOn, t.AgreementId)).ToImmutableList();
        change.Emit(new AgreementTookEffect(t.AgreementId, t.Agreement, t.Terms, t.Coordinator, t.Chairs, version, parties));
        var calendar = Calendar(change.State);
        if (t.Terms.Reviews?.NextAfter(t.EffectiveOn, t.EffectiveOn) is { } nominal)
        {
            change.Emit(new ReviewScheduled(new ScheduledReview(nominal, DueOn(calendar, nominal))));
        }

        return null;
    }

    private static AgreementDecision.Rejected? Vary(Change change, ApplyVariation t)
    {
        var s = change.State;
        var signed = t.Signatories.Select(p => p.PartyId).ToHashSet(StringComparer.Ordinal);
        // A party that left while the variation went round signed as a party; its signature no longer binds anyone and
        // is not needed, so it neither blocks the variation nor counts. An organisation never bound is another matter.
        var strangers = t.Signatories.Where(p => s.FindParty(p.PartyId) is null).Select(p => p.Name).ToList();
        if (strangers.Count > 0)
        {
            return Reject(AgreementRejectionCode.UnknownParty,
                $"{string.Join(", ", strangers)} {(strangers.Count == 1 ? "is" : "are")} not a party to {s.Agreement.Title}: a variation is signed by the parties, and an organisation joins by its own round.");
        }

        var missing = s.BoundParties.Where(p => !signed.Contains(p.PartyId)).Select(p => p.Name).ToList();
        if (missing.Count > 0)
        {
            return Reject(AgreementRejectionCode.NotUnanimous,
                $"The variation is not signed by {string.Join(", ", missing)}: it takes effect only when every party has signed it.");
        }

        var version = new EffectiveVersion(s.Current.Number + 1, t.RoundId, t.Document, t.EffectiveOn);
        change.Emit(new AgreementVaried(version));
        change.Notify(AgreementNoticeKind.Varied, null, [.. Parties(change.State), .. Chairs(s)], t.EffectiveOn);
        change.Webhook(AgreementWebhookTypes.Varied, null, ("version", Number(version.Number)), ("roundId", t.RoundId), ("effectiveOn", Iso(t.EffectiveOn)));
        return null;
    }

    private static AgreementDecision.Rejected? Admit(Change change, AdmitParty t)
    {
        var s = change.State;
        if (t.SignedVersionOf != s.Current.Number)
        {
            return Reject(AgreementRejectionCode.StaleVersion,
                $"{t.Joiner.Name} signed version {t.SignedVersionOf}, but version {s.Current.Number} is in force: it must sign the version in force to join.");
        }

        if (s.BoundParties.Any(p => p.PartyId == t.Joiner.PartyId || string.Equals(p.Name, t.Joiner.Name, StringComparison.OrdinalIgnoreCase)))
        {
            return Reject(AgreementRejectionCode.DuplicateParty, $"{t.Joiner.Name} is already a party to {s.Agreement.Title}.");
        }

        // An organisation that left and comes back is a new party record; the one that left stays in the history.
        var id = s.FindParty(t.Joiner.PartyId) is null ? t.Joiner.PartyId : $"{t.Joiner.PartyId}-{t.JoinedOn:yyyyMMdd}";
        var party = new Party(id, t.Joiner.Name, t.Joiner.Officer, t.JoinedOn, t.RoundId);
        change.Emit(new PartyJoined(party));
        change.Notify(AgreementNoticeKind.PartyJoined, party, [.. Parties(change.State), .. Chairs(s)], t.JoinedOn);
        change.Webhook(AgreementWebhookTypes.PartyJoined, id, ("roundId", t.RoundId), ("joinedOn", Iso(t.JoinedOn)), ("version", Number(s.Current.Number)));
        return null;
    }

    private AgreementDecision.Rejected? Review(Change change, RecordReview t)
    {
        var s = change.State;
        if (s.NextReview is not { } review)
        {
            return Reject(AgreementRejectionCode.NoReviewDue, $"No review of {s.Agreement.Title} is scheduled.");
        }

        if (t.ReviewedOn > change.Today)
        {
            return Reject(AgreementRejectionCode.InvalidDate, $"A review cannot be recorded for {UkDates.Long(t.ReviewedOn)}, after today.");
        }

        change.Emit(new ReviewRecorded(review.NominalOn, t.ReviewedOn, t.Outcome, t.Note, t.By));
        var next = s.Terms.Reviews!.NextAfter(s.Versions[0].EffectiveOn, review.NominalOn);
        change.Emit(new ReviewScheduled(next is { } nominal ? new ScheduledReview(nominal, DueOn(Calendar(s), nominal)) : null));
        change.Webhook(AgreementWebhookTypes.Reviewed, null, ("outcome", RoundProcess.Kebab(t.Outcome)), ("reviewedOn", Iso(t.ReviewedOn)),
            ("nextReviewOn", next is { } n ? Iso(n) : ""));
        return null;
    }

    private AgreementDecision.Rejected? Notice(Change change, GiveNotice t)
    {
        var s = change.State;
        switch (s.FindParty(t.PartyId))
        {
            case null:
                return Reject(AgreementRejectionCode.UnknownParty, $"There is no party '{t.PartyId}' to {s.Agreement.Title}.");
            case { Status: PartyStatus.Exited } gone:
                return Reject(AgreementRejectionCode.PartyExited, $"{gone.Name} left on {UkDates.Long(gone.ExitedOn)}.");
            case { Notice: { } given } leaving:
                return Reject(AgreementRejectionCode.AlreadyOnNotice, $"{leaving.Name} gave notice on {UkDates.Long(given.GivenOn)}; it is bound until {UkDates.Long(given.EndsOn)}.");
            case { } party when t.GivenOn > change.Today:
                return Reject(AgreementRejectionCode.InvalidDate, $"{party.Name}'s notice cannot be dated {UkDates.Long(t.GivenOn)}, after today.");
            case { } party when t.GivenOn < party.JoinedOn:
                return Reject(AgreementRejectionCode.InvalidDate, $"{party.Name} joined on {UkDates.Long(party.JoinedOn)}; its notice cannot be dated before that.");
            case { } party:
                var endsOn = s.Terms.Notice.EndsOn(t.GivenOn, Calendar(s));
                change.Emit(new NoticeGiven(party.PartyId, t.GivenOn, endsOn, t.Reason, t.By));
                change.Notify(AgreementNoticeKind.NoticeGiven, party, [.. Parties(s), Coordinator(s), .. Chairs(s)], endsOn, t.Reason);
                change.Webhook(AgreementWebhookTypes.NoticeGiven, party.PartyId, ("givenOn", Iso(t.GivenOn)), ("boundUntil", Iso(endsOn)));
                return null;
        }
    }

    private static AgreementDecision.Rejected? Continuation(Change change, RecordContinuation t)
    {
        var s = change.State;
        if (s.ContinuationViewsDue.IsEmpty)
        {
            return Reject(AgreementRejectionCode.NoContinuationDue, "No party has left since the partnership's view on carrying on was last recorded.");
        }

        if (string.IsNullOrWhiteSpace(t.View))
        {
            return Reject(AgreementRejectionCode.MissingDetail, "Enter the partnership's view on carrying on.");
        }

        change.Emit(new ContinuationRecorded(s.ContinuationViewsDue, t.View.Trim(), t.By));
        return null;
    }

    private AgreementDecision.Rejected? Fire(Change change, FireAgreementTimer t)
    {
        var s = change.State;
        if (s.Timers.FirstOrDefault(x => x.TimerId == t.TimerId) is not { } timer)
        {
            return Reject(AgreementRejectionCode.TimerNotPending, $"Timer {t.TimerId} is not pending.");
        }

        if (timer.DueAt > change.Now)
        {
            return Reject(AgreementRejectionCode.TimerNotDue, $"Timer {t.TimerId} is not due until {timer.DueAt:O}.");
        }

        change.Emit(new AgreementTimerCleared(timer.TimerId));
        switch (timer.Purpose)
        {
            case AgreementTimerPurpose.ReviewReminder when s.NextReview is { } review:
                var left = Calendar(s).WorkingDaysBetween(timer.On, review.DueOn);
                change.Emit(new ReviewReminderSent(review.DueOn, left));
                change.Notify(AgreementNoticeKind.ReviewReminder, null, [Coordinator(s), .. Parties(s)], review.DueOn, workingDaysLeft: left);
                break;
            case AgreementTimerPurpose.ReviewDue when s.NextReview is { } review:
                change.Emit(new ReviewFellDue(review.DueOn));
                change.Notify(AgreementNoticeKind.ReviewDue, null, [Coordinator(s)], review.DueOn);
                break;
            case AgreementTimerPurpose.NoticeEnds when s.FindParty(timer.PartyId!) is { Status: PartyStatus.OnNotice } party:
                change.Emit(new PartyExited(party.PartyId, timer.On));
                change.Notify(AgreementNoticeKind.PartyExited, party, [.. Parties(change.State), Coordinator(s), .. Chairs(s)], timer.On);
                change.Webhook(AgreementWebhookTypes.PartyExited, party.PartyId, ("exitedOn", Iso(timer.On)),
                    ("partiesRemaining", Number(change.State.BoundParties.Count())));
                break;
        }

        return null;
    }

    private static AgreementDecision.Rejected? RecordFailure(Change change, RecordAgreementDeliveryFailure t)
    {
        var f = t.Failure;
        if (string.IsNullOrWhiteSpace(f.Reference) || string.IsNullOrWhiteSpace(f.What) || string.IsNullOrWhiteSpace(f.Destination) || string.IsNullOrWhiteSpace(f.Reason))
        {
            return Reject(AgreementRejectionCode.MissingDetail, "A delivery failure names what failed, where it was going and why.");
        }

        change.Emit(new AgreementDeliveryFailed(f));
        if (f.StoppedSubscription is not null)
        {
            // As a round does: the coordinator is told a subscription stopped through the register's own emails.
            // Not for a failed email: an email about failing email would fail the same way, and fail again.
            var s = change.State;
            change.Tell(new AgreementNotice(AgreementNoticeKind.WebhookStopped, [Coordinator(s)], s.AgreementId, s.Agreement.Title, s.Agreement.Reference,
                s.Coordinator, null, null, s.Current.Number) { Failure = f });
        }

        return null;
    }

    /// <summary>Brings the timers in line with the state: the next review reminder, the review's due date, each notice's end.</summary>
    /// <remarks>Ids derive from purpose, party and date, so recomputing the same schedule changes nothing.</remarks>
    private void Reschedule(Change change)
    {
        var s = change.State;
        var wanted = new List<AgreementTimer>();
        if (s.Status == AgreementStatus.InForce && s.NextReview is { } review)
        {
            var calendar = Calendar(s);
            var reminders = s.Terms.ReviewRemindersBefore
                .Where(n => n > 0)
                .Select(n => calendar.SubtractWorkingDays(review.DueOn, n))
                .Where(on => on >= change.Today && (s.ReviewReminderSentOn is not { } sent || on > sent))
                .Order()
                .ToList();
            if (reminders.Count > 0)
            {
                wanted.Add(Timer(AgreementTimerPurpose.ReviewReminder, null, reminders[0], LondonTime.At(reminders[0], ReminderSchedule.ReminderTime)));
            }

            if (s.ReviewDueSince is null)
            {
                wanted.Add(Timer(AgreementTimerPurpose.ReviewDue, null, review.DueOn, LondonTime.At(review.DueOn, ReminderSchedule.ReminderTime)));
            }
        }

        foreach (var party in s.Parties.Where(p => p is { Status: PartyStatus.OnNotice, Notice: not null }))
        {
            // Bound to the last day of the notice; it leaves at the start of the next.
            var leavesOn = party.Notice!.EndsOn.AddDays(1);
            wanted.Add(Timer(AgreementTimerPurpose.NoticeEnds, party.PartyId, leavesOn, LondonTime.StartOf(leavesOn)));
        }

        foreach (var stale in s.Timers.Where(t => !wanted.Any(w => w.TimerId == t.TimerId)).ToList())
        {
            change.Emit(new AgreementTimerCleared(stale.TimerId));
        }

        foreach (var missing in wanted.Where(w => !change.State.Timers.Any(t => t.TimerId == w.TimerId)))
        {
            change.Emit(new AgreementTimerScheduled(missing));
        }
    }

    private static AgreementTimer Timer(AgreementTimerPurpose purpose, string? partyId, DateOnly on, DateTimeOffset dueAt) =>
        new($"{RoundProcess.Kebab(purpose)}:{partyId ?? "agreement"}:{on:yyyy-MM-dd}", purpose, partyId, on, dueAt);

    /// <summary>The nominal date, or the next working day when it is not one.</summary>
    private static DateOnly DueOn(WorkingDayCalendar calendar, DateOnly nominal) =>
        calendar.IsWorkingDay(nominal) ? nominal : calendar.NextWorkingDayAfter(nominal);

    private WorkingDayCalendar Calendar(AgreementState s) => holidays.CalendarFor(s.Terms.Calendar);

    private static IEnumerable<Recipient> Parties(AgreementState s) => s.BoundParties.Select(p => new Recipient(p.Officer, RecipientRole.Officer));

    private static Recipient Coordinator(AgreementState s) => new(s.Coordinator, RecipientRole.Coordinator);

    private static IEnumerable<Recipient> Chairs(AgreementState s) => s.Chairs.Select(c => new Recipient(c, RecipientRole.Chair));

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static AgreementDecision.Rejected Reject(AgreementRejectionCode code, string message) => new(code, message);

    private sealed class Change(AgreementState? initial, string triggerId, DateTimeOffset now)
    {
        private AgreementState? state = initial;

        public AgreementState State => state ?? throw new InvalidOperationException("The agreement is not open.");

        public DateTimeOffset Now => now;

        public DateOnly Today { get; } = LondonTime.DateOf(now);

        public List<AgreementEvent> Events { get; } = [];

        public List<AgreementEffect> Effects { get; } = [];

        public void Emit(AgreementEvent e)
        {
            var stamped = e with { TriggerId = triggerId, At = now };
            Events.Add(stamped);
            state = AgreementEvolver.Evolve(state, stamped);
        }

        public void Notify(AgreementNoticeKind kind, Party? about, IEnumerable<Recipient> to, DateOnly? on, string? reason = null, int? workingDaysLeft = null)
        {
            var s = State;
            // The party a notice is about is told separately or not at all: never "X has left" to X.
            var recipients = to.Where(r => about is null || r.Person.Email != about.Officer.Email || r.Role != RecipientRole.Officer)
                .DistinctBy(r => r.Person.Email.ToUpperInvariant()).ToImmutableList();
            if (recipients.IsEmpty)
            {
                return;
            }

            Effects.Add(new SendAgreementNotice(NextEffectId(), new AgreementNotice(kind, recipients, s.AgreementId, s.Agreement.Title, s.Agreement.Reference,
                s.Coordinator, about?.Name, on, s.Current.Number) { Reason = reason, WorkingDaysLeft = workingDaysLeft }));
        }

        public void Webhook(string type, string? partyId, params (string Key, string Value)[] data) =>
            Effects.Add(new PublishAgreementWebhook(NextEffectId(), type, State.AgreementId, partyId, now,
                data.ToImmutableSortedDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal)));

        /// <summary>Sends a notice as it is, to the recipients it names.</summary>
        public void Tell(AgreementNotice notice) => Effects.Add(new SendAgreementNotice(NextEffectId(), notice));

        private string NextEffectId() => $"{triggerId}.{Effects.Count:D4}";
    }
}

/// <summary>The webhook event types the register publishes.</summary>
public static class AgreementWebhookTypes
{
    public const string Reviewed = "agreement.reviewed";
    public const string Varied = "agreement.varied";
    public const string NoticeGiven = "party.notice_given";
    public const string PartyExited = "party.exited";
    public const string PartyJoined = "party.joined";
}
