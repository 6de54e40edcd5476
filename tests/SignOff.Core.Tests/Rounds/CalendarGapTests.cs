using SignOff.Core.Calendar;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Rounds;

/// <summary>
/// A round whose timers fall beyond the bank-holiday data does not go quiet without a word: the
/// gap is recorded once, the coordinator told, and it clears when the data covers it again.
/// </summary>
public sealed class CalendarGapTests
{
    /// <summary>Bank holidays for 2021 only: working days can be counted up to 31 December 2021 and no further.</summary>
    private static readonly BankHolidays Only2021 = BankHolidays.Parse("""
        { "england-and-wales": { "division": "england-and-wales", "events": [
          { "title": "Christmas Day", "date": "2021-12-27", "notes": "Substitute day", "bunting": true },
          { "title": "Boxing Day", "date": "2021-12-28", "notes": "Substitute day", "bunting": true } ] } }
        """);

    [Fact]
    public void Timers_that_fall_beyond_the_data_are_recorded_once_and_told_to_the_coordinator()
    {
        var process = new RoundProcess(Only2021);
        var definition = new RoundDefinitionBuilder().Deadline(D("2021-12-31")).Partner("Braintree District Council", Routes.FullCouncil).Build();
        var now = At(2021, 12, 1);
        var state = Accept(process.Decide(null, new StartRound("start", "gap-round", definition, Document("draft"), Coordinator), now)).State;
        Assert.Null(state.Unscheduled); // everything this side of the new year can be scheduled

        // Let the round run: each timer fires at its instant, until the next would fall in 2022.
        var told = new List<RoundDecision.Accepted>();
        for (var i = 0; i < 30 && state.Unscheduled is null; i++)
        {
            var next = state.Timers.MinBy(t => t.DueAt) ?? throw new Xunit.Sdk.XunitException("The round stopped with no timer and no word.");
            now = next.DueAt;
            var fired = Accept(process.Decide(state, FireTimer.For(next.TimerId), now));
            state = fired.State;
            told.Add(fired);
        }

        var gap = Assert.Single(told.SelectMany(t => t.Events).OfType<TimersBeyondCalendar>());
        Assert.Equal("england-and-wales", gap.Calendar);
        Assert.Contains(gap.Timers, t => t.Contains("Braintree District Council", StringComparison.Ordinal));
        Assert.Equal(gap.Timers, state.Unscheduled);
        var notice = Assert.Single(told.SelectMany(t => t.Effects).OfType<SendNotification>(), e => e.Notification.Kind == NotificationKind.CalendarExhausted).Notification;
        Assert.Equal(Coordinator.Email, Assert.Single(notice.To).Person.Email);
        Assert.Contains("Braintree District Council", notice.Note, StringComparison.Ordinal);
        Assert.Contains("bank-holiday data", RoundTimeline.Describe(gap, _ => "")!.Value.Text, StringComparison.Ordinal);

        // Another change to the round while the gap stands says nothing more.
        var partner = state.Partners[0];
        var meeting = Accept(process.Decide(state, new ScheduleMeeting("meet", partner.PartnerId, D("2021-12-30"), "Full Council",
            new Actor(partner.Officer.Name, partner.Officer.Email, ActorRole.Officer)), now));
        Assert.DoesNotContain(meeting.Events, e => e is TimersBeyondCalendar);

        // Refreshed data covering 2022: the next change schedules them, and the gap is cleared.
        var refreshed = new RoundProcess(BankHolidays.Embedded);
        var after = Accept(refreshed.Decide(meeting.State, new AcknowledgeInvitation("ack", partner.PartnerId,
            new Actor(partner.Officer.Name, partner.Officer.Email, ActorRole.Officer)), now));
        var cleared = Assert.Single(after.Events.OfType<TimersBeyondCalendar>());
        Assert.Empty(cleared.Timers);
        Assert.Null(after.State.Unscheduled);
        Assert.DoesNotContain(after.Effects.OfType<SendNotification>(), e => e.Notification.Kind == NotificationKind.CalendarExhausted);
    }

    private static RoundDecision.Accepted Accept(RoundDecision decision) =>
        decision as RoundDecision.Accepted ?? throw new Xunit.Sdk.XunitException($"Expected the trigger to be accepted, got {decision}");
}
