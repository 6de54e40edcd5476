using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using SignOff.Core.Agreements;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Wording;

namespace SignOff.Core.Rounds;

/// <summary>
/// The sign-off round state machine: given a round's state, a trigger and the current instant,
/// decides the events to record, the effects to perform and the timers to keep.
/// </summary>
/// <remarks>
/// <para>Pure: no I/O, no clock, no randomness. The caller passes <c>now</c>; ids come from the
/// trigger. Deciding the same trigger against the same state at the same instant always gives
/// the same answer, which is what lets a store retry after a concurrency conflict.</para>
/// <para>Timers are not scheduled by hand in each handler: after every trigger the process
/// works out the timers the new state needs and emits the difference, so no path can forget to
/// cancel a reminder for a partner that has decided.</para>
/// </remarks>
public sealed partial class RoundProcess(BankHolidays holidays)
{
    /// <summary>Decides a trigger. <paramref name="state"/> is null for a round that does not exist yet.</summary>
    public RoundDecision Decide(RoundState? state, RoundTrigger trigger, DateTimeOffset now)
    {
        if (!TriggerIdPattern().IsMatch(trigger.TriggerId))
        {
            return Reject(RejectionCode.InvalidTrigger, "A trigger id is 1 to 128 letters, digits or ':._-' characters.");
        }

        if (state is not null && state.ProcessedTriggers.Contains(trigger.TriggerId))
        {
            return new RoundDecision.AlreadyApplied(state);
        }

        if (state is null)
        {
            return trigger is StartRound start
                ? Start(start, now)
                : Reject(RejectionCode.RoundNotFound, "There is no such round.");
        }

        if (trigger is StartRound)
        {
            return Reject(RejectionCode.RoundAlreadyExists, $"Round '{state.RoundId}' already exists.");
        }

        if (trigger is ReportDeliveryFailure failure)
        {
            // Before the closed-round checks: see ReportDeliveryFailure's remarks.
            var change = new Change(state, trigger.TriggerId, now);
            return Report(change, failure) ?? (RoundDecision)Finish(change);
        }

        if (state.Status == RoundStatus.Cancelled)
        {
            return Reject(RejectionCode.RoundCancelled, "The round has been cancelled; nothing more can be recorded.");
        }

        if (state.Status == RoundStatus.Effective)
        {
            return Reject(RejectionCode.RoundEffective, $"The agreement took effect on {UkDates.Long(state.EffectiveOn!.Value)}; the round is closed.");
        }

        try
        {
            return Apply(state, trigger, now);
        }
        catch (CalendarOutOfRangeException ex)
        {
            // A date beyond the bank-holiday data: refuse rather than guess at working days.
            return Reject(RejectionCode.CalendarOutOfRange,
                $"{ex.Message.Split(" (Parameter", 2)[0]} Refresh the bank-holiday data (./signoff holidays) and try again.");
        }
    }

    private RoundDecision Apply(RoundState state, RoundTrigger trigger, DateTimeOffset now)
    {
        var change = new Change(state, trigger.TriggerId, now);
        var rejection = trigger switch
        {
            AcknowledgeInvitation t => Acknowledge(change, t),
            ScheduleMeeting t => Schedule(change, t),
            RecordDecision t => Decision(change, t),
            CorrectDecision t => Correct(change, t),
            CallInDecision t => CallIn(change, t),
            ResolveCallIn t => ResolveCallInOf(change, t),
            AcceptConditions t => Accept(change, t),
            RejectConditions t => RejectConditionsOf(change, t),
            ReceiveCounterpart t => Counterpart(change, t),
            AcceptCounterpart t => AcceptCounterpartOf(change, t),
            RejectCounterpart t => RejectCounterpartOf(change, t),
            ReviseDraft t => Revise(change, t),
            AddPartner t => Add(change, t),
            WithdrawPartner t => Withdraw(change, t),
            RemovePartner t => Remove(change, t),
            DelegateOfficer t => Delegate(change, t),
            ChangePartnerDates t => ChangeDates(change, t),
            ResendInvitation t => Resend(change, t),
            IssueOfficerLink t => IssueLink(change, t),
            CancelRound t => Cancel(change, t),
            FireTimer t => Fire(change, t),
            RecordPublishedMeeting t => Published(change, t),
            _ => new RoundDecision.Rejected(RejectionCode.InvalidTrigger, $"Unknown trigger {trigger.GetType().Name}."),
        };

        return rejection is null ? Finish(change) : rejection;
    }

    private RoundDecision Start(StartRound t, DateTimeOffset now)
    {
        var d = t.Definition;
        var today = LondonTime.DateOf(now);
        if (!RoundIdPattern().IsMatch(t.RoundId))
        {
            return Reject(RejectionCode.InvalidTrigger, "A round id is 1 to 64 letters, digits or '-' characters.");
        }

        if (d.Partners.Count == 0)
        {
            return Reject(RejectionCode.MissingDetail, "A round needs at least one partner.");
        }

        if (d.Deadline < today)
        {
            return Reject(RejectionCode.InvalidDate, $"The deadline {UkDates.Long(d.Deadline)} is before today, {UkDates.Long(today)}.");
        }

        if (!holidays.Divisions.Contains(d.Calendar))
        {
            return Reject(RejectionCode.MissingDetail, $"Unknown calendar '{d.Calendar}'.");
        }

        if (d.Deadline > holidays.CoveredUntil(d.Calendar))
        {
            return Reject(RejectionCode.CalendarOutOfRange,
                $"The deadline {UkDates.Long(d.Deadline)} is beyond the bank-holiday data, which runs to {UkDates.Long(holidays.CoveredUntil(d.Calendar))}; refresh it (./signoff holidays) first.");
        }

        if (t.ChangeOf is { Kind: AgreementChangeKind.Accession } && d.Partners.Count != 1)
        {
            return Reject(RejectionCode.InvalidTrigger, "An organisation joins an agreement by a round of its own: an accession round has exactly one partner.");
        }

        var started = new RoundStarted(
            t.RoundId, d.Agreement, today, d.Deadline, d.Calendar, d.Reminders, d.Digest, d.Chairs, d.Coordinator, t.Draft, t.By, d.CounterpartReview,
            d.Reviews, d.Notice ?? NoticePeriod.Default, t.ChangeOf);
        var change = new Change(null, t.TriggerId, now);
        change.Emit(started);
        change.Webhook(WebhookEventTypes.RoundStarted, null, ("title", d.Agreement.Title), ("reference", d.Agreement.Reference),
            ("deadline", Iso(d.Deadline)), ("partners", d.Partners.Count.ToString(CultureInfo.InvariantCulture)));

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partner in d.Partners)
        {
            var duplicate = Invite(change, partner, ids, joinedMidRound: false);
            if (duplicate is not null)
            {
                return duplicate;
            }
        }

        return Finish(change);
    }

    private static RoundDecision.Rejected? Invite(Change change, PartnerDefinition partner, HashSet<string> ids, bool joinedMidRound)
    {
        var state = change.State;
        if (state.Partners.Any(p => p.IsRemaining && string.Equals(p.Name.Trim(), partner.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            return Reject(RejectionCode.DuplicatePartner, $"'{partner.Name}' is already a partner in this round.");
        }

        if (state.Partners.Any(p => p.IsRemaining && string.Equals(p.Officer.Email, partner.Officer.Email, StringComparison.OrdinalIgnoreCase)))
        {
            return Reject(RejectionCode.DuplicateOfficer, $"{partner.Officer.Email} is already the officer for another partner.");
        }

        var taken = state.Partners.Select(p => p.PartnerId).Concat(ids).ToHashSet(StringComparer.Ordinal);
        // A party to the agreement a variation varies keeps its id, so the register knows whose counterpart it is.
        var id = partner.PartyId is { } partyId && RoundIdPattern().IsMatch(partyId) && !taken.Contains(partyId) ? partyId : PartnerIds.Allocate(partner.Name, taken);
        ids.Add(id);
        var due = partner.DueBy ?? state.Deadline;
        change.Emit(new PartnerInvited(id, partner.Name, partner.Officer, partner.Governance.Route, partner.Governance.Meeting, due, joinedMidRound, partner.Governance.Calendar));
        var invited = change.State.FindPartner(id)!;
        change.Notify(NotificationKind.Invitation, invited, [Officer(invited)], n => n with
        {
            ResponseLinkFor = id,
            AttachDraft = true,
            AttachCalendar = true,
            Body = partner.Governance.Route.DecisionBody,
        });
        change.Webhook(WebhookEventTypes.PartnerInvited, id, ("name", partner.Name), ("dueOn", Iso(due)), ("route", partner.Governance.Route.Id));
        return null;
    }

    private static RoundDecision.Rejected? Acknowledge(Change change, AcknowledgeInvitation t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Acknowledged)
        {
            return Reject(RejectionCode.AlreadyAcknowledged, $"{p.Name} has already acknowledged the invitation.");
        }

        change.Emit(new InvitationAcknowledged(p.PartnerId, t.By));
        change.Webhook(WebhookEventTypes.PartnerAcknowledged, p.PartnerId, ("by", t.By.Name));
        return null;
    }

    private static RoundDecision.Rejected? Schedule(Change change, ScheduleMeeting t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (!p.AwaitsDecision)
        {
            return NotAwaiting(p);
        }

        if (t.MeetingOn < change.Today)
        {
            return Reject(RejectionCode.InvalidDate, $"The meeting date {UkDates.Long(t.MeetingOn)} is in the past.");
        }

        change.Emit(new MeetingScheduled(p.PartnerId, t.MeetingOn, Clean(t.Body), t.By));
        change.Webhook(WebhookEventTypes.PartnerMeetingScheduled, p.PartnerId, ("meetingOn", Iso(t.MeetingOn)),
            ("afterDueDate", (t.MeetingOn > p.DueOn) ? "true" : "false"));
        return null;
    }

    private RoundDecision.Rejected? Decision(Change change, RecordDecision t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (!p.AwaitsDecision)
        {
            return NotAwaiting(p);
        }

        if (Read(change, p, t, out var decision) is { } refused)
        {
            return refused;
        }

        change.Emit(new DecisionRecorded(p.PartnerId, decision));
        p = change.State.FindPartner(p.PartnerId)!;
        change.Webhook(WebhookEventTypes.PartnerDecided, p.PartnerId, ("outcome", Kebab(t.Outcome)), ("body", decision.Body),
            ("decidedOn", Iso(decision.DecidedOn)), ("version", t.Version.ToString(CultureInfo.InvariantCulture)),
            ("minuteReference", decision.MinuteReference ?? ""));
        // The coordinator gets one email per decision: the alert when there is something to do
        // (conditions to review, a decline), otherwise the copy of the receipt.
        var alerted = t.Outcome is DecisionOutcome.ApprovedWithConditions or DecisionOutcome.Declined;
        change.Notify(NotificationKind.DecisionConfirmation, p, alerted ? [Officer(p)] : [Officer(p), Coordinator(s)], n => n with
        {
            Outcome = t.Outcome,
            Body = decision.Body,
            Conditions = decision.Conditions,
            Reason = decision.Reason,
            MeetingOn = decision.DeferredTo,
        });

        switch (t.Outcome)
        {
            case DecisionOutcome.ApprovedWithConditions:
                change.Notify(NotificationKind.ConditionsAwaitingReview, p, [Coordinator(s), .. Chairs(s)], n => n with { Conditions = decision.Conditions });
                break;
            case DecisionOutcome.Declined:
                change.Notify(NotificationKind.DeclineAlert, p, [Coordinator(s), .. Chairs(s)], n => n with { Reason = decision.Reason, Body = decision.Body });
                break;
        }

        FollowDecision(change, p.PartnerId, decision);
        return null;
    }

    /// <summary>
    /// Checks a decision as sent against the round (its version, its dates, the details its outcome
    /// needs) and makes the record of it: for a first recording and a correction alike.
    /// </summary>
    private static RoundDecision.Rejected? Read(Change change, PartnerState p, RecordDecision t, out RecordedDecision decision)
    {
        var s = change.State;
        decision = null!;
        if (t.Version < s.MaterialBaseVersion || t.Version > s.CurrentVersion.Number)
        {
            return Reject(RejectionCode.StaleVersion,
                $"The decision is on version {t.Version}, but version {s.CurrentVersion.Number} has since been circulated with material changes; decide on the current version.");
        }

        if (t.DecidedOn > change.Today)
        {
            return Reject(RejectionCode.InvalidDate, $"The decision date {UkDates.Long(t.DecidedOn)} is in the future.");
        }

        if (t.DecidedOn < s.LaunchedOn.AddYears(-1))
        {
            return Reject(RejectionCode.InvalidDate, $"The decision date {UkDates.Long(t.DecidedOn)} is more than a year before the round began.");
        }

        var conditions = Clean(t.Conditions);
        var reason = Clean(t.Reason);
        switch (t.Outcome)
        {
            case DecisionOutcome.ApprovedWithConditions when conditions is null:
                return Reject(RejectionCode.MissingDetail, "An approval subject to conditions must state the conditions.");
            case DecisionOutcome.Declined when reason is null:
                return Reject(RejectionCode.MissingDetail, "A decline must give a reason.");
            case DecisionOutcome.Deferred when t.DeferredTo is { } next && next <= t.DecidedOn:
                return Reject(RejectionCode.InvalidDate, $"The next meeting {UkDates.Long(next)} must be after the decision date {UkDates.Long(t.DecidedOn)}.");
            case DecisionOutcome.Deferred or DecisionOutcome.Declined when Clean(t.SignatureDelegatedTo) is not null:
                return Reject(RejectionCode.DelegationWithoutApproval,
                    $"Only an approval can delegate the signature: {p.Name}'s {Words.For(t.Outcome)} has nothing to sign.");
            case DecisionOutcome.Approved or DecisionOutcome.Deferred or DecisionOutcome.ApprovedWithConditions or DecisionOutcome.Declined:
                break;
            default:
                return Reject(RejectionCode.InvalidTrigger, $"Unknown outcome {t.Outcome}.");
        }

        decision = new RecordedDecision(
            t.Outcome,
            t.Version,
            Clean(t.Body) ?? p.Route.DecisionBody,
            t.DecidedOn,
            Clean(t.MinuteReference),
            t.Outcome == DecisionOutcome.ApprovedWithConditions ? conditions : null,
            t.Outcome is DecisionOutcome.Declined or DecisionOutcome.Deferred ? reason : null,
            t.Outcome == DecisionOutcome.Deferred ? t.DeferredTo : null,
            t.By,
            Clean(t.Evidence),
            Clean(t.SignatureDelegatedTo),
            Clean(t.ActingUnder));
        return null;
    }

    /// <summary>
    /// What an approval starts once it is on the record: the call-in period of a body subject to
    /// call-in, then authorisation when nothing else is pending. The same for a decision recorded
    /// and a decision corrected, so a correction leaves the partner where the corrected decision
    /// would have.
    /// </summary>
    /// <remarks>
    /// A call-in already over when the decision is recorded (a decision entered late) authorises
    /// from the day after the call-in ended, the domain's date, not the day it was entered.
    /// </remarks>
    private void FollowDecision(Change change, string partnerId, RecordedDecision decision)
    {
        if (decision.Outcome is not (DecisionOutcome.Approved or DecisionOutcome.ApprovedWithConditions))
        {
            return;
        }

        var p = change.State.FindPartner(partnerId)!;
        DateOnly? authorisableOn = null;
        if (p.Route.HasCallIn)
        {
            var endsOn = Schedule(change.State).CallInEndsOn(decision.DecidedOn, p.Route.CallInClearWorkingDays);
            change.Emit(new CallInStarted(p.PartnerId, endsOn));
            if (LondonTime.StartOf(endsOn.AddDays(1)) <= change.Now)
            {
                // Recorded after the call-in already expired (a decision entered late): no wait.
                change.Emit(new CallInEnded(p.PartnerId));
                authorisableOn = endsOn.AddDays(1);
            }
            else
            {
                change.Webhook(WebhookEventTypes.PartnerCallInStarted, p.PartnerId, ("endsOn", Iso(endsOn)),
                    ("clearWorkingDays", p.Route.CallInClearWorkingDays.ToString(CultureInfo.InvariantCulture)));
            }
        }

        AuthoriseIfReady(change, p.PartnerId, authorisableOn);
    }

    private RoundDecision.Rejected? Correct(Change change, CorrectDecision t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Decision is not { } original)
        {
            return Reject(RejectionCode.NoDecisionToCorrect, $"{p.Name} is {Words.For(p.Status)}; there is no recorded decision to correct.");
        }

        var reason = Clean(t.Reason);
        var evidence = Clean(t.Evidence);
        if (reason is null || evidence is null)
        {
            return Reject(RejectionCode.MissingDetail, "A correction says why the record was wrong and where the evidence of the right decision is.");
        }

        if (Read(change, p, t.Corrected with { By = t.By, Evidence = evidence }, out var corrected) is { } refused)
        {
            return refused;
        }

        var stands = RoundEvolver.CorrectionStands(p, corrected);
        change.Emit(new DecisionCorrected(p.PartnerId, original, corrected, reason, evidence, t.By));
        p = change.State.FindPartner(p.PartnerId)!;
        change.Webhook(WebhookEventTypes.PartnerDecisionCorrected, p.PartnerId, ("outcome", Kebab(corrected.Outcome)),
            ("previousOutcome", Kebab(original.Outcome)), ("decidedOn", Iso(corrected.DecidedOn)), ("minuteReference", corrected.MinuteReference ?? ""),
            ("reason", reason));
        change.Notify(NotificationKind.DecisionCorrection, p, [Officer(p), Coordinator(s), .. Chairs(s)], n => n with
        {
            Outcome = corrected.Outcome,
            Body = corrected.Body,
            Conditions = corrected.Conditions,
            Reason = reason,
            Note = $"Recorded before: {RoundTimeline.Outcome(original)}. Corrected to: {RoundTimeline.Outcome(corrected)}. Evidence: {evidence}.",
            ResponseLinkFor = p.AwaitsDecision || p.Status == PartnerStatus.Authorised ? p.PartnerId : null,
        });
        if (!stands)
        {
            FollowDecision(change, p.PartnerId, corrected);
        }

        return null;
    }

    private static RoundDecision.Rejected? CallIn(Change change, CallInDecision t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (!p.CallInRunning)
        {
            return Reject(RejectionCode.NoCallInRunning, $"{p.Name} is {Words.For(p.Status)}; a decision can be called in only during its call-in period.");
        }

        if (SinceDecision(change, p, t.CalledInOn, "call-in date") is { } badDate)
        {
            return badDate;
        }

        var committee = Clean(t.Committee);
        var reason = Clean(t.Reason);
        change.Emit(new DecisionCalledIn(p.PartnerId, t.CalledInOn, committee, reason, t.By));
        p = change.State.FindPartner(p.PartnerId)!;
        change.Webhook(WebhookEventTypes.PartnerCalledIn, p.PartnerId, ("calledInOn", Iso(t.CalledInOn)), ("committee", committee ?? ""), ("reason", reason ?? ""));
        change.Notify(NotificationKind.CallInNotice, p, [Officer(p), Coordinator(s), .. Chairs(s)], n => n with { Body = committee, Reason = reason });
        return null;
    }

    /// <summary>A date in a call-in's life must fall between the partner's decision and today.</summary>
    private static RoundDecision.Rejected? SinceDecision(Change change, PartnerState p, DateOnly on, string what)
    {
        var decidedOn = p.Decision!.DecidedOn;
        return on > change.Today || on < decidedOn
            ? Reject(RejectionCode.InvalidDate, $"The {what} {UkDates.Long(on)} must be between the decision ({UkDates.Long(decidedOn)}) and today.")
            : null;
    }

    private static RoundDecision.Rejected? ResolveCallInOf(Change change, ResolveCallIn t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Status != PartnerStatus.CalledIn)
        {
            return Reject(RejectionCode.NotCalledIn, $"{p.Name} is {Words.For(p.Status)}; only a called-in decision can be upheld or referred back.");
        }

        if (SinceDecision(change, p, t.DecidedOn, "date of the call-in's outcome") is { } badDate)
        {
            return badDate;
        }

        var note = Clean(t.Note);
        change.Emit(new CallInResolved(p.PartnerId, t.Outcome, t.DecidedOn, note, t.By));
        p = change.State.FindPartner(p.PartnerId)!;
        change.Webhook(WebhookEventTypes.PartnerCallInResolved, p.PartnerId, ("outcome", Kebab(t.Outcome)), ("decidedOn", Iso(t.DecidedOn)), ("note", note ?? ""));
        change.Notify(NotificationKind.CallInOutcomeNotice, p, [Officer(p), Coordinator(s), .. Chairs(s)], n => n with
        {
            Note = note,
            CallInOutcome = t.Outcome,
            ResponseLinkFor = t.Outcome == CallInOutcome.ReferredBack ? p.PartnerId : null,
        });
        if (t.Outcome == CallInOutcome.Upheld)
        {
            // Authorised from the day it was upheld: the decision could be implemented from then.
            AuthoriseIfReady(change, p.PartnerId, t.DecidedOn);
        }

        return null;
    }

    private static RoundDecision.Rejected? Accept(Change change, AcceptConditions t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Conditions != ConditionsStatus.Pending)
        {
            return Reject(RejectionCode.NoConditionsPending, $"{p.Name} has no conditions awaiting a decision.");
        }

        change.Emit(new ConditionsAccepted(p.PartnerId, Clean(t.Note), t.By));
        change.Webhook(WebhookEventTypes.PartnerConditionsAccepted, p.PartnerId, ("conditions", p.Decision?.Conditions ?? ""));
        change.Notify(NotificationKind.ConditionsOutcome, p, [Officer(p)], n => n with
        {
            Outcome = DecisionOutcome.ApprovedWithConditions,
            Conditions = p.Decision?.Conditions,
            Note = Clean(t.Note),
            ConditionsAccepted = true,
        });
        AuthoriseIfReady(change, p.PartnerId);
        return null;
    }

    private static RoundDecision.Rejected? RejectConditionsOf(Change change, RejectConditions t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Conditions != ConditionsStatus.Pending)
        {
            return Reject(RejectionCode.NoConditionsPending, $"{p.Name} has no conditions awaiting a decision.");
        }

        var reason = Clean(t.Reason);
        if (reason is null)
        {
            return Reject(RejectionCode.MissingDetail, "Say why the conditions cannot be accepted, so the partner can reconsider.");
        }

        change.Emit(new ConditionsRejected(p.PartnerId, reason, t.By));
        change.Webhook(WebhookEventTypes.PartnerConditionsRejected, p.PartnerId, ("reason", reason));
        change.Notify(NotificationKind.ConditionsOutcome, p, [Officer(p)], n => n with
        {
            Conditions = p.Decision?.Conditions,
            Reason = reason,
            ResponseLinkFor = p.PartnerId,
        });
        return null;
    }

    private static RoundDecision.Rejected? Counterpart(Change change, ReceiveCounterpart t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (t.Version != s.CurrentVersion.Number)
        {
            return Reject(RejectionCode.StaleVersion,
                $"This counterpart is of version {t.Version}; only a counterpart of the current version, {s.CurrentVersion.Number}, counts.");
        }

        if (p.Status != PartnerStatus.Authorised)
        {
            return Reject(RejectionCode.NotAuthorised,
                $"{p.Name} is {Words.For(p.Status)}; a counterpart can be received once its decision is authorised.");
        }

        if (!Sha256Pattern().IsMatch(t.Document.Sha256))
        {
            return Reject(RejectionCode.InvalidTrigger, "The counterpart's SHA-256 must be 64 lower-case hex characters.");
        }

        if (s.Versions.FirstOrDefault(v => v.Document.Sha256 == t.Document.Sha256) is { } draft)
        {
            return Reject(RejectionCode.UnsignedDraft,
                $"This file is the unsigned draft of version {draft.Number}, exactly as circulated: upload the copy signed for {p.Name}.");
        }

        if (s.Partners.FirstOrDefault(o => o.PartnerId != p.PartnerId && o.Counterpart?.Document.Sha256 == t.Document.Sha256) is { } other)
        {
            return Reject(RejectionCode.CounterpartReused,
                $"This file is already recorded as {other.Name}'s counterpart: upload the copy signed for {p.Name}.");
        }

        var name = Clean(t.SignatoryName);
        var position = Clean(t.SignatoryPosition);
        if (name is null || position is null)
        {
            return Reject(RejectionCode.MissingDetail, "A counterpart needs the signatory's name and position.");
        }

        if (p.Decision is { } decided && !decided.SignableBy(position))
        {
            return Reject(RejectionCode.NotTheDelegate,
                $"{decided.Body} delegated {p.Name}'s signature to the {decided.SignatureDelegatedTo}; this counterpart is signed by {name} ({position}). " +
                $"Ask the {decided.SignatureDelegatedTo} to sign it, or correct the decision if the delegation changed.");
        }

        if (t.SignedOn > change.Today)
        {
            return Reject(RejectionCode.InvalidDate, $"The signing date {UkDates.Long(t.SignedOn)} is in the future.");
        }

        var counterpart = new Counterpart(t.Version, t.Document, name, position, t.SignedOn, change.Today, t.By, t.Check);
        change.Emit(new CounterpartReceived(p.PartnerId, counterpart));
        change.Webhook(WebhookEventTypes.PartnerCounterpartReceived, p.PartnerId, ("version", t.Version.ToString(CultureInfo.InvariantCulture)),
            ("sha256", t.Document.Sha256), ("signatoryName", name), ("signatoryPosition", position), ("signedOn", Iso(t.SignedOn)),
            ("signature", t.Check is { } check ? Kebab(check.Kind) : ""), ("signer", t.Check?.Signer ?? ""));
        change.Notify(NotificationKind.CounterpartReceipt, p, [Officer(p), Coordinator(s)], n => n);
        if (s.CounterpartReview == CounterpartReview.Unverified && t.Check?.IsVerified != true)
        {
            change.Emit(new CounterpartHeldForReview(p.PartnerId));
            change.Webhook(WebhookEventTypes.PartnerCounterpartHeldForReview, p.PartnerId, ("signature", Kebab(t.Check?.Kind ?? SignatureKind.NotDigitallySigned)));
            change.Notify(NotificationKind.CounterpartAwaitingReview, p, [Coordinator(s)], n => n with { Note = t.Check?.Detail });
        }

        return null;
    }

    /// <summary>The coordinator accepts a counterpart held for review: it counts, and the round may take effect.</summary>
    private static RoundDecision.Rejected? AcceptCounterpartOf(Change change, AcceptCounterpart t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Status != PartnerStatus.CounterpartInReview)
        {
            return Reject(RejectionCode.NoCounterpartInReview, $"{p.Name} is {Words.For(p.Status)}; there is no counterpart waiting for review.");
        }

        change.Emit(new CounterpartAccepted(p.PartnerId, Clean(t.Note), t.By));
        change.Webhook(WebhookEventTypes.PartnerCounterpartAccepted, p.PartnerId, ("sha256", p.Counterpart!.Document.Sha256));
        return null;
    }

    /// <summary>
    /// The coordinator rejects a counterpart (held for review, or already counting) until the
    /// agreement takes effect: the partner is authorised again and asked for another, with the reason.
    /// </summary>
    private static RoundDecision.Rejected? RejectCounterpartOf(Change change, RejectCounterpart t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Status is not (PartnerStatus.CounterpartInReview or PartnerStatus.Signed) || p.Counterpart is null)
        {
            return Reject(RejectionCode.NoCounterpartInReview, $"{p.Name} is {Words.For(p.Status)}; there is no counterpart to reject.");
        }

        var reason = Clean(t.Reason);
        if (reason is null)
        {
            return Reject(RejectionCode.MissingDetail, "Say why the counterpart cannot be accepted, so the partner can send another.");
        }

        var sha256 = p.Counterpart.Document.Sha256;
        change.Emit(new CounterpartRejected(p.PartnerId, reason, t.By));
        change.Webhook(WebhookEventTypes.PartnerCounterpartRejected, p.PartnerId, ("sha256", sha256), ("reason", reason));
        p = change.State.FindPartner(p.PartnerId)!;
        change.Notify(NotificationKind.CounterpartReturned, p, [Officer(p)], n => n with { Reason = reason, ResponseLinkFor = p.PartnerId, AttachDraft = true });
        return null;
    }

    private static RoundDecision.Rejected? Revise(Change change, ReviseDraft t)
    {
        var s = change.State;
        if (!Sha256Pattern().IsMatch(t.Draft.Sha256))
        {
            return Reject(RejectionCode.InvalidTrigger, "The draft's SHA-256 must be 64 lower-case hex characters.");
        }

        if (s.Versions.Any(v => v.Document.Sha256 == t.Draft.Sha256))
        {
            return Reject(RejectionCode.SameDocument, "This document is identical to a version already circulated.");
        }

        var version = s.CurrentVersion.Number + 1;
        change.Emit(new DraftRevised(version, t.Draft, t.Kind, Clean(t.Note), t.By));
        change.Webhook(WebhookEventTypes.RoundRevised, null, ("version", version.ToString(CultureInfo.InvariantCulture)),
            ("kind", t.Kind == RevisionKind.Minor ? "minor" : "material"), ("sha256", t.Draft.Sha256));
        foreach (var p in change.State.RemainingPartners)
        {
            var needsAction = t.Kind == RevisionKind.Material || p.AwaitsDecision || p.Status == PartnerStatus.Authorised;
            // A partner that had signed is asked for a counterpart of the new version: its old one no longer counts.
            var superseded = t.Kind == RevisionKind.Minor && s.FindPartner(p.PartnerId)!.Status == PartnerStatus.Signed;
            change.Notify(NotificationKind.RevisionNotice, p, [Officer(p)], n => n with
            {
                Note = Clean(t.Note),
                Revision = t.Kind,
                ResponseLinkFor = needsAction ? p.PartnerId : null,
                AttachDraft = true,
                CounterpartSuperseded = superseded,
            });
        }

        // The chairs oversee the round: a new version is theirs to know of too.
        change.Notify(NotificationKind.RevisionNotice, null, [.. Chairs(s)], n => n with { Note = Clean(t.Note), Revision = t.Kind, AttachDraft = true });
        return null;
    }

    private static RoundDecision.Rejected? Add(Change change, AddPartner t)
    {
        var s = change.State;
        if (s.ChangeOf is { } changeOf)
        {
            // The register counts a variation's signatures against the parties, and admits an accession's one organisation.
            return Reject(RejectionCode.PartnersFixedByAgreement, changeOf.Kind == AgreementChangeKind.Variation
                ? "A variation goes to exactly the parties bound by the agreement: an organisation joins by a round of its own, from the agreement's page."
                : "An organisation joins by a round of its own: ask another organisation to join from the agreement's page.");
        }

        var due = t.Partner.DueBy ?? s.Deadline;
        if (due < change.Today)
        {
            return Reject(RejectionCode.InvalidDate, $"The partner's due date {UkDates.Long(due)} is in the past.");
        }

        return Invite(change, t.Partner, [], joinedMidRound: true);
    }

    private static RoundDecision.Rejected? Withdraw(Change change, WithdrawPartner t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        change.Emit(new PartnerWithdrawn(p.PartnerId, t.NoticeOn, Clean(t.Reason), t.By));
        change.Webhook(WebhookEventTypes.PartnerWithdrawn, p.PartnerId, ("noticeOn", Iso(t.NoticeOn)), ("reason", Clean(t.Reason) ?? ""));
        change.Notify(NotificationKind.WithdrawalNotice, p, [Officer(p), Coordinator(s), .. Chairs(s)], n => n with { Reason = Clean(t.Reason) });
        return null;
    }

    private static RoundDecision.Rejected? Remove(Change change, RemovePartner t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Status != PartnerStatus.Declined)
        {
            return Reject(RejectionCode.NotDeclined,
                $"{p.Name} is {Words.For(p.Status)}; only a partner that declined can be removed (a partner can withdraw instead).");
        }

        change.Emit(new PartnerRemoved(p.PartnerId, Clean(t.Reason), t.By));
        change.Webhook(WebhookEventTypes.PartnerRemoved, p.PartnerId, ("reason", Clean(t.Reason) ?? ""));
        change.Notify(NotificationKind.RemovalNotice, p, [Officer(p), Coordinator(s), .. Chairs(s)], n => n with { Reason = Clean(t.Reason) });
        return null;
    }

    private static RoundDecision.Rejected? Delegate(Change change, DelegateOfficer t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (s.RemainingPartners.Any(o => string.Equals(o.Officer.Email, t.NewOfficer.Email, StringComparison.OrdinalIgnoreCase)))
        {
            return Reject(RejectionCode.DuplicateOfficer, $"{t.NewOfficer.Email} is already the officer for a partner in this round.");
        }

        change.Emit(new OfficerDelegated(p.PartnerId, p.Officer, t.NewOfficer, t.By));
        var now = change.State.FindPartner(p.PartnerId)!;
        change.Webhook(WebhookEventTypes.PartnerOfficerChanged, p.PartnerId);
        change.Notify(NotificationKind.DelegationNotice, now, [Officer(now)], n => n with
        {
            ResponseLinkFor = p.PartnerId,
            AttachDraft = true,
            Note = $"{p.Officer.Name} has handed this to you.",
        });
        change.Notify(NotificationKind.DelegationNotice, p, [new Recipient(p.Officer, RecipientRole.Officer)], n => n with
        {
            Note = $"You have handed this to {t.NewOfficer.Name}; your links no longer work.",
        });
        return null;
    }

    /// <summary>How long after resending an invitation another resend is refused.</summary>
    public static TimeSpan ResendInterval { get; } = TimeSpan.FromMinutes(10);

    private static RoundDecision.Rejected? Resend(Change change, ResendInvitation t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.InvitationResentAt is { } last && change.Now - last < ResendInterval)
        {
            return Reject(RejectionCode.ResentRecently,
                $"{p.Name}'s invitation was sent again at {UkDates.InLondon(last)}; it can be resent from {UkDates.InLondon(last + ResendInterval)}.");
        }

        change.Emit(new InvitationResent(p.PartnerId, t.By));
        change.Notify(NotificationKind.Invitation, p, [Officer(p)], n => n with
        {
            ResponseLinkFor = p.PartnerId,
            AttachDraft = true,
            Body = p.Route.DecisionBody,
            Note = "The coordinator has sent this invitation again, with a fresh link.",
        });
        return null;
    }

    private static RoundDecision.Rejected? IssueLink(Change change, IssueOfficerLink t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        change.Emit(new OfficerLinkIssued(p.PartnerId, p.Officer.Email, t.By));
        return null;
    }

    private static RoundDecision.Rejected? ChangeDates(Change change, ChangePartnerDates t)
    {
        if (FindActive(change.State, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (t.DueOn is { } due && due < change.Today)
        {
            return Reject(RejectionCode.InvalidDate, $"The due date {UkDates.Long(due)} is in the past.");
        }

        if (t.MeetingOn is { } meeting)
        {
            if (!p.AwaitsDecision)
            {
                return NotAwaiting(p);
            }

            if (meeting < change.Today)
            {
                return Reject(RejectionCode.InvalidDate, $"The meeting date {UkDates.Long(meeting)} is in the past.");
            }
        }

        var dueOn = t.DueOn ?? p.DueOn;
        var meetingOn = t.MeetingOn ?? p.MeetingOn;
        if (dueOn == p.DueOn && meetingOn == p.MeetingOn)
        {
            return Reject(RejectionCode.MissingDetail, $"Give a due date or meeting date different from {p.Name}'s.");
        }

        change.Emit(new PartnerDatesChanged(p.PartnerId, dueOn, meetingOn, p.DueOn, p.MeetingOn, t.By));
        change.Webhook(WebhookEventTypes.PartnerDatesChanged, p.PartnerId, ("dueOn", Iso(dueOn)), ("meetingOn", meetingOn is { } m ? Iso(m) : ""),
            ("previousDueOn", Iso(p.DueOn)), ("previousMeetingOn", p.MeetingOn is { } pm ? Iso(pm) : ""));
        var now = change.State.FindPartner(p.PartnerId)!;
        change.Notify(NotificationKind.DatesChanged, now, [Officer(now)], n => n with { ResponseLinkFor = p.PartnerId });
        return null;
    }

    /// <summary>
    /// What a partner's published calendar lists, against what the round knows: a meeting imported
    /// when none was known, followed when it moves (and the coordinator and officer told), cleared
    /// when it is no longer listed; a date a person gave stands until the feed moves after it.
    /// </summary>
    /// <remarks>
    /// The feed's last word (<see cref="PartnerState.PublishedMeetingOn"/>) is what "moved" is
    /// measured against, not the partner's meeting date: so a person who corrects the date by hand
    /// is not overruled the next morning by a calendar that has not changed, and is overruled when
    /// it does. A listed meeting that has since passed is no longer the feed's word on the next one.
    /// </remarks>
    private static RoundDecision.Rejected? Published(Change change, RecordPublishedMeeting t)
    {
        var s = change.State;
        if (FindActive(s, t.PartnerId, out var p) is { } missing)
        {
            return missing;
        }

        if (p.Calendar is not { } calendar || calendar.FeedUrl != t.FeedUrl)
        {
            return Reject(RejectionCode.PublishedMeetingUnchanged, $"{p.Name}'s meetings are no longer read from {t.FeedUrl}.");
        }

        if (!p.AwaitsDecision)
        {
            return NotAwaiting(p);
        }

        var today = change.Today;
        DateOnly? known = p.PublishedMeetingOn is { } listed && listed >= today ? listed : null;
        if (t.MeetingOn is not { } on)
        {
            if (known is not { } gone)
            {
                return Reject(RejectionCode.PublishedMeetingUnchanged, $"{calendar.Body} has no meeting listed before {UkDates.Long(p.DueOn)}, as before.");
            }

            var cleared = p.MeetingSource == calendar.FeedUrl && p.MeetingOn == gone;
            change.Emit(new PublishedMeetingCancelled(p.PartnerId, gone, calendar.FeedUrl, calendar.Body, cleared));
            var now = change.State.FindPartner(p.PartnerId)!;
            if (cleared)
            {
                change.Webhook(WebhookEventTypes.PartnerDatesChanged, p.PartnerId, ("dueOn", Iso(p.DueOn)), ("meetingOn", ""),
                    ("previousDueOn", Iso(p.DueOn)), ("previousMeetingOn", Iso(gone)));
            }

            change.Notify(NotificationKind.PublishedMeetingCancelled, now, [Coordinator(s), Officer(now)], n => n with
            {
                Body = calendar.Body,
                PreviousMeetingOn = gone,
                Source = calendar.FeedUrl,
                ResponseLinkFor = p.PartnerId,
            });
            return null;
        }

        if (on < today || on > p.DueOn)
        {
            return Reject(RejectionCode.InvalidDate,
                $"A published meeting counts from today, {UkDates.Long(today)}, to {p.Name}'s due date, {UkDates.Long(p.DueOn)}; {UkDates.Long(on)} is outside it.");
        }

        if (known == on)
        {
            return Reject(RejectionCode.PublishedMeetingUnchanged, $"{calendar.Body}'s meeting on {UkDates.Long(on)} is listed as before.");
        }

        // A date a person gave (and still to come) stands against the feed's first word on it.
        var personStands = p.MeetingSource is null && p.MeetingOn is { } typed && typed >= today && typed != on && known is null;
        change.Emit(new MeetingPublished(p.PartnerId, on, known, p.MeetingOn, calendar.FeedUrl, calendar.Body, Clean(t.Uid), Clean(t.Title), !personStands));
        if (personStands)
        {
            return null;
        }

        var updated = change.State.FindPartner(p.PartnerId)!;
        change.Webhook(WebhookEventTypes.PartnerMeetingScheduled, p.PartnerId, ("meetingOn", Iso(on)), ("afterDueDate", "false"));
        if (known is { } before)
        {
            change.Notify(NotificationKind.PublishedMeetingMoved, updated, [Coordinator(s), Officer(updated)], n => n with
            {
                Body = calendar.Body,
                PreviousMeetingOn = before,
                Source = calendar.FeedUrl,
                ResponseLinkFor = p.PartnerId,
                AttachCalendar = true,
            });
        }

        return null;
    }

    private static RoundDecision.Rejected? Report(Change change, ReportDeliveryFailure t)
    {
        var f = t.Failure;
        if (Clean(f.Reference) is null || Clean(f.What) is null || Clean(f.Destination) is null || Clean(f.Reason) is null)
        {
            return Reject(RejectionCode.MissingDetail, "A delivery failure names what failed, where it was going and why.");
        }

        change.Emit(new DeliveryFailed(f));
        if (f.StoppedSubscription is not null)
        {
            // Told through the round's own notifications: the same templates, ledger and retries as every other email.
            // Not for a failed email: telling someone by email that email is failing would fail the same way, and fail again.
            change.Notify(NotificationKind.WebhookStopped, null, [Coordinator(change.State)], n => n with { Failure = f });
        }

        return null;
    }

    private static RoundDecision.Rejected? Cancel(Change change, CancelRound t)
    {
        var s = change.State;
        var reason = Clean(t.Reason);
        if (reason is null)
        {
            return Reject(RejectionCode.MissingDetail, "Say why the round is cancelled: every partner is told.");
        }

        change.Emit(new RoundCancelled(reason, t.By));
        change.Webhook(WebhookEventTypes.RoundCancelled, null, ("reason", reason));
        change.Notify(NotificationKind.Cancellation, null,
            [.. s.RemainingPartners.Select(Officer), Coordinator(s), .. Chairs(s)], n => n with { Reason = reason });
        return null;
    }

    private RoundDecision.Rejected? Fire(Change change, FireTimer t)
    {
        var s = change.State;
        var timer = s.Timers.Find(x => x.TimerId == t.TimerId);
        if (timer is null)
        {
            return Reject(RejectionCode.TimerNotPending, $"Timer '{t.TimerId}' is not pending in this round.");
        }

        if (timer.DueAt > change.Now)
        {
            return Reject(RejectionCode.TimerNotDue, $"Timer '{t.TimerId}' is not due until {timer.DueAt:u}.");
        }

        var schedule = Schedule(s);
        if (timer.Purpose == TimerPurpose.Digest)
        {
            change.Emit(new DigestSent(timer.On));
            change.Notify(NotificationKind.ChairDigest, null, [.. Chairs(s)], n => n);
            return null;
        }

        if (timer.Purpose == TimerPurpose.Escalation)
        {
            Escalate(change, timer.On);
            return null;
        }

        if (timer.Purpose == TimerPurpose.CalendarCheck)
        {
            // Nothing in the partner's state marks a check done (an unchanged calendar records
            // nothing), so the fired timer is cleared here and the next working day's planned.
            var checking = s.FindPartner(timer.PartnerId!)!;
            change.Emit(new TimerCleared(timer.TimerId));
            change.Perform(id => new CheckMeetingCalendar(id, checking.PartnerId, checking.Calendar!.FeedUrl, checking.Calendar.Body, timer.On, checking.DueOn));
            return null;
        }

        var p = s.FindPartner(timer.PartnerId!)!;
        switch (timer.Purpose)
        {
            case TimerPurpose.Reminder or TimerPurpose.OverdueReminder:
                var overdue = timer.Purpose == TimerPurpose.OverdueReminder;
                change.Emit(new ReminderSent(p.PartnerId, timer.On, overdue));
                var left = schedule.WorkingDaysLeft(timer.On, p.DueOn);
                change.Notify(overdue ? NotificationKind.OverdueReminder : NotificationKind.Reminder, p, [Officer(p)], n => n with
                {
                    ResponseLinkFor = p.PartnerId,
                    WorkingDaysLeft = left,
                    AttachCalendar = !overdue,
                    MeetingPassed = p.MeetingOn is { } meeting && meeting < timer.On,
                });
                change.Webhook(WebhookEventTypes.PartnerReminded, p.PartnerId, ("overdue", overdue ? "true" : "false"),
                    ("workingDaysLeft", left.ToString(CultureInfo.InvariantCulture)));
                if (overdue && !p.Escalated && p.EscalationDueOn is null)
                {
                    // Told in the day's one escalation (TimerPurpose.Escalation), not an email per partner.
                    change.Emit(new PartnerFellOverdue(p.PartnerId, timer.On));
                    change.Webhook(WebhookEventTypes.RoundOverdue, p.PartnerId, ("dueOn", Iso(p.DueOn)));
                }

                break;
            case TimerPurpose.CallInEnds:
                // The timer's own date, the day after the call-in ended: a timer that fires late
                // (SignOff down or behind) must not move the authorisation, or the chases after it.
                change.Emit(new CallInEnded(p.PartnerId));
                AuthoriseIfReady(change, p.PartnerId, timer.On);
                break;
            case TimerPurpose.CounterpartChase:
                change.Emit(new CounterpartChased(p.PartnerId, timer.On));
                change.Notify(NotificationKind.CounterpartChase, p, [Officer(p)], n => n with { ResponseLinkFor = p.PartnerId });
                break;
            default:
                return Reject(RejectionCode.InvalidTrigger, $"Unknown timer purpose {timer.Purpose}.");
        }

        return null;
    }

    /// <summary>
    /// The day's escalation: one notification to the chairs and coordinator listing every partner
    /// that fell overdue and is still awaiting its decision.
    /// </summary>
    /// <remarks>
    /// Batching here, in the decider, keeps it pure and deterministic: the list is read from
    /// the state, the <see cref="PartnerEscalated"/> events and the one email commit together, and
    /// the timer is gone once fired, so a duplicate or replayed trigger is refused rather than
    /// sending a second email; a crash before commit redoes the same effect id. A partner falling
    /// overdue after the day's escalation waits for the next day's (<see cref="RoundState.LastEscalationOn"/>).
    /// </remarks>
    private static void Escalate(Change change, DateOnly on)
    {
        var s = change.State;
        var waiting = AwaitingEscalation(s).ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        foreach (var p in waiting)
        {
            change.Emit(new PartnerEscalated(p.PartnerId, on));
        }

        var overdue = waiting.Select(p => new OverduePartner(p.PartnerId, p.Name, p.DueOn)).ToImmutableList();
        var only = overdue.Count == 1 ? waiting[0] : null;
        change.Notify(NotificationKind.OverdueEscalation, only, [Coordinator(s), .. Chairs(s)], n => n with { Overdue = overdue });
    }

    /// <summary>The partners that fell overdue, still await their decision, and have not yet been reported.</summary>
    private static IEnumerable<PartnerState> AwaitingEscalation(RoundState s) =>
        s.RemainingPartners.Where(p => p.EscalationDueOn is not null && p.AwaitsDecision && !p.Escalated);

    /// <summary>Authorises a partner once its approval stands, conditions are accepted and call-in is over (and not called in).</summary>
    /// <param name="change">The change under way.</param>
    /// <param name="partnerId">The partner.</param>
    /// <param name="on">
    /// The domain's date of the authorisation when it is not today: the day after the call-in ended
    /// (a timer's own date, or a decision entered late), the day a call-in was upheld.
    /// </param>
    private static void AuthoriseIfReady(Change change, string partnerId, DateOnly? on = null)
    {
        var p = change.State.FindPartner(partnerId)!;
        var approved = p.Decision?.Outcome is DecisionOutcome.Approved or DecisionOutcome.ApprovedWithConditions;
        if (!approved || p.Conditions == ConditionsStatus.Pending || p.CallInRunning || p.Status is PartnerStatus.Authorised or PartnerStatus.CalledIn)
        {
            return;
        }

        var authorisedOn = on ?? change.Today;
        change.Emit(new PartnerAuthorised(p.PartnerId, authorisedOn));
        p = change.State.FindPartner(partnerId)!;
        change.Webhook(WebhookEventTypes.PartnerAuthorised, p.PartnerId, ("authorisedOn", Iso(authorisedOn)));
        change.Notify(NotificationKind.CounterpartRequest, p, [Officer(p)], n => n with { ResponseLinkFor = p.PartnerId, AttachDraft = true });
    }

    /// <summary>Round-level consequences common to every trigger, then timer reconciliation.</summary>
    private RoundDecision.Accepted Finish(Change change)
    {
        var s = change.State;
        if (s.Status is RoundStatus.Circulating or RoundStatus.Stalled)
        {
            var remaining = s.RemainingPartners.ToList();
            var declined = remaining.Where(p => p.Status == PartnerStatus.Declined).ToList();
            string? stall = remaining.Count == 0 ? "No partner remains in the round."
                : declined.Count > 0 ? $"{string.Join(", ", declined.Select(p => p.Name))} declined."
                : null;

            if (stall is null && remaining.All(p => p.Status == PartnerStatus.Signed && p.Counterpart!.Version == s.CurrentVersion.Number))
            {
                var effectiveOn = remaining.Max(p => p.Counterpart!.ReceivedOn);
                change.Emit(new RoundBecameEffective(effectiveOn));
                change.Webhook(WebhookEventTypes.AgreementEffective, null, ("effectiveOn", Iso(effectiveOn)),
                    ("version", s.CurrentVersion.Number.ToString(CultureInfo.InvariantCulture)), ("sha256", s.CurrentVersion.Document.Sha256));
                change.Notify(NotificationKind.EffectiveNotice, null, [.. remaining.Select(Officer), Coordinator(s), .. Chairs(s)],
                    n => n with { EffectiveOn = effectiveOn, AttachCompletionPack = true });

                // The agreement outlives the round: the register keeps its parties, version and notices from here on.
                var signed = change.State;
                change.Perform(id => new RecordInRegister(id, signed.RoundId, signed.Agreement, Agreements.AgreementRegister.TermsOf(signed), signed.Coordinator, signed.Chairs,
                    signed.CurrentVersion.Document, effectiveOn,
                    [.. remaining.Select(p => new Agreements.Signatory(p.PartnerId, p.Name, p.Officer, p.Counterpart!.Version))], signed.ChangeOf));
            }
            else if (stall is not null && (s.Status != RoundStatus.Stalled || s.StallReason != stall))
            {
                change.Emit(new RoundStalled(stall));
                change.Webhook(WebhookEventTypes.RoundStalled, null, ("reason", stall));
            }
            else if (stall is null && s.Status == RoundStatus.Stalled)
            {
                change.Emit(new RoundResumed());
                change.Webhook(WebhookEventTypes.RoundResumed, null);
            }
        }

        ReconcileTimers(change);
        return new RoundDecision.Accepted(change.State, [.. change.Events], [.. change.Effects]);
    }

    /// <summary>Emits the difference between the timers the state needs and the timers it has.</summary>
    private void ReconcileTimers(Change change)
    {
        var (desired, unscheduled) = PlanTimers(change.State, change.Now);
        var wanted = desired.ToDictionary(t => t.TimerId, StringComparer.Ordinal);
        foreach (var timer in change.State.Timers.Where(t => !wanted.ContainsKey(t.TimerId)).ToList())
        {
            change.Emit(new TimerCleared(timer.TimerId));
        }

        var have = change.State.Timers.Select(t => t.TimerId).ToHashSet(StringComparer.Ordinal);
        foreach (var timer in wanted.Values.Where(t => !have.Contains(t.TimerId)))
        {
            change.Emit(new TimerScheduled(timer));
        }

        // A round that cannot schedule a timer must not go quiet without a word: record what is
        // missing (once, until it changes) and tell the coordinator, who can refresh the data.
        var s = change.State;
        var before = s.Unscheduled ?? [];
        if (!before.SequenceEqual(unscheduled, StringComparer.Ordinal))
        {
            change.Emit(new TimersBeyondCalendar(s.Calendar, unscheduled));
            if (!unscheduled.IsEmpty)
            {
                change.Notify(NotificationKind.CalendarExhausted, null, [Coordinator(s)], n => n with { Note = string.Join("; ", unscheduled) });
            }
        }
    }

    /// <summary>The timers a round in this state needs from this instant on.</summary>
    /// <remarks>
    /// A timer whose date cannot be worked out within the bank-holiday data is left out rather
    /// than guessed (see <see cref="PlanTimers"/>, which also says which were left out).
    /// </remarks>
    public IReadOnlyList<PendingTimer> DesiredTimers(RoundState s, DateTimeOffset now) => PlanTimers(s, now).Timers;

    /// <summary>
    /// The timers a round in this state needs from this instant on, and, in words, those that
    /// could not be worked out within the bank-holiday data: once the data is refreshed, the next
    /// trigger on the round schedules them.
    /// </summary>
    public (IReadOnlyList<PendingTimer> Timers, ImmutableList<string> Unscheduled) PlanTimers(RoundState s, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        var timers = new List<PendingTimer>();
        var unscheduled = ImmutableList.CreateBuilder<string>();
        if (s.IsClosed)
        {
            return (timers, unscheduled.ToImmutable());
        }

        var schedule = Schedule(s);
        foreach (var p in s.RemainingPartners)
        {
            var what = p.AwaitsDecision ? $"the next reminder to {p.Name}"
                : p.CallInRunning ? $"the end of {p.Name}'s call-in period"
                : $"the next counterpart reminder to {p.Name}";
            WithinCalendar(unscheduled, what, () =>
            {
                if (p.AwaitsDecision)
                {
                    var (on, overdue) = schedule.NextDecisionReminder(p.DueOn, p.LastReminderOn, NotBefore(s, p.PartnerId, now, TimerPurpose.Reminder, TimerPurpose.OverdueReminder));
                    var purpose = overdue ? TimerPurpose.OverdueReminder : TimerPurpose.Reminder;
                    timers.Add(Timer(purpose, p.PartnerId, on, LondonTime.At(on, ReminderSchedule.ReminderTime)));
                }
                else if (p.CallInRunning)
                {
                    var on = p.AuthorisableOn!.Value;
                    timers.Add(Timer(TimerPurpose.CallInEnds, p.PartnerId, on, LondonTime.StartOf(on)));
                }
                else if (p.Status == PartnerStatus.Authorised)
                {
                    var on = schedule.NextCounterpartChase(p.AuthorisedOn!.Value, p.LastCounterpartChaseOn, NotBefore(s, p.PartnerId, now, TimerPurpose.CounterpartChase));
                    timers.Add(Timer(TimerPurpose.CounterpartChase, p.PartnerId, on, LondonTime.At(on, ReminderSchedule.ReminderTime)));
                }
            });
        }

        foreach (var p in s.RemainingPartners.Where(p => p.AwaitsDecision && p.Calendar is not null))
        {
            WithinCalendar(unscheduled, $"the next look at {p.Name}'s published meeting calendar", () =>
            {
                if (NextCalendarCheck(schedule.Calendar, p.DueOn, NotBefore(s, p.PartnerId, now, TimerPurpose.CalendarCheck)) is { } on)
                {
                    timers.Add(Timer(TimerPurpose.CalendarCheck, p.PartnerId, on, LondonTime.At(on, CalendarCheckTime)));
                }
            });
        }

        if (AwaitingEscalation(s).Min(p => p.EscalationDueOn) is { } fellOverdueOn)
        {
            // One a day: a partner that fell overdue after the day's escalation waits for the next
            // working day's (chairs are not written to on a Saturday about a Friday afternoon).
            WithinCalendar(unscheduled, "the next escalation to the chairs", () =>
            {
                var escalateOn = s.LastEscalationOn is { } last && last >= fellOverdueOn ? schedule.Calendar.NextWorkingDayAfter(last) : fellOverdueOn;
                timers.Add(Timer(TimerPurpose.Escalation, null, escalateOn, LondonTime.At(escalateOn, ReminderSchedule.EscalationTime)));
            });
        }

        if (s.Chairs.Count > 0)
        {
            WithinCalendar(unscheduled, "the chairs' next digest", () =>
            {
                if (schedule.NextDigest(s.Digest, s.LastDigestOn ?? s.LaunchedOn, NotBefore(s, null, now, TimerPurpose.Digest)) is { } digestOn)
                {
                    timers.Add(Timer(TimerPurpose.Digest, null, digestOn, LondonTime.At(digestOn, ReminderSchedule.DigestTime)));
                }
            });
        }

        return (timers, unscheduled.ToImmutable());
    }

    /// <summary>When a partner's published calendar is read: early, before the day's reminders, so they carry the day's date.</summary>
    public static readonly TimeOnly CalendarCheckTime = new(7, 0);

    /// <summary>The first working day whose check time is after <paramref name="now"/>, up to the due date; null once it has passed (the feed is read for meetings before it only).</summary>
    private static DateOnly? NextCalendarCheck(WorkingDayCalendar calendar, DateOnly dueOn, DateTimeOffset now)
    {
        var on = LondonTime.DateOf(now);
        while (!calendar.IsWorkingDay(on) || LondonTime.At(on, CalendarCheckTime) <= now)
        {
            on = on.AddDays(1);
            if (on > dueOn)
            {
                return null;
            }
        }

        return on <= dueOn ? on : null;
    }

    /// <summary>
    /// The instant from which to look for a partner's next timer. Normally now; but when the
    /// partner already has a timer of the same kind that is due and not yet fired (the sweeper
    /// has not reached it, or another trigger got in first), look from just before it, so that
    /// reconciling keeps it rather than skipping the reminder it stands for.
    /// </summary>
    private static DateTimeOffset NotBefore(RoundState s, string? partnerId, DateTimeOffset now, params TimerPurpose[] purposes)
    {
        var pending = s.Timers.Find(t => t.PartnerId == partnerId && purposes.Contains(t.Purpose) && t.DueAt <= now);
        return pending is null ? now : pending.DueAt.AddTicks(-1);
    }

    private static void WithinCalendar(ImmutableList<string>.Builder unscheduled, string what, Action schedule)
    {
        try
        {
            schedule();
        }
        catch (CalendarOutOfRangeException)
        {
            // Beyond the bank-holiday data: left out, and said (see PlanTimers).
            unscheduled.Add(what);
        }
    }

    private ReminderSchedule Schedule(RoundState s) => new(holidays.CalendarFor(s.Calendar), s.Reminders);

    private static PendingTimer Timer(TimerPurpose purpose, string? partnerId, DateOnly on, DateTimeOffset dueAt)
    {
        var id = $"{Kebab(purpose)}:{partnerId ?? "round"}:{on:yyyyMMdd}";
        return new PendingTimer(id, purpose, partnerId, on, dueAt);
    }

    private static RoundDecision.Rejected? FindActive(RoundState s, string partnerId, out PartnerState partner)
    {
        partner = s.FindPartner(partnerId)!;
        return partner switch
        {
            null => Reject(RejectionCode.UnknownPartner, $"There is no partner '{partnerId}' in this round."),
            { Status: PartnerStatus.Withdrawn } => Reject(RejectionCode.PartnerWithdrawn, $"{partner.Name} has withdrawn from the round."),
            { Status: PartnerStatus.Removed } => Reject(RejectionCode.PartnerRemoved, $"{partner.Name} has been removed from the round."),
            _ => null,
        };
    }

    private static RoundDecision.Rejected NotAwaiting(PartnerState p) =>
        Reject(RejectionCode.NotAwaitingDecision, $"{p.Name} is {Words.For(p.Status)}; a decision has already been recorded.");

    private static RoundDecision.Rejected Reject(RejectionCode code, string message) => new(code, message);

    private static Recipient Officer(PartnerState p) => new(p.Officer, RecipientRole.Officer);

    private static Recipient Coordinator(RoundState s) => new(s.Coordinator, RecipientRole.Coordinator);

    private static IEnumerable<Recipient> Chairs(RoundState s) => s.Chairs.Select(c => new Recipient(c, RecipientRole.Chair));

    /// <summary>The kebab-case wire name of an enum value, e.g. <c>approved-with-conditions</c>: what <see cref="RoundJson"/> writes.</summary>
    public static string Kebab<T>(T value)
        where T : struct, Enum => RoundJson.EnumNaming.ConvertName(value.ToString());

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("^[A-Za-z0-9:._-]{1,128}$")]
    private static partial Regex TriggerIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex RoundIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    /// <summary>The events and effects of one trigger, applied as they are emitted.</summary>
    private sealed class Change(RoundState? initial, string triggerId, DateTimeOffset now)
    {
        private RoundState? state = initial;

        public RoundState State => state ?? throw new InvalidOperationException("The round has not started.");

        public DateTimeOffset Now => now;

        public DateOnly Today { get; } = LondonTime.DateOf(now);

        public List<RoundEvent> Events { get; } = [];

        public List<RoundEffect> Effects { get; } = [];

        public void Emit(RoundEvent e)
        {
            var stamped = e with { TriggerId = triggerId, At = now };
            Events.Add(stamped);
            state = RoundEvolver.Evolve(state, stamped);
        }

        public void Notify(NotificationKind kind, PartnerState? partner, IEnumerable<Recipient> to, Func<Notification, Notification> shape)
        {
            var s = State;
            var recipients = to.DistinctBy(r => r.Person.Email.ToUpperInvariant()).ToImmutableList();
            if (recipients.IsEmpty)
            {
                return;
            }

            var n = new Notification(kind, recipients, s.RoundId, s.Agreement.Title, s.Agreement.Reference,
                s.CurrentVersion.Number, s.CurrentVersion.Document.Sha256, partner?.PartnerId, partner?.Name, partner?.DueOn, partner?.MeetingOn)
            {
                Coordinator = s.Coordinator,
                ChangeOf = s.ChangeOf?.Kind,
            };
            Effects.Add(new SendNotification(NextEffectId(), shape(n)));
        }

        /// <summary>Adds an effect other than an email or a webhook, with the next effect id.</summary>
        public void Perform(Func<string, RoundEffect> make) => Effects.Add(make(NextEffectId()));

        public void Webhook(string type, string? partnerId, params (string Key, string Value)[] data) =>
            Effects.Add(new PublishWebhook(NextEffectId(), new WebhookEvent(type, State.RoundId, partnerId, now,
                data.ToImmutableSortedDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal))));

        private string NextEffectId() => $"{triggerId}.{Effects.Count:D4}";
    }
}
