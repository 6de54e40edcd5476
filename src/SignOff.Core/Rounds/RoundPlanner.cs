using SignOff.Core.Calendar;
using SignOff.Core.Definitions;

namespace SignOff.Core.Rounds;

/// <summary>One partner's timetable in a plan.</summary>
/// <param name="Partner">The organisation.</param>
/// <param name="Route">Its governance route id.</param>
/// <param name="DueOn">Its due date.</param>
/// <param name="MeetingOn">Its known meeting, if any.</param>
/// <param name="Reminders">Reminder dates before the due date, then the first overdue reminder.</param>
/// <param name="EarliestDecisionOn">The meeting if known, otherwise the launch date.</param>
/// <param name="CallInEndsOn">The last day of call-in after the earliest decision, when the route has one.</param>
/// <param name="EarliestAuthorisationOn">When the decision may first be implemented.</param>
/// <param name="LateForDueDate">True when authorisation cannot come by the due date.</param>
public sealed record PartnerPlan(
    string Partner,
    string Route,
    DateOnly DueOn,
    DateOnly? MeetingOn,
    IReadOnlyList<PlannedReminder> Reminders,
    DateOnly EarliestDecisionOn,
    DateOnly? CallInEndsOn,
    DateOnly EarliestAuthorisationOn,
    bool LateForDueDate);

/// <summary>A reminder in a plan.</summary>
public sealed record PlannedReminder(DateOnly On, bool Overdue);

/// <summary>A round's timetable, as <c>./signoff plan</c> prints it.</summary>
public sealed record RoundPlan(
    string Title,
    string Reference,
    DateOnly LaunchOn,
    DateOnly Deadline,
    string Calendar,
    IReadOnlyList<PartnerPlan> Partners,
    DateOnly EarliestEffectiveOn);

/// <summary>
/// Works out a round's timetable before launch, with the same rules the engine will keep.
/// </summary>
/// <remarks>
/// The earliest effective date assumes every counterpart arrives the day its partner is
/// authorised: it is a lower bound, useful for spotting a deadline that cannot be met.
/// </remarks>
public static class RoundPlanner
{
    /// <summary>Plans a validated definition launched at an instant.</summary>
    public static RoundPlan Plan(RoundDefinition definition, DateTimeOffset launchAt, BankHolidays holidays)
    {
        var calendar = holidays.CalendarFor(definition.Calendar);
        var schedule = new ReminderSchedule(calendar, definition.Reminders);
        var launchOn = LondonTime.DateOf(launchAt);
        var partners = definition.Partners.Select(p => PlanPartner(p, definition.Deadline, launchAt, launchOn, schedule)).ToList();
        var effective = partners.Count == 0 ? launchOn : partners.Max(p => p.EarliestAuthorisationOn);
        return new RoundPlan(definition.Agreement.Title, definition.Agreement.Reference, launchOn, definition.Deadline,
            definition.Calendar, partners, effective);
    }

    private static PartnerPlan PlanPartner(PartnerDefinition p, DateOnly deadline, DateTimeOffset launchAt, DateOnly launchOn, ReminderSchedule schedule)
    {
        var due = p.DueBy ?? deadline;
        var reminders = new List<PlannedReminder>();
        DateOnly? last = null;
        while (true)
        {
            var (on, overdue) = schedule.NextDecisionReminder(due, last, launchAt);
            reminders.Add(new PlannedReminder(on, overdue));
            if (overdue)
            {
                break;
            }

            last = on;
        }

        var decisionOn = p.Governance.Meeting is { } meeting && meeting > launchOn ? meeting : launchOn;
        DateOnly? callInEnds = p.Governance.Route.HasCallIn
            ? schedule.CallInEndsOn(decisionOn, p.Governance.Route.CallInClearWorkingDays)
            : null;
        var authorisation = callInEnds?.AddDays(1) ?? decisionOn;
        return new PartnerPlan(p.Name, p.Governance.Route.Id, due, p.Governance.Meeting, reminders, decisionOn, callInEnds,
            authorisation, authorisation > due);
    }
}
