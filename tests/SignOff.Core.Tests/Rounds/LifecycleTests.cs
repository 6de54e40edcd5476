using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

public sealed class LifecycleTests
{
    private static RoundHarness ThreePartners(DateTimeOffset? at = null) => Started(
        new RoundDefinitionBuilder()
            .Deadline(D("2021-07-30"))
            .Partner("Braintree District Council", Routes.FullCouncil)
            .Partner("CVS Braintree District", Routes.CharityBoard)
            .Partner("Anglia Ruskin University", Routes.DelegatedOfficer)
            .Build(),
        at ?? At(2021, 6, 1));

    [Fact]
    public void Starting_a_round_invites_every_partner_and_announces_it()
    {
        var round = ThreePartners();

        Assert.Equal(RoundStatus.Circulating, round.State.Status);
        Assert.Equal(["braintree-district-council", "cvs-braintree-district", "anglia-ruskin-university"], round.State.Partners.Select(p => p.PartnerId));
        var invitations = round.Notifications(NotificationKind.Invitation).ToList();
        Assert.Equal(3, invitations.Count);
        Assert.All(invitations, n =>
        {
            Assert.Equal(n.PartnerId, n.ResponseLinkFor);
            Assert.True(n.AttachDraft);
            Assert.Equal(D("2021-07-30"), n.DueOn);
            Assert.Equal(RecipientRole.Officer, Assert.Single(n.To).Role);
        });
        Assert.Single(round.Webhooks(WebhookEventTypes.RoundStarted));
        Assert.Equal(3, round.Webhooks(WebhookEventTypes.PartnerInvited).Count());
        Assert.Equal(round.Effects.Count, round.Effects.Select(e => e.EffectId).Distinct().Count());
    }

    [Fact]
    public void Effective_when_the_last_remaining_partner_signs_on_the_date_its_counterpart_arrived()
    {
        var round = ThreePartners();
        round.AdvanceTo(At(2021, 6, 10));
        foreach (var p in round.State.Partners.ToList())
        {
            round.Decide(p.Name, DecisionOutcome.Approved);
        }

        round.Sign("Braintree District Council");
        round.AdvanceTo(At(2021, 6, 14));
        round.Sign("CVS Braintree District");
        Assert.Equal(RoundStatus.Circulating, round.State.Status);

        round.AdvanceTo(At(2021, 6, 21, 16));
        var last = round.Sign("Anglia Ruskin University");

        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(D("2021-06-21"), round.State.EffectiveOn);
        Assert.Contains(last.Events, e => e is RoundBecameEffective);
        var notice = Assert.Single(round.Notifications(NotificationKind.EffectiveNotice));
        Assert.True(notice.AttachCompletionPack);
        Assert.Equal(5, notice.To.Count); // three officers, the coordinator, the chair
        Assert.Single(round.Webhooks(WebhookEventTypes.AgreementEffective), w => w.Data["effectiveOn"] == "2021-06-21");
        Assert.Empty(round.State.Timers);
    }

    [Fact]
    public void The_register_opens_with_the_review_cycle_and_notice_the_definition_stated()
    {
        var definition = new RoundDefinitionBuilder().Deadline(D("2021-07-30")).Partner("Braintree District Council", Routes.FullCouncil).Build() with
        {
            Reviews = new SignOff.Core.Agreements.ReviewCycle.Every(6, D("2022-07-01")),
            Notice = new SignOff.Core.Agreements.NoticePeriod(20, SignOff.Core.Agreements.NoticeUnit.OperationalDays),
        };
        var round = Started(definition, At(2021, 6, 1));
        round.AdvanceTo(At(2021, 6, 10));
        round.Decide("Braintree District Council", DecisionOutcome.Approved);
        round.Sign("Braintree District Council");

        var record = Assert.Single(round.Effects.OfType<RecordInRegister>());
        var opened = Assert.IsType<SignOff.Core.Agreements.AgreementDecision.Accepted>(new SignOff.Core.Agreements.AgreementProcess(Holidays).Decide(null, record.ToTrigger(), At(2021, 6, 11)));

        Assert.Equal(new SignOff.Core.Agreements.NoticePeriod(20, SignOff.Core.Agreements.NoticeUnit.OperationalDays), opened.State.Terms.Notice);
        Assert.Equal(new SignOff.Core.Agreements.ScheduledReview(D("2022-07-01"), D("2022-07-01")), opened.State.NextReview);
    }

    [Fact]
    public void Taking_effect_asks_the_register_to_open_the_agreement_with_every_signatory()
    {
        var round = ThreePartners();
        round.AdvanceTo(At(2021, 6, 10));
        foreach (var p in round.State.Partners.ToList())
        {
            round.Decide(p.Name, DecisionOutcome.Approved);
            round.Sign(p.Name);
        }

        var record = Assert.Single(round.Effects.OfType<RecordInRegister>());
        Assert.Equal(round.State.RoundId, record.RoundId);
        Assert.Equal(round.State.EffectiveOn, record.EffectiveOn);
        Assert.Equal(round.State.CurrentVersion.Document, record.Document);
        Assert.Equal(["braintree-district-council", "cvs-braintree-district", "anglia-ruskin-university"], record.Signatories.Select(s => s.PartyId));
        Assert.All(record.Signatories, s => Assert.Equal(1, s.SignedVersion));
        Assert.Equal(SignOff.Core.Agreements.NoticePeriod.Default, record.Terms.Notice);
        Assert.Equal(round.State.Calendar, record.Terms.Calendar);
        Assert.Equal($"register:{record.EffectId}", record.ToTrigger().TriggerId);

        // The effect's trigger opens the agreement in the register, once however often it is performed.
        var register = new SignOff.Core.Agreements.AgreementProcess(Holidays);
        var opened = Assert.IsType<SignOff.Core.Agreements.AgreementDecision.Accepted>(register.Decide(null, record.ToTrigger(), At(2021, 6, 11)));
        Assert.Equal(3, opened.State.BoundParties.Count());
        Assert.Equal(1, opened.State.Current.Number);
        Assert.IsType<SignOff.Core.Agreements.AgreementDecision.AlreadyApplied>(register.Decide(opened.State, record.ToTrigger(), At(2021, 6, 11)));
        var json = RoundJson.Serialize<RoundEffect>(record);
        Assert.Contains("\"$effect\":\"record-in-register\"", json, StringComparison.Ordinal);
        Assert.Equal(json, RoundJson.Serialize(RoundJson.Deserialize<RoundEffect>(json)));
    }

    [Fact]
    public void A_register_that_could_not_open_the_agreement_is_said_in_the_rounds_history_as_such()
    {
        var failed = new DeliveryFailed(new DeliveryFailure(DeliveryChannel.Register, "t.0004", "Test MoU in the register", "the agreement register", "No party signed."));

        var line = RoundTimeline.Describe(failed, _ => "")!.Value.Text;

        Assert.Equal("Not recorded in the agreement register after every retry: No party signed.", line);
    }

    [Fact]
    public void A_decline_stalls_the_round_and_removing_the_partner_lets_it_take_effect()
    {
        var round = ThreePartners();
        round.AdvanceTo(At(2021, 6, 10));
        round.Decide("Braintree District Council", DecisionOutcome.Approved);
        round.Decide("Anglia Ruskin University", DecisionOutcome.Approved);
        round.Decide("CVS Braintree District", DecisionOutcome.Declined, reason: "The trustees want a different data-sharing annex.");

        Assert.Equal(RoundStatus.Stalled, round.State.Status);
        Assert.Equal("CVS Braintree District declined.", round.State.StallReason);
        var alert = Assert.Single(round.Notifications(NotificationKind.DeclineAlert));
        Assert.Equal("The trustees want a different data-sharing annex.", alert.Reason);

        // Partners can still sign while the round is stalled.
        round.Sign("Braintree District Council");
        round.Sign("Anglia Ruskin University");
        Assert.Equal(RoundStatus.Stalled, round.State.Status);

        var cvs = round.Partner("CVS Braintree District");
        round.Apply(new RemovePartner("remove-1", cvs.PartnerId, "Declined at the trustees' meeting", Coordinator));

        Assert.Equal(PartnerStatus.Removed, round.Partner("CVS Braintree District").Status);
        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Single(round.Webhooks(WebhookEventTypes.PartnerRemoved));
    }

    [Fact]
    public void Only_a_partner_that_declined_can_be_removed()
    {
        var round = ThreePartners();
        var p = round.Partner("CVS Braintree District");

        var decision = Assert.IsType<RoundDecision.Rejected>(round.Try(new RemovePartner("remove-early", p.PartnerId, null, Coordinator)));

        Assert.Equal(RejectionCode.NotDeclined, decision.Code);
        Assert.Equal("CVS Braintree District is invited; only a partner that declined can be removed (a partner can withdraw instead).", decision.Message);
    }

    [Fact]
    public void A_withdrawal_leaves_the_others_to_finish_and_the_round_takes_effect_without_it()
    {
        var round = ThreePartners();
        round.AdvanceTo(At(2021, 6, 10));
        round.Decide("Braintree District Council", DecisionOutcome.Approved);
        round.Decide("CVS Braintree District", DecisionOutcome.Approved);
        round.Sign("Braintree District Council");
        round.Sign("CVS Braintree District");

        var aru = round.Partner("Anglia Ruskin University");
        round.Apply(new WithdrawPartner("withdraw-1", aru.PartnerId, D("2021-06-10"), "30 days' notice given", Coordinator));

        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(D("2021-06-10"), round.State.EffectiveOn);
        Assert.Equal(PartnerStatus.Withdrawn, round.Partner("Anglia Ruskin University").Status);
    }

    [Fact]
    public void Withdrawing_every_partner_stalls_the_round()
    {
        var round = Started(new RoundDefinitionBuilder().Partner("Maldon District Council").Build(), At(2021, 6, 1));
        var p = round.Partner("Maldon District Council");

        round.Apply(new WithdrawPartner("w", p.PartnerId, D("2021-06-01"), null, Coordinator));

        Assert.Equal(RoundStatus.Stalled, round.State.Status);
        Assert.Equal("No partner remains in the round.", round.State.StallReason);
    }

    [Fact]
    public void A_partner_added_mid_round_is_invited_and_must_sign_before_the_round_takes_effect()
    {
        var round = ThreePartners();
        round.AdvanceTo(At(2021, 6, 10));
        var added = round.Apply(new AddPartner("add-1",
            new PartnerDefinition("Provide CIC", new Person("Sam Carter", "sam.carter@provide.example"), new PartnerGovernance(Routes.CharityBoard, null), null),
            Coordinator));

        var provide = round.Partner("Provide CIC");
        Assert.Equal(PartnerStatus.Invited, provide.Status);
        Assert.Contains(added.Events, e => e is PartnerInvited { JoinedMidRound: true });
        Assert.Single(added.Effects.OfType<SendNotification>(), e => e.Notification.Kind == NotificationKind.Invitation);

        var duplicate = Assert.IsType<RoundDecision.Rejected>(round.Try(new AddPartner("add-2",
            new PartnerDefinition("provide cic ", new Person("Other", "other@provide.example"), new PartnerGovernance(Routes.CharityBoard, null), null),
            Coordinator)));
        Assert.Equal(RejectionCode.DuplicatePartner, duplicate.Code);
        Assert.Equal("'provide cic ' is already a partner in this round.", duplicate.Message);
    }

    [Fact]
    public void Handing_over_to_a_colleague_changes_the_officer_and_tells_both()
    {
        var round = ThreePartners();
        var p = round.Partner("Braintree District Council");

        var handed = round.Apply(new DelegateOfficer("delegate-1", p.PartnerId, new Person("Alex Green", "alex.green@braintree.example"),
            new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer)));

        Assert.Equal("alex.green@braintree.example", round.Partner("Braintree District Council").Officer.Email);
        var notices = handed.Effects.OfType<SendNotification>().Select(e => e.Notification).ToList();
        Assert.Equal(2, notices.Count);
        Assert.Contains(notices, n => n.To[0].Person.Email == "alex.green@braintree.example" && n.ResponseLinkFor == p.PartnerId);
        Assert.Contains(notices, n => n.To[0].Person.Email == p.Officer.Email && n.ResponseLinkFor is null);
    }

    [Fact]
    public void A_deferral_keeps_the_partner_awaiting_with_its_next_meeting()
    {
        var round = ThreePartners();
        round.AdvanceTo(At(2021, 6, 10));

        round.Decide("CVS Braintree District", DecisionOutcome.Deferred, reason: "Trustees asked for legal advice.", deferredTo: D("2021-07-08"));

        var cvs = round.Partner("CVS Braintree District");
        Assert.Equal(PartnerStatus.Deferred, cvs.Status);
        Assert.Equal(D("2021-07-08"), cvs.MeetingOn);
        Assert.Contains(round.State.Timers, t => t.PartnerId == cvs.PartnerId && t.Purpose == TimerPurpose.Reminder);

        round.AdvanceTo(At(2021, 7, 8, 20));
        round.Decide("CVS Braintree District", DecisionOutcome.Approved);
        Assert.Equal(PartnerStatus.Authorised, round.Partner("CVS Braintree District").Status);
    }

    [Fact]
    public void Cancelling_tells_everyone_and_clears_every_timer()
    {
        var round = ThreePartners();

        var cancelled = round.Apply(new CancelRound("cancel-1", "The partnership has been dissolved.", Coordinator));

        Assert.Equal(RoundStatus.Cancelled, round.State.Status);
        Assert.Empty(round.State.Timers);
        var notice = Assert.Single(cancelled.Effects.OfType<SendNotification>()).Notification;
        Assert.Equal(5, notice.To.Count);
        Assert.Equal("The partnership has been dissolved.", notice.Reason);
    }

    [Fact]
    public void Meeting_scheduled_and_moved()
    {
        var round = ThreePartners();
        var p = round.Partner("Braintree District Council");
        var actor = new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer);

        round.Apply(new ScheduleMeeting("meet-1", p.PartnerId, D("2021-07-14"), "Full Council", actor));
        Assert.Equal(PartnerStatus.Scheduled, round.Partner(p.Name).Status);
        round.Apply(new ScheduleMeeting("meet-2", p.PartnerId, D("2021-08-04"), "Full Council", actor));

        Assert.Equal(D("2021-08-04"), round.Partner(p.Name).MeetingOn);
        Assert.Single(round.Webhooks(WebhookEventTypes.PartnerMeetingScheduled), w => w.Data["afterDueDate"] == "true");
    }

    [Fact]
    public void An_officer_acknowledges_once()
    {
        var round = ThreePartners();
        var p = round.Partner("Braintree District Council");
        var actor = new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer);

        round.Apply(new AcknowledgeInvitation("ack-1", p.PartnerId, actor));
        var again = Assert.IsType<RoundDecision.Rejected>(round.Try(new AcknowledgeInvitation("ack-2", p.PartnerId, actor)));

        Assert.True(round.Partner(p.Name).Acknowledged);
        Assert.Equal(RejectionCode.AlreadyAcknowledged, again.Code);
    }

    [Fact]
    public void Nineteen_partners_reach_effective_with_weekly_digests_along_the_way()
    {
        var builder = new RoundDefinitionBuilder().Deadline(D("2021-07-30"));
        var routes = new[] { Routes.FullCouncil, Routes.Cabinet, Routes.CabinetMember, Routes.NhsTrustBoard, Routes.CharityBoard, Routes.DelegatedOfficer };
        for (var i = 0; i < 19; i++)
        {
            builder.Partner($"Partner {i + 1:D2}", routes[i % routes.Length]);
        }

        var round = Started(builder.Build(), At(2021, 5, 4));
        var day = new DateOnly(2021, 5, 10);
        foreach (var p in round.State.Partners.ToList())
        {
            round.AdvanceTo(LondonTime.At(day, new TimeOnly(14, 0)));
            round.Decide(p.Name, DecisionOutcome.Approved);
            day = day.AddDays(2);
        }

        round.AdvanceTo(At(2021, 7, 1));
        Assert.All(round.State.Partners, p => Assert.Equal(PartnerStatus.Authorised, p.Status));
        foreach (var p in round.State.Partners.ToList())
        {
            round.Sign(p.Name);
        }

        Assert.Equal(RoundStatus.Effective, round.State.Status);
        Assert.Equal(D("2021-07-01"), round.State.EffectiveOn);
        var digests = round.Events.OfType<DigestSent>().Select(d => d.On).ToList();
        Assert.NotEmpty(digests);
        Assert.All(digests, d => Assert.Equal(DayOfWeek.Monday, d.DayOfWeek));
        Assert.Equal(digests.Count, round.Notifications(NotificationKind.ChairDigest).Count());
    }
}
