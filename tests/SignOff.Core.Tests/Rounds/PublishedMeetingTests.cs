using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Testing;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Rounds;

/// <summary>
/// Meeting dates from a council's own published calendar: read every working day while the partner
/// awaits its decision, imported when none is known, followed (and the coordinator and officer
/// told) when it moves or is cancelled, and never over a date a person gave unless the feed moves
/// after it.
/// </summary>
public sealed class PublishedMeetingTests
{
    private const string Feed = "https://democracy.maldon.gov.uk/ical";
    private const string Maldon = "Maldon District Council";

    private static Support.RoundHarness Round(DateOnly? meeting = null) => Started(
        new RoundDefinitionBuilder().Deadline(D("2021-07-30"))
            .Partner(Maldon, meeting: meeting, calendar: new MeetingCalendar(Feed, "Full Council"))
            .Partner("Chelmsford City Council")
            .Build(),
        At(2021, 6, 1));

    private static RecordPublishedMeeting Listed(Support.RoundHarness round, DateOnly? on, string effectId = "check.0000") =>
        new(RecordPublishedMeeting.IdFor($"{round.NextId("effect")}:{effectId}"), round.Partner(Maldon).PartnerId, Feed, on, "meeting-42@maldon", "Full Council");

    [Fact]
    public void The_calendar_is_read_at_seven_each_working_day_while_the_partner_awaits_its_decision_and_only_its()
    {
        var round = Round();
        var maldon = round.Partner(Maldon).PartnerId;

        var first = Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.CalendarCheck);
        Assert.Equal(maldon, first.PartnerId);
        Assert.Equal(LondonTime.At(D("2021-06-02"), new TimeOnly(7, 0)), first.DueAt);

        round.AdvanceTo(At(2021, 6, 7, 8)); // Wednesday to Monday: three working days and a weekend
        var checks = round.Effects.OfType<CheckMeetingCalendar>().ToList();
        Assert.Equal([D("2021-06-02"), D("2021-06-03"), D("2021-06-04"), D("2021-06-07")], checks.Select(c => c.From));
        Assert.All(checks, c => Assert.Equal(new CheckMeetingCalendar(c.EffectId, maldon, Feed, "Full Council", c.From, D("2021-07-30")), c));
        Assert.Equal(checks.Count, checks.Select(c => c.EffectId).Distinct().Count());
        Assert.Equal(D("2021-06-08"), Assert.Single(round.State.Timers, t => t.Purpose == TimerPurpose.CalendarCheck).On);

        round.Decide(Maldon, DecisionOutcome.Approved, D("2021-06-07"));
        Assert.DoesNotContain(round.State.Timers, t => t.Purpose == TimerPurpose.CalendarCheck);
    }

    [Fact]
    public void No_reading_is_planned_after_the_due_date_the_meetings_it_looks_for_must_come_before()
    {
        var round = Round();

        round.AdvanceTo(At(2021, 8, 3));

        Assert.Equal(D("2021-07-30"), round.Effects.OfType<CheckMeetingCalendar>().Max(c => c.From));
        Assert.DoesNotContain(round.State.Timers, t => t.Purpose == TimerPurpose.CalendarCheck);
    }

    [Fact]
    public void A_meeting_listed_when_none_is_known_is_imported_with_where_it_came_from()
    {
        var round = Round();

        var accepted = round.Apply(Listed(round, D("2021-06-30")));

        var maldon = round.Partner(Maldon);
        Assert.Equal(D("2021-06-30"), maldon.MeetingOn);
        Assert.Equal(Feed, maldon.MeetingSource);
        Assert.Equal(PartnerStatus.Scheduled, maldon.Status);
        var published = Assert.Single(accepted.Events.OfType<MeetingPublished>());
        Assert.True(published.Adopted);
        Assert.False(published.Moved);
        Assert.Equal("Maldon District Council's meeting was taken from its published calendar: Full Council, 30 June 2021.",
            RoundTimeline.Describe(published, _ => Maldon)!.Value.Text);
        Assert.Empty(accepted.Effects.OfType<SendNotification>());
        Assert.Equal("2021-06-30", Assert.Single(round.Webhooks(WebhookEventTypes.PartnerMeetingScheduled)).Data["meetingOn"]);
    }

    [Fact]
    public void The_same_meeting_listed_again_records_nothing_and_the_same_report_twice_is_applied_once()
    {
        var round = Round();
        var report = Listed(round, D("2021-06-30"));
        round.Apply(report);
        var events = round.Events.Count;

        var again = round.Try(Listed(round, D("2021-06-30")));
        var retried = round.Try(report);

        Assert.Equal(RejectionCode.PublishedMeetingUnchanged, Assert.IsType<RoundDecision.Rejected>(again).Code);
        Assert.IsType<RoundDecision.AlreadyApplied>(retried);
        Assert.Equal(events, round.Events.Count);
    }

    [Fact]
    public void A_moved_meeting_is_followed_and_the_coordinator_and_officer_are_told()
    {
        var round = Round();
        round.Apply(Listed(round, D("2021-06-30")));

        var accepted = round.Apply(Listed(round, D("2021-07-07")));

        var maldon = round.Partner(Maldon);
        Assert.Equal(D("2021-07-07"), maldon.MeetingOn);
        Assert.Equal(Feed, maldon.MeetingSource);
        var moved = Assert.Single(accepted.Effects.OfType<SendNotification>()).Notification;
        Assert.Equal(NotificationKind.PublishedMeetingMoved, moved.Kind);
        Assert.Equal([RecipientRole.Coordinator, RecipientRole.Officer], moved.To.Select(r => r.Role));
        Assert.Equal(maldon.Officer, moved.To[1].Person);
        Assert.Equal((D("2021-07-07"), D("2021-06-30"), Feed, "Full Council"), (moved.MeetingOn!.Value, moved.PreviousMeetingOn!.Value, moved.Source, moved.Body));
        Assert.Equal("Maldon District Council's meeting moved in its published calendar: Full Council, 7 July 2021 (was 30 June 2021).",
            RoundTimeline.Describe(accepted.Events.OfType<MeetingPublished>().Single(), _ => Maldon)!.Value.Text);
    }

    [Fact]
    public void A_cancelled_meeting_clears_the_date_back_to_not_yet_scheduled_and_both_are_told()
    {
        var round = Round();
        round.Apply(Listed(round, D("2021-06-30")));

        var accepted = round.Apply(Listed(round, null));

        var maldon = round.Partner(Maldon);
        Assert.Null(maldon.MeetingOn);
        Assert.Null(maldon.MeetingSource);
        Assert.Equal(PartnerStatus.Invited, maldon.Status);
        var cancelled = Assert.Single(accepted.Events.OfType<PublishedMeetingCancelled>());
        Assert.True(cancelled.Cleared);
        var told = Assert.Single(accepted.Effects.OfType<SendNotification>()).Notification;
        Assert.Equal(NotificationKind.PublishedMeetingCancelled, told.Kind);
        Assert.Equal([RecipientRole.Coordinator, RecipientRole.Officer], told.To.Select(r => r.Role));
        Assert.Equal(D("2021-06-30"), told.PreviousMeetingOn);
        Assert.Null(told.MeetingOn);

        // Nothing listed, as before: nothing more to say.
        Assert.Equal(RejectionCode.PublishedMeetingUnchanged, Assert.IsType<RoundDecision.Rejected>(round.Try(Listed(round, null))).Code);
    }

    [Fact]
    public void A_date_a_person_gave_stands_against_the_feed_until_the_feed_moves_after_it()
    {
        var round = Round(meeting: D("2021-06-28"));

        var first = round.Apply(Listed(round, D("2021-06-30")));

        Assert.False(Assert.Single(first.Events.OfType<MeetingPublished>()).Adopted);
        Assert.Equal(D("2021-06-28"), round.Partner(Maldon).MeetingOn);
        Assert.Null(round.Partner(Maldon).MeetingSource);
        Assert.Empty(first.Effects.OfType<SendNotification>());
        Assert.Equal(RejectionCode.PublishedMeetingUnchanged, Assert.IsType<RoundDecision.Rejected>(round.Try(Listed(round, D("2021-06-30")))).Code);

        var moved = round.Apply(Listed(round, D("2021-07-07")));

        Assert.Equal(D("2021-07-07"), round.Partner(Maldon).MeetingOn);
        Assert.Equal(Feed, round.Partner(Maldon).MeetingSource);
        Assert.Equal(NotificationKind.PublishedMeetingMoved, Assert.Single(moved.Effects.OfType<SendNotification>()).Notification.Kind);
    }

    [Fact]
    public void A_date_changed_by_the_coordinator_after_an_import_is_not_overwritten_by_an_unchanged_feed()
    {
        var round = Round();
        round.Apply(Listed(round, D("2021-06-30")));
        round.Apply(new ChangePartnerDates(round.NextId("dates"), round.Partner(Maldon).PartnerId, null, D("2021-06-29"), Coordinator));
        Assert.Null(round.Partner(Maldon).MeetingSource);

        var unchanged = round.Try(Listed(round, D("2021-06-30")));

        Assert.Equal(RejectionCode.PublishedMeetingUnchanged, Assert.IsType<RoundDecision.Rejected>(unchanged).Code);
        Assert.Equal(D("2021-06-29"), round.Partner(Maldon).MeetingOn);
    }

    [Fact]
    public void A_meeting_after_the_due_date_or_before_today_is_refused_and_so_is_a_feed_the_partner_does_not_name()
    {
        var round = Round();

        var late = round.Try(Listed(round, D("2021-08-02")));
        var past = round.Try(Listed(round, D("2021-05-28")));
        var other = round.Try(Listed(round, D("2021-06-30")) with { FeedUrl = "https://elsewhere.example/ical" });
        var chelmsford = round.Try(Listed(round, D("2021-06-30")) with { PartnerId = round.Partner("Chelmsford City Council").PartnerId });

        Assert.Equal(RejectionCode.InvalidDate, Assert.IsType<RoundDecision.Rejected>(late).Code);
        Assert.Equal(RejectionCode.InvalidDate, Assert.IsType<RoundDecision.Rejected>(past).Code);
        Assert.Equal(RejectionCode.PublishedMeetingUnchanged, Assert.IsType<RoundDecision.Rejected>(other).Code);
        Assert.Equal(RejectionCode.PublishedMeetingUnchanged, Assert.IsType<RoundDecision.Rejected>(chelmsford).Code);
        Assert.Null(round.Partner(Maldon).MeetingOn);
    }

    [Fact]
    public void A_decided_partner_s_calendar_is_no_longer_followed()
    {
        var round = Round();
        round.Decide(Maldon, DecisionOutcome.Approved, D("2021-06-01"));

        var after = round.Try(Listed(round, D("2021-06-30")));

        Assert.Equal(RejectionCode.NotAwaitingDecision, Assert.IsType<RoundDecision.Rejected>(after).Code);
    }

    [Fact]
    public void Replaying_the_events_rebuilds_the_meeting_and_its_source()
    {
        var round = Round(meeting: D("2021-06-28"));
        round.Apply(Listed(round, D("2021-06-30")));
        round.Apply(Listed(round, D("2021-07-07")));
        round.Apply(Listed(round, null));
        round.Apply(Listed(round, D("2021-07-14")));

        var stored = System.Text.Json.JsonSerializer.Serialize(round.Events, JsonOptions);
        var replayed = Replay(System.Text.Json.JsonSerializer.Deserialize<List<RoundEvent>>(stored, JsonOptions)!);

        Assert.Contains("\"$event\":\"meeting-published\"", stored, StringComparison.Ordinal);
        Assert.Equal(Json(round.State), Json(replayed!));
        Assert.Equal((D("2021-07-14"), Feed), (replayed!.FindPartner(round.Partner(Maldon).PartnerId)!.MeetingOn!.Value, replayed.FindPartner(round.Partner(Maldon).PartnerId)!.MeetingSource));
    }

    [Fact]
    public void The_check_and_its_report_travel_as_stored_json_between_the_round_and_the_host()
    {
        var round = Round();
        round.AdvanceTo(At(2021, 6, 2, 8));
        RoundEffect check = round.Effects.OfType<CheckMeetingCalendar>().Single();
        RoundTrigger report = Listed(round, D("2021-06-30"));

        var effectJson = System.Text.Json.JsonSerializer.Serialize(check, JsonOptions);
        var triggerJson = System.Text.Json.JsonSerializer.Serialize(report, JsonOptions);

        Assert.Contains("\"$effect\":\"calendar-check\"", effectJson, StringComparison.Ordinal);
        Assert.Contains("\"$trigger\":\"record-published-meeting\"", triggerJson, StringComparison.Ordinal);
        Assert.Equal(check, System.Text.Json.JsonSerializer.Deserialize<RoundEffect>(effectJson, JsonOptions));
        Assert.Equal(report, System.Text.Json.JsonSerializer.Deserialize<RoundTrigger>(triggerJson, JsonOptions));
    }

    [Fact]
    public void A_calendar_that_could_not_be_read_is_told_as_such_not_as_an_undelivered_email()
    {
        var failed = new DeliveryFailed(new DeliveryFailure(DeliveryChannel.Calendar, "timer:calendar-check:maldon:20210602.0000", "Full Council meetings", Feed,
            $"{Feed} answered 503 Service Unavailable."));

        var line = RoundTimeline.Describe(failed, _ => Maldon)!.Value.Text;

        Assert.Equal($"Published calendar not read after every retry: the Full Council meetings at {Feed}. {Feed} answered 503 Service Unavailable.", line);
    }
}
