using SignOff.Core.Calendar;
using SignOff.Core.Definitions;

namespace SignOff.Cli;

/// <summary>
/// The launch date used to plan or demonstrate a round whose deadline has already passed: a fixed
/// number of working days before its first meeting or due date.
/// </summary>
/// <remarks>
/// The shipped examples are real rounds from 2021 and 2022, so "launch today" would be refused
/// (their deadlines are in the past) and a new developer's first <c>./signoff plan</c> would fail.
/// Taking the date from the definition's own timeline, rather than from the clock, means the plan
/// and the demonstration print the same timetable whatever day they are run, and every meeting
/// still falls after the launch, as it would have in the real round.
/// </remarks>
public static class ReplayLaunch
{
    /// <summary>
    /// Three working weeks: time for invitations to be read and papers to reach each meeting's
    /// agenda, which is how far ahead coordinators in the examples launched.
    /// </summary>
    public const int WorkingDaysBeforeFirstDate = 15;

    /// <summary>The launch date to replay <paramref name="definition"/> from.</summary>
    public static DateOnly For(RoundDefinition definition, BankHolidays holidays)
    {
        var firstDate = definition.Partners
            .SelectMany(p => new[] { p.Governance.Meeting, p.DueBy })
            .OfType<DateOnly>()
            .Append(definition.Deadline)
            .Min();
        return holidays.CalendarFor(definition.Calendar).SubtractWorkingDays(firstDate, WorkingDaysBeforeFirstDate);
    }
}
