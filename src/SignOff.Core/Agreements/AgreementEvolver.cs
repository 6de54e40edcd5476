namespace SignOff.Core.Agreements;

/// <summary>Folds an agreement's events into its state: replaying the history rebuilds the snapshot exactly.</summary>
public static class AgreementEvolver
{
    /// <summary>The state after one more event.</summary>
    public static AgreementState Evolve(AgreementState? state, AgreementEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var s = e switch
        {
            AgreementTookEffect x => new AgreementState
            {
                AgreementId = x.AgreementId,
                Agreement = x.Agreement,
                Terms = x.Terms,
                Coordinator = x.Coordinator,
                Chairs = x.Chairs,
                Versions = [x.Version],
                Parties = x.Parties,
            },
            _ => Next(state ?? throw new InvalidOperationException($"{e.GetType().Name} before the agreement took effect."), e),
        };
        return s with { ProcessedTriggers = s.ProcessedTriggers.Add(e.TriggerId) };
    }

    private static AgreementState Next(AgreementState s, AgreementEvent e) => e switch
    {
        AgreementVaried x => s with { Versions = s.Versions.Add(x.Version), VariationAwaited = false },
        PartyJoined x => s with { Parties = s.Parties.Add(x.Party), Status = AgreementStatus.InForce },
        ReviewRecorded x => s with { LastReviewOutcome = x.Outcome, VariationAwaited = x.Outcome == ReviewOutcome.VariationNeeded },
        ReviewScheduled x => s with { NextReview = x.Review, ReviewReminderSentOn = null, ReviewDueSince = null },
        ReviewReminderSent x => s with { ReviewReminderSentOn = LondonDate(x.At) },
        ReviewFellDue x => s with { ReviewDueSince = x.DueOn },
        NoticeGiven x => Party(s, x.PartyId, p => p with { Status = PartyStatus.OnNotice, Notice = new PartyNotice(x.GivenOn, x.EndsOn, x.Reason) }),
        PartyExited x => Ended(Party(s, x.PartyId, p => p with { Status = PartyStatus.Exited, ExitedOn = x.ExitedOn }) with
        {
            ContinuationViewsDue = s.ContinuationViewsDue.Add(x.PartyId),
        }),
        ContinuationRecorded => s with { ContinuationViewsDue = [] },
        AgreementTimerScheduled x => s with { Timers = s.Timers.Add(x.Timer) },
        AgreementTimerCleared x => s with { Timers = s.Timers.RemoveAll(t => t.TimerId == x.TimerId) },
        AgreementDeliveryFailed x => s with { DeliveryFailures = s.DeliveryFailures.Add(new RecordedDeliveryFailure(x.At, x.Failure)) },
        _ => throw new InvalidOperationException($"No evolution is defined for {e.GetType().Name}."),
    };

    private static AgreementState Party(AgreementState s, string partyId, Func<Party, Party> change)
    {
        var party = s.FindParty(partyId) ?? throw new InvalidOperationException($"No party {partyId}.");
        return s with { Parties = s.Parties.Replace(party, change(party)) };
    }

    private static AgreementState Ended(AgreementState s) => s.BoundParties.Any() ? s : s with { Status = AgreementStatus.Ended };

    private static DateOnly LondonDate(DateTimeOffset at) => Rounds.LondonTime.DateOf(at);
}
