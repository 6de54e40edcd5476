using System.Collections.Immutable;
using SignOff.Core.Agreements;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Workflow;
using SignOff.Workflow.Agreements;
using SignOff.Workflow.Time;

namespace SignOff.Integration.Tests.Host;

/// <summary>What the register stores in the task hub reads back, and what was stored before it existed still reads as it did.</summary>
public sealed class AgreementWorkflowFormatTests
{
    [Fact]
    public void An_alarm_stored_before_alarms_named_their_entity_still_wakes_its_round()
    {
        var stored = """{"roundId":"test-mou-1","wakeAt":"2021-06-01T08:00:00+00:00"}""";

        var alarm = WorkflowJson.Converter.Deserialize<AlarmRequest>(stored)!;

        Assert.Equal("test-mou-1", alarm.RoundId);
        Assert.Equal(WorkflowNames.RoundEntity, alarm.Entity);
        Assert.Equal(WorkflowNames.AgreementEntity, WorkflowJson.Converter.Deserialize<AlarmRequest>(
            WorkflowJson.Converter.Serialize(new AlarmRequest("a", DateTimeOffset.UnixEpoch, WorkflowNames.AgreementEntity)))!.Entity);
    }

    [Fact]
    public void An_agreement_transition_with_its_emails_and_webhooks_round_trips_through_the_task_hub_format()
    {
        var process = new AgreementProcess(BankHolidays.Embedded);
        var at = new DateTimeOffset(2021, 6, 15, 9, 0, 0, TimeSpan.Zero);
        var officer = new Person("Jo Bloggs", "jo@maldon.example");
        var open = new OpenAgreement("register:1", "test-mou", new AgreementInfo("Test Alliance MoU", "TEST-MOU"),
            new AgreementTerms(ReviewCycle.Annual, NoticePeriod.Default, AgreementTerms.DefaultReviewReminders, "england-and-wales"),
            new Person("Programme Office", "office@alliance.example"), [new Person("Chair", "chair@alliance.example")],
            new DocumentRef(new string('a', 64), "draft.pdf", 10, "application/pdf"), new DateOnly(2021, 6, 15),
            [new Signatory("maldon", "Maldon District Council", officer, 1), new Signatory("chelmsford", "Chelmsford City Council", new Person("Sam Smith", "sam@chelmsford.example"), 1)]);
        var opened = Assert.IsType<AgreementDecision.Accepted>(process.Decide(null, open, at));
        var notice = Assert.IsType<AgreementDecision.Accepted>(process.Decide(opened.State,
            new GiveNotice("api:2", "maldon", new DateOnly(2021, 6, 15), "Merging", new Actor("Programme Office", "office@alliance.example", ActorRole.Coordinator)), at));
        Assert.Contains(notice.Effects, e => e is SendAgreementNotice);
        Assert.Contains(notice.Effects, e => e is PublishAgreementWebhook);

        var transition = new AgreementTransitionEffects("test-mou", 2, "api:2", opened.Events.Count + notice.Events.Count, notice.State, notice.Events, notice.Effects);
        var json = WorkflowJson.Converter.Serialize(transition)!;
        var back = WorkflowJson.Converter.Deserialize<AgreementTransitionEffects>(json)!;

        Assert.Equal(json, WorkflowJson.Converter.Serialize(back));
        Assert.Equal(notice.Effects.Select(e => e.GetType()), back.Effects.Select(e => e.GetType()));
        Assert.Equal(PartyStatus.OnNotice, back.State.FindParty("maldon")!.Status);
        var record = new AgreementRecord(notice.State, 2, transition.EventCount, [new AgreementRefusal("api:3", AgreementRejectionCode.AlreadyOnNotice, "Already")]);
        var stored = WorkflowJson.Converter.Deserialize<AgreementRecord>(WorkflowJson.Converter.Serialize(record))!;
        Assert.Equal(AgreementRejectionCode.AlreadyOnNotice, stored.RefusalOf("api:3")!.Code);
        Assert.True(stored.Applied("api:2"));
        Assert.Equal(ImmutableList.Create(notice.State.Timers.ToArray()), stored.Agreement.Timers);
    }
}
