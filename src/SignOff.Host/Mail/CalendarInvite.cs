using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using SignOff.Core.Rounds;

namespace SignOff.Host.Mail;

/// <summary>
/// An <c>.ics</c> attachment with the partner's due date and any known meeting, as all-day events.
/// </summary>
/// <remarks>
/// Event UIDs are stable per round and partner, so a later email's calendar updates the entry
/// an officer already accepted instead of adding another.
/// </remarks>
public static class CalendarInvite
{
    public const string ContentType = "text/calendar";

    /// <summary>The calendar text, or null when the notification has no dates to offer.</summary>
    public static string? For(Notification n)
    {
        if (!n.AttachCalendar || n.DueOn is null)
        {
            return null;
        }

        var calendar = new Calendar { ProductId = "-//SignOff//Sign-off rounds//EN" };
        calendar.AddProperty("METHOD", "PUBLISH");
        var who = n.OrganisationName ?? "Partner";
        calendar.Events.Add(AllDay(n.DueOn.Value, $"{n.AgreementTitle}: {who}'s decision due",
            $"{who}'s decision on {n.AgreementTitle} ({n.AgreementReference}) is due.", $"{n.RoundId}-{n.PartnerId}-due@signoff"));
        if (n.MeetingOn is { } meeting)
        {
            calendar.Events.Add(AllDay(meeting, $"{n.AgreementTitle}: {who} meeting",
                $"The meeting at which {who} decides on {n.AgreementTitle} ({n.AgreementReference}).", $"{n.RoundId}-{n.PartnerId}-meeting@signoff"));
        }

        return new CalendarSerializer().SerializeToString(calendar);
    }

    private static CalendarEvent AllDay(DateOnly date, string summary, string description, string uid) => new()
    {
        Uid = uid,
        Summary = summary,
        Description = description,
        DtStart = new CalDateTime(date.Year, date.Month, date.Day),
        DtEnd = new CalDateTime(date.AddDays(1).Year, date.AddDays(1).Month, date.AddDays(1).Day),
        Transparency = TransparencyType.Transparent,
    };
}
