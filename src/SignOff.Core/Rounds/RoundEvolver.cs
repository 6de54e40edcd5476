using System.Collections.Immutable;
using SignOff.Core.Agreements;

namespace SignOff.Core.Rounds;

/// <summary>
/// Folds events into a round's state. Pure and total over the events <see cref="RoundProcess"/> emits.
/// </summary>
/// <remarks>
/// Evolve never decides anything and never looks at the clock: every date it stores is in the
/// event. That is what makes "replaying the events rebuilds the snapshot exactly" true.
/// </remarks>
public static class RoundEvolver
{
    /// <summary>Applies one event.</summary>
    public static RoundState Evolve(RoundState? state, RoundEvent e)
    {
        if (e is RoundStarted started)
        {
            return new RoundState
            {
                RoundId = started.RoundId,
                Status = RoundStatus.Circulating,
                Agreement = started.Agreement,
                LaunchedOn = started.LaunchedOn,
                Deadline = started.Deadline,
                Calendar = started.Calendar,
                Reminders = started.Reminders,
                Digest = started.Digest,
                Chairs = [.. started.Chairs],
                Coordinator = started.Coordinator,
                CounterpartReview = started.CounterpartReview,
                Reviews = started.Reviews,
                Notice = started.Notice ?? NoticePeriod.Default,
                ChangeOf = started.ChangeOf,
                Versions = [new DraftVersion(1, started.Draft, started.At, null, null)],
                MaterialBaseVersion = 1,
                ProcessedTriggers = [e.TriggerId],
                EventCount = 1,
            };
        }

        if (state is null)
        {
            throw new InvalidOperationException($"The first event of a round must be {nameof(RoundStarted)}, not {e.GetType().Name}.");
        }

        var next = Apply(state, e);
        return next with
        {
            ProcessedTriggers = next.ProcessedTriggers.Add(e.TriggerId),
            EventCount = state.EventCount + 1,
        };
    }

    private static RoundState Apply(RoundState s, RoundEvent e) => e switch
    {
        PartnerInvited x => s with
        {
            Partners = s.Partners.Add(new PartnerState(
                x.PartnerId,
                x.Name,
                x.Officer,
                x.Route,
                x.DueOn,
                x.MeetingOn is null ? PartnerStatus.Invited : PartnerStatus.Scheduled,
                MeetingOn: x.MeetingOn,
                Calendar: x.Calendar)),
        },
        InvitationAcknowledged x => Partner(s, x.PartnerId, p => p with { Acknowledged = true }),
        MeetingScheduled x => Partner(s, x.PartnerId, p => p with
        {
            MeetingOn = x.MeetingOn,
            MeetingSource = null,
            Status = p.Status == PartnerStatus.Invited ? PartnerStatus.Scheduled : p.Status,
        }),
        DecisionRecorded x => Partner(s, x.PartnerId, p => ApplyDecision(p, x.Decision)),
        DecisionCorrected x => Partner(s, x.PartnerId, p => CorrectionStands(p, x.Corrected) ? p with { Decision = x.Corrected } : ApplyDecision(ResetDecision(p), x.Corrected)),
        DecisionCalledIn x => Partner(s, x.PartnerId, p => p with { Status = PartnerStatus.CalledIn, CallInRunning = false }),
        CallInResolved x => Partner(s, x.PartnerId, p => x.Outcome == CallInOutcome.ReferredBack ? ResetDecision(p)
            : p with { Status = p.Conditions == ConditionsStatus.Pending ? PartnerStatus.ApprovedWithConditions : PartnerStatus.Approved }),
        CallInStarted x => Partner(s, x.PartnerId, p => p with
        {
            CallInEndsOn = x.EndsOn,
            CallInRunning = true,
            Status = p.Conditions == ConditionsStatus.Pending ? p.Status : PartnerStatus.CallIn,
        }),
        CallInEnded x => Partner(s, x.PartnerId, p => p with { CallInRunning = false }),
        ConditionsAccepted x => Partner(s, x.PartnerId, p => p with
        {
            Conditions = ConditionsStatus.Accepted,
            Status = p.CallInRunning ? PartnerStatus.CallIn : p.Status,
        }),
        ConditionsRejected x => Partner(s, x.PartnerId, p => ResetDecision(p)),
        PartnerAuthorised x => Partner(s, x.PartnerId, p => p with { Status = PartnerStatus.Authorised, AuthorisedOn = x.On }),
        CounterpartReceived x => Partner(s, x.PartnerId, p => p with { Status = PartnerStatus.Signed, Counterpart = x.Counterpart }),
        CounterpartHeldForReview x => Partner(s, x.PartnerId, p => p with { Status = PartnerStatus.CounterpartInReview }),
        CounterpartAccepted x => Partner(s, x.PartnerId, p => p with { Status = PartnerStatus.Signed }),
        CounterpartRejected x => Partner(s, x.PartnerId, p => p with { Status = PartnerStatus.Authorised, Counterpart = null, LastCounterpartChaseOn = null }),
        DraftRevised x => Revise(s, x),
        PartnerWithdrawn x => Partner(s, x.PartnerId, p => p with
        {
            Status = PartnerStatus.Withdrawn,
            ExitOn = x.NoticeOn,
            ExitReason = x.Reason,
        }),
        PartnerRemoved x => Partner(s, x.PartnerId, p => p with
        {
            Status = PartnerStatus.Removed,
            ExitOn = LondonTime.DateOf(x.At),
            ExitReason = x.Reason,
        }),
        OfficerDelegated x => Partner(s, x.PartnerId, p => p with { Officer = x.To, Acknowledged = false }),
        InvitationResent x => Partner(s, x.PartnerId, p => p with { InvitationResentAt = x.At }),
        PartnerDatesChanged x => Partner(s, x.PartnerId, p => p with
        {
            DueOn = x.DueOn,
            MeetingOn = x.MeetingOn,
            MeetingSource = x.MeetingOn == p.MeetingOn ? p.MeetingSource : null,
            Status = p.Status == PartnerStatus.Invited && x.MeetingOn is not null ? PartnerStatus.Scheduled : p.Status,
        }),
        MeetingPublished x => Partner(s, x.PartnerId, p => x.Adopted
            ? p with
            {
                PublishedMeetingOn = x.MeetingOn,
                MeetingOn = x.MeetingOn,
                MeetingSource = x.Source,
                Status = p.Status == PartnerStatus.Invited ? PartnerStatus.Scheduled : p.Status,
            }
            : p with { PublishedMeetingOn = x.MeetingOn }),
        PublishedMeetingCancelled x => Partner(s, x.PartnerId, p => x.Cleared
            ? p with
            {
                PublishedMeetingOn = null,
                MeetingOn = null,
                MeetingSource = null,
                Status = p.Status == PartnerStatus.Scheduled ? PartnerStatus.Invited : p.Status,
            }
            : p with { PublishedMeetingOn = null }),
        ReminderSent x => Partner(s, x.PartnerId, p => p with { LastReminderOn = x.On }),
        PartnerEscalated x => Partner(s, x.PartnerId, p => p with { Escalated = true, EscalationDueOn = null }) with
        {
            LastEscalationOn = s.LastEscalationOn is { } last && last > x.On ? last : x.On,
        },
        PartnerFellOverdue x => Partner(s, x.PartnerId, p => p with { EscalationDueOn = x.On }),
        CounterpartChased x => Partner(s, x.PartnerId, p => p with { LastCounterpartChaseOn = x.On }),
        DigestSent x => s with { LastDigestOn = x.On },
        RoundStalled x => s with { Status = RoundStatus.Stalled, StallReason = x.Reason },
        RoundResumed => s with { Status = RoundStatus.Circulating, StallReason = null },
        RoundBecameEffective x => s with { Status = RoundStatus.Effective, EffectiveOn = x.EffectiveOn },
        RoundCancelled x => s with { Status = RoundStatus.Cancelled, CancelReason = x.Reason },
        TimerScheduled x => s with { Timers = s.Timers.Add(x.Timer) },
        TimerCleared x => s with { Timers = s.Timers.RemoveAll(t => t.TimerId == x.TimerId) },
        DeliveryFailed => s, // a fact for the audit log; the round itself does not move
        OfficerLinkIssued => s, // likewise: who was given a link for whom
        TimersBeyondCalendar x => s with { Unscheduled = x.Timers.IsEmpty ? null : x.Timers },
        _ => throw new InvalidOperationException($"No evolution is defined for {e.GetType().Name}."),
    };

    private static PartnerState ApplyDecision(PartnerState p, RecordedDecision d) => d.Outcome switch
    {
        DecisionOutcome.Approved => p with { Decision = d, Status = PartnerStatus.Approved, Conditions = ConditionsStatus.None },
        DecisionOutcome.ApprovedWithConditions => p with
        {
            Decision = d,
            Status = PartnerStatus.ApprovedWithConditions,
            Conditions = ConditionsStatus.Pending,
        },
        DecisionOutcome.Deferred => p with
        {
            Decision = d,
            Status = PartnerStatus.Deferred,
            MeetingOn = d.DeferredTo ?? p.MeetingOn,
            MeetingSource = d.DeferredTo is null ? p.MeetingSource : null,
        },
        DecisionOutcome.Declined => p with { Decision = d, Status = PartnerStatus.Declined },
        _ => throw new InvalidOperationException($"Unknown outcome {d.Outcome}."),
    };

    /// <summary>
    /// True when correcting a partner's decision to <paramref name="corrected"/> corrects the record
    /// only: the partner is already authorised or signed and the outcome is unchanged (a wrong date
    /// or minute reference), so what was done on the strength of that outcome stands.
    /// </summary>
    /// <remarks>
    /// Any other correction rebuilds the partner from the corrected decision, as if it had been
    /// recorded in the first place: the process then records the call-in and authorisation that
    /// follow with the same logic as a first recording. Shared by the evolver and the process, so
    /// they cannot disagree about which case a correction is.
    /// </remarks>
    public static bool CorrectionStands(PartnerState p, RecordedDecision corrected)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(corrected);
        return p.Status is PartnerStatus.Authorised or PartnerStatus.Signed && p.Decision?.Outcome == corrected.Outcome;
    }

    /// <summary>Back to awaiting a decision, keeping the history of reminders.</summary>
    private static PartnerState ResetDecision(PartnerState p) => p with
    {
        Status = p.MeetingOn is null ? PartnerStatus.Invited : PartnerStatus.Scheduled,
        Decision = null,
        Conditions = ConditionsStatus.None,
        CallInEndsOn = null,
        CallInRunning = false,
        AuthorisedOn = null,
        Counterpart = null,
        LastCounterpartChaseOn = null,
    };

    private static RoundState Revise(RoundState s, DraftRevised x)
    {
        var version = new DraftVersion(x.Version, x.Draft, x.At, x.Kind, x.Note);
        var partners = s.Partners.Select(p =>
        {
            if (!p.IsRemaining)
            {
                return p;
            }

            if (x.Kind == RevisionKind.Material)
            {
                // A material change: everything must be taken again, and the chasing starts afresh.
                return ResetDecision(p) with { LastReminderOn = null, Escalated = false, EscalationDueOn = null };
            }

            // A minor revision keeps decisions; only a counterpart of the final version counts.
            return p.Status is PartnerStatus.Signed or PartnerStatus.CounterpartInReview
                ? p with { Status = PartnerStatus.Authorised, Counterpart = null, LastCounterpartChaseOn = null }
                : p;
        }).ToImmutableList();

        return s with
        {
            Versions = s.Versions.Add(version),
            MaterialBaseVersion = x.Kind == RevisionKind.Material ? x.Version : s.MaterialBaseVersion,
            Partners = partners,
        };
    }

    private static RoundState Partner(RoundState s, string partnerId, Func<PartnerState, PartnerState> change)
    {
        var index = s.Partners.FindIndex(p => p.PartnerId == partnerId);
        if (index < 0)
        {
            throw new InvalidOperationException($"Event for unknown partner '{partnerId}'.");
        }

        return s with { Partners = s.Partners.SetItem(index, change(s.Partners[index])) };
    }
}
