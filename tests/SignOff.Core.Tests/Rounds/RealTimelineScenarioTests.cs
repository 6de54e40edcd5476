using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

/// <summary>Timelines taken from the real decision reports in shared/seeds.</summary>
public sealed class RealTimelineScenarioTests
{
    [Fact]
    public void County_council_cabinet_member_decides_23_July_2020_and_is_authorised_after_call_in_by_the_31_July_deadline()
    {
        var definition = new RoundDefinitionBuilder()
            .Deadline(D("2020-07-31"))
            .Partner("Essex County Council", Routes.CabinetMember)
            .Build();
        var round = Started(definition, At(2020, 7, 1));

        round.AdvanceTo(At(2020, 7, 23, 15));
        var decided = round.Decide("Essex County Council", DecisionOutcome.Approved);

        var essex = round.Partner("Essex County Council");
        Assert.Equal(PartnerStatus.CallIn, essex.Status);
        Assert.Equal(D("2020-07-30"), essex.CallInEndsOn);
        Assert.Contains(decided.Events, e => e is CallInStarted { EndsOn.Day: 30 });
        Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.CallInEnds && t.On == D("2020-07-31"));

        // Only the reminder due before the decision went out (10 working days before: Friday 17 July).
        Assert.Equal([D("2020-07-17")], round.Events.OfType<ReminderSent>().Select(r => r.On));

        round.AdvanceTo(At(2020, 7, 30, 23));
        Assert.Equal(PartnerStatus.CallIn, round.Partner("Essex County Council").Status);

        round.AdvanceTo(At(2020, 7, 31, 9));
        essex = round.Partner("Essex County Council");
        Assert.Equal(PartnerStatus.Authorised, essex.Status);
        Assert.Equal(D("2020-07-31"), essex.AuthorisedOn);
        Assert.Single(round.Notifications(NotificationKind.CounterpartRequest));

        round.Sign("Essex County Council");
        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(D("2020-07-31"), round.State.EffectiveOn);
        Assert.Empty(round.State.Timers);
    }

    [Fact]
    public void District_council_extraordinary_council_on_30_June_2021_authorises_at_once_and_chases_the_counterpart()
    {
        var definition = new RoundDefinitionBuilder()
            .Deadline(D("2021-07-31"))
            .Partner("Maldon District Council", Routes.FullCouncil, meeting: D("2021-06-30"))
            .Partner("Chelmsford City Council", Routes.Cabinet)
            .Build();
        var round = Started(definition, At(2021, 5, 4));
        Assert.Equal(PartnerStatus.Scheduled, round.Partner("Maldon District Council").Status);

        round.AdvanceTo(At(2021, 6, 30, 21));
        round.Decide("Maldon District Council", DecisionOutcome.Approved);

        var maldon = round.Partner("Maldon District Council");
        Assert.Equal(PartnerStatus.Authorised, maldon.Status);
        Assert.Equal(D("2021-06-30"), maldon.AuthorisedOn);
        Assert.Null(maldon.CallInEndsOn);
        var request = Assert.Single(round.Notifications(NotificationKind.CounterpartRequest));
        Assert.Equal("Maldon District Council", request.OrganisationName);
        Assert.Equal(maldon.PartnerId, request.ResponseLinkFor);

        // No decision reminders for Maldon: its first (19 July) falls after the decision.
        Assert.DoesNotContain(round.Events.OfType<ReminderSent>(), r => r.PartnerId == maldon.PartnerId);
        var chase = Assert.Single(round.State.Timers, t => t.PartnerId == maldon.PartnerId);
        Assert.Equal(TimerPurpose.CounterpartChase, chase.Purpose);
        Assert.Equal(D("2021-07-07"), chase.On);

        round.AdvanceTo(At(2021, 7, 8));
        Assert.Single(round.Events.OfType<CounterpartChased>(), c => c.PartnerId == maldon.PartnerId && c.On == D("2021-07-07"));
    }

    [Fact]
    public void Metropolitan_borough_cabinet_on_1_April_2021_approves_subject_to_conditions_with_call_in_over_Easter()
    {
        var definition = new RoundDefinitionBuilder()
            .Deadline(D("2021-04-30"))
            .Partner("Sefton Metropolitan Borough Council", Routes.Cabinet, meeting: D("2021-04-01"))
            .Partner("Liverpool City Council", Routes.Cabinet)
            .Build();
        var round = Started(definition, At(2021, 3, 1));

        round.AdvanceTo(At(2021, 4, 1, 18));
        round.Decide("Sefton Metropolitan Borough Council", DecisionOutcome.ApprovedWithConditions,
            conditions: "Support is contingent on the Annex 6 data-sharing terms being agreed.");

        var sefton = round.Partner("Sefton Metropolitan Borough Council");
        Assert.Equal(PartnerStatus.ApprovedWithConditions, sefton.Status);
        Assert.Equal(ConditionsStatus.Pending, sefton.Conditions);
        // Good Friday (2 April) and Easter Monday (5 April) are not clear working days.
        Assert.Equal(D("2021-04-12"), sefton.CallInEndsOn);
        var review = Assert.Single(round.Notifications(NotificationKind.ConditionsAwaitingReview));
        Assert.Contains(review.To, r => r.Role == RecipientRole.Coordinator);
        Assert.Contains(review.To, r => r.Role == RecipientRole.Chair);

        round.AdvanceTo(At(2021, 4, 6));
        round.Apply(new AcceptConditions("accept-1", sefton.PartnerId, "Annex 6 terms agreed.", Coordinator));
        Assert.Equal(PartnerStatus.CallIn, round.Partner("Sefton Metropolitan Borough Council").Status);

        round.AdvanceTo(At(2021, 4, 12, 23));
        Assert.Equal(PartnerStatus.CallIn, round.Partner("Sefton Metropolitan Borough Council").Status);

        round.AdvanceTo(At(2021, 4, 13));
        sefton = round.Partner("Sefton Metropolitan Borough Council");
        Assert.Equal(PartnerStatus.Authorised, sefton.Status);
        Assert.Equal(D("2021-04-13"), sefton.AuthorisedOn);
    }

    [Fact]
    public void Conditions_accepted_after_call_in_has_ended_authorise_on_acceptance()
    {
        var definition = new RoundDefinitionBuilder()
            .Deadline(D("2021-04-30"))
            .Partner("Sefton Metropolitan Borough Council", Routes.Cabinet)
            .Partner("Liverpool City Council", Routes.Cabinet)
            .Build();
        var round = Started(definition, At(2021, 3, 1));
        round.AdvanceTo(At(2021, 4, 1, 18));
        round.Decide("Sefton Metropolitan Borough Council", DecisionOutcome.ApprovedWithConditions, conditions: "Annex 6 agreed.");

        round.AdvanceTo(At(2021, 4, 20));
        var sefton = round.Partner("Sefton Metropolitan Borough Council");
        Assert.Equal(PartnerStatus.ApprovedWithConditions, sefton.Status);
        Assert.False(sefton.CallInRunning);

        round.Apply(new AcceptConditions("accept-late", sefton.PartnerId, null, Coordinator));
        Assert.Equal(PartnerStatus.Authorised, round.Partner("Sefton Metropolitan Borough Council").Status);
        Assert.Equal(D("2021-04-20"), round.Partner("Sefton Metropolitan Borough Council").AuthorisedOn);
    }

    [Fact]
    public void Rejected_conditions_send_the_partner_back_to_decide_and_reminders_resume()
    {
        var definition = new RoundDefinitionBuilder()
            .Deadline(D("2021-04-30"))
            .Partner("Sefton Metropolitan Borough Council", Routes.Cabinet, meeting: D("2021-04-01"))
            .Build();
        var round = Started(definition, At(2021, 3, 1));
        round.AdvanceTo(At(2021, 4, 1, 18));
        round.Decide("Sefton Metropolitan Borough Council", DecisionOutcome.ApprovedWithConditions, conditions: "A seat on the board.");
        Assert.DoesNotContain(round.State.Timers, t => t.Purpose is TimerPurpose.Reminder or TimerPurpose.OverdueReminder);

        var id = round.Partner("Sefton Metropolitan Borough Council").PartnerId;
        round.AdvanceTo(At(2021, 4, 7));
        round.Apply(new RejectConditions("reject-1", id, "The board's membership is fixed by the terms of reference.", Coordinator));

        var sefton = round.Partner("Sefton Metropolitan Borough Council");
        Assert.Equal(PartnerStatus.Scheduled, sefton.Status);
        Assert.Null(sefton.Decision);
        Assert.False(sefton.CallInRunning);
        var outcome = Assert.Single(round.Notifications(NotificationKind.ConditionsOutcome));
        Assert.Equal(id, outcome.ResponseLinkFor);
        Assert.False(outcome.ConditionsAccepted);
        Assert.Contains(round.State.Timers, t => t.PartnerId == id && t.Purpose == TimerPurpose.Reminder);
        Assert.DoesNotContain(round.State.Timers, t => t.Purpose == TimerPurpose.CallInEnds);
    }

    [Fact]
    public void Version_8_then_an_updated_annex_as_a_minor_revision_on_2_March_2021_keeps_decisions_and_asks_for_new_counterparts()
    {
        var definition = new RoundDefinitionBuilder()
            .Titled("Cheshire and Merseyside Health and Care Partnership MoU (version 8)")
            .Deadline(D("2021-03-31"))
            .Partner("Sefton Metropolitan Borough Council", Routes.Cabinet, meeting: D("2021-04-01"))
            .Partner("Liverpool University Hospitals NHS Foundation Trust", Routes.NhsTrustBoard)
            .Partner("Mersey Care NHS Foundation Trust", Routes.NhsTrustBoard)
            .Build();
        var round = Started(definition, At(2021, 2, 1), draft: "MoU version 8");

        round.AdvanceTo(At(2021, 2, 10));
        round.Decide("Liverpool University Hospitals NHS Foundation Trust", DecisionOutcome.Approved);
        round.Sign("Liverpool University Hospitals NHS Foundation Trust");
        round.Decide("Mersey Care NHS Foundation Trust", DecisionOutcome.Approved);
        var trustDecision = round.Partner("Liverpool University Hospitals NHS Foundation Trust").Decision;

        round.AdvanceTo(At(2021, 3, 2));
        var revised = round.Apply(new ReviseDraft("revise-1", Document("MoU version 8 with updated Annex 6"), RevisionKind.Minor,
            "Updated Annex 6 (addendum)", Coordinator));

        Assert.Equal(2, round.State.CurrentVersion.Number);
        Assert.Equal(1, round.State.MaterialBaseVersion);
        var trust = round.Partner("Liverpool University Hospitals NHS Foundation Trust");
        Assert.Equal(PartnerStatus.Authorised, trust.Status);
        Assert.Equal(trustDecision, trust.Decision);
        Assert.Null(trust.Counterpart);
        Assert.Equal(PartnerStatus.Authorised, round.Partner("Mersey Care NHS Foundation Trust").Status);
        Assert.Equal(PartnerStatus.Scheduled, round.Partner("Sefton Metropolitan Borough Council").Status);
        var notices = revised.Effects.OfType<SendNotification>().Select(e => e.Notification).Where(n => n is { Kind: NotificationKind.RevisionNotice, Revision: RevisionKind.Minor }).ToList();
        Assert.Equal(3, notices.Count(n => n.PartnerId is not null));
        Assert.Single(notices, n => n.PartnerId is null && n.To.All(r => r.Role == RecipientRole.Chair)); // the chairs hear of it too
        // Only the trust had signed: it alone is told its counterpart no longer counts, and asked for the new one.
        var superseded = Assert.Single(notices, n => n.CounterpartSuperseded);
        Assert.Equal(trust.PartnerId, superseded.PartnerId);
        Assert.NotNull(superseded.ResponseLinkFor);
        Assert.Single(round.Webhooks(WebhookEventTypes.RoundRevised), w => w.Data["kind"] == "minor" && w.Data["version"] == "2");

        // A counterpart of version 8 as first circulated no longer counts.
        var stale = round.Try(round.CounterpartFor(trust, version: 1));
        Assert.Equal(RejectionCode.StaleVersion, Assert.IsType<RoundDecision.Rejected>(stale).Code);

        // A decision taken on the first circulation still stands after a minor revision.
        round.AdvanceTo(At(2021, 4, 1, 20));
        round.Decide("Sefton Metropolitan Borough Council", DecisionOutcome.Approved, version: 1);
        Assert.Equal(PartnerStatus.CallIn, round.Partner("Sefton Metropolitan Borough Council").Status);

        round.Sign("Liverpool University Hospitals NHS Foundation Trust");
        round.Sign("Mersey Care NHS Foundation Trust");
        round.AdvanceTo(At(2021, 4, 13));
        round.Sign("Sefton Metropolitan Borough Council");
        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(D("2021-04-13"), round.State.EffectiveOn);
        Assert.All(round.State.Partners, p => Assert.Equal(2, p.Counterpart!.Version));
    }

    [Fact]
    public void A_material_revision_invalidates_decisions_and_counterparts()
    {
        var definition = new RoundDefinitionBuilder()
            .Deadline(D("2021-07-31"))
            .Partner("Braintree District Council", Routes.FullCouncil)
            .Partner("Farleigh Hospice", Routes.CharityBoard, meeting: D("2021-07-20"))
            .Build();
        var round = Started(definition, At(2021, 5, 4));
        round.AdvanceTo(At(2021, 5, 20));
        round.Decide("Braintree District Council", DecisionOutcome.Approved);
        round.Sign("Braintree District Council");

        round.Apply(new ReviseDraft("revise-material", Document("draft v2: new financial schedule"), RevisionKind.Material, "New financial schedule", Coordinator));

        var braintree = round.Partner("Braintree District Council");
        Assert.Equal(PartnerStatus.Invited, braintree.Status);
        Assert.Null(braintree.Decision);
        Assert.Null(braintree.Counterpart);
        Assert.Equal(PartnerStatus.Scheduled, round.Partner("Farleigh Hospice").Status);
        Assert.Equal(2, round.State.MaterialBaseVersion);

        var old = round.Try(new RecordDecision("old-link", braintree.PartnerId, 1, DecisionOutcome.Approved, null, D("2021-05-20"), null, null, null, null, Coordinator));
        var rejected = Assert.IsType<RoundDecision.Rejected>(old);
        Assert.Equal(RejectionCode.StaleVersion, rejected.Code);
        Assert.Equal("The decision is on version 1, but version 2 has since been circulated with material changes; decide on the current version.", rejected.Message);
    }

    [Fact]
    public void The_19_partner_Mid_Essex_alliance_round_reaches_effective_when_the_last_counterpart_arrives()
    {
        var definition = SignOff.Core.Definitions.RoundDefinitionParser.Parse(Workflows.Read("examples", "mid-essex-alliance-mou.yaml"), D("2021-05-04"), Workflows.Routes).Definition!;
        var round = Started(definition, At(2021, 5, 4));
        Assert.Equal(19, round.State.Partners.Count);
        Assert.Equal(19, round.Notifications(NotificationKind.Invitation).Count());

        // Each partner decides at its meeting, or on 20 May when it has none; the county's cabinet member on Friday 23 July.
        DateOnly DecisionDay(PartnerState p) => p.Name == "Essex County Council" ? D("2021-07-23") : p.MeetingOn ?? D("2021-05-20");
        foreach (var p in round.State.Partners.OrderBy(DecisionDay).ToList())
        {
            var on = DecisionDay(p);
            round.AdvanceTo(LondonTime.At(on, new TimeOnly(18, 0)));
            round.Decide(p.Name, DecisionOutcome.Approved);
            if (round.Partner(p.Name).Status == PartnerStatus.Authorised)
            {
                round.Sign(p.Name);
            }
        }

        round.AdvanceTo(At(2021, 7, 30, 9));
        foreach (var p in round.State.Partners.Where(p => p.Status == PartnerStatus.Authorised).ToList())
        {
            round.Sign(p.Name); // the cabinets' counterparts, once their call-ins ended in June
        }

        // Friday 23 July + 5 clear working days: call-in ends Friday 30 July; authorised Saturday 31 July.
        var essex = round.Partner("Essex County Council");
        Assert.Equal(PartnerStatus.CallIn, essex.Status);
        Assert.Equal(D("2021-07-30"), essex.CallInEndsOn);
        Assert.Equal(RoundStatus.Circulating, round.State.Status);
        Assert.Empty(round.Events.OfType<PartnerEscalated>());

        round.AdvanceTo(At(2021, 7, 31, 11));
        Assert.Equal(D("2021-07-31"), round.Partner("Essex County Council").AuthorisedOn);
        round.Sign("Essex County Council");

        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(D("2021-07-31"), round.State.EffectiveOn);
        Assert.All(round.State.Partners, p => Assert.Equal(PartnerStatus.Signed, p.Status));
        Assert.Equal(21, Assert.Single(round.Notifications(NotificationKind.EffectiveNotice)).To.Count);
        Assert.Equal(Json(round.State), Json(RoundHarness.Replay(round.Events)!));
    }
}
