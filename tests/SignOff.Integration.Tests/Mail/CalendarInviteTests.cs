using Ical.Net;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Mail;

namespace SignOff.Integration.Tests.Mail;

public sealed class CalendarInviteTests
{
    private static Notification Invitation(DateOnly? meeting, bool attach = true) => new(
        NotificationKind.Invitation,
        [new Recipient(new Person("Jo Bloggs", "jo@maldon.example"), RecipientRole.Officer)],
        "round-1", "Mid Essex Alliance MoU", "MEA-MOU-2021", 1, new string('b', 64),
        PartnerId: "maldon-district-council", OrganisationName: "Maldon District Council",
        DueOn: new DateOnly(2021, 7, 30), MeetingOn: meeting, AttachCalendar: attach);

    [Fact]
    public void The_due_date_and_meeting_are_all_day_events_with_stable_ids()
    {
        var ics = CalendarInvite.For(Invitation(new DateOnly(2021, 6, 30)))!;

        var calendar = Calendar.Load(ics)!;
        var events = calendar.Events.OrderBy(e => e.DtStart!.Date).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(new DateOnly(2021, 6, 30), events[0].DtStart!.Date);
        Assert.Equal("round-1-maldon-district-council-meeting@signoff", events[0].Uid);
        Assert.Equal(new DateOnly(2021, 7, 30), events[1].DtStart!.Date);
        Assert.False(events[1].DtStart!.HasTime);
        Assert.Equal("Mid Essex Alliance MoU: Maldon District Council's decision due", events[1].Summary);
        Assert.Equal("round-1-maldon-district-council-due@signoff", events[1].Uid);
    }

    [Fact]
    public void No_calendar_when_the_notification_does_not_ask_for_one()
    {
        Assert.Null(CalendarInvite.For(Invitation(null, attach: false)));
        Assert.Single(Calendar.Load(CalendarInvite.For(Invitation(null))!)!.Events);
    }
}
