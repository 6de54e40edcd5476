using SignOff.Core.Calendar;
using SignOff.Core.Definitions;

namespace SignOff.Core.Rounds;

/// <summary>
/// When reminders, chases, call-in ends and digests fall: the one place that turns a round's
/// policy into dates.
/// </summary>
/// <remarks>
/// The engine and <c>./signoff plan</c> both use it, so the timetable a coordinator checks
/// before launch is the one the round then keeps. Every reminder date is a working day.
/// </remarks>
public sealed class ReminderSchedule(WorkingDayCalendar calendar, ReminderPolicy policy)
{
    /// <summary>London wall-clock time at which reminders and chases go out.</summary>
    public static readonly TimeOnly ReminderTime = new(9, 0);

    /// <summary>London wall-clock time at which the day's escalation goes out.</summary>
    /// <remarks>Half an hour after the reminders, so the overdue reminders of that morning have all fired and one email can list every partner that fell overdue.</remarks>
    public static readonly TimeOnly EscalationTime = new(9, 30);

    /// <summary>London wall-clock time at which digests go out.</summary>
    public static readonly TimeOnly DigestTime = new(8, 0);

    /// <summary>The calendar in use.</summary>
    public WorkingDayCalendar Calendar => calendar;

    /// <summary>The reminders before a due date, earliest first, as (date, working days left).</summary>
    public IEnumerable<(DateOnly On, int WorkingDaysLeft)> BeforeDue(DateOnly dueOn) =>
        policy.Before.Distinct().OrderByDescending(k => k).Select(k => (calendar.SubtractWorkingDays(dueOn, k), k));

    /// <summary>The first overdue reminder: the first working day after the due date.</summary>
    public DateOnly FirstOverdue(DateOnly dueOn) => calendar.NextWorkingDayAfter(dueOn);

    /// <summary>
    /// The next decision reminder for a partner: the earliest scheduled date after the last one
    /// sent whose 09:00 London is after <paramref name="now"/>.
    /// </summary>
    public (DateOnly On, bool Overdue) NextDecisionReminder(DateOnly dueOn, DateOnly? lastSentOn, DateTimeOffset now)
    {
        foreach (var (on, _) in BeforeDue(dueOn))
        {
            if (IsUsable(on, lastSentOn, now))
            {
                return (on, false);
            }
        }

        var overdue = FirstOverdue(dueOn);
        while (!IsUsable(overdue, lastSentOn, now))
        {
            overdue = calendar.AddClearWorkingDays(overdue, policy.OverdueEvery);
        }

        return (overdue, true);
    }

    /// <summary>The next counterpart chase: every N working days after authorisation or the last chase.</summary>
    public DateOnly NextCounterpartChase(DateOnly authorisedOn, DateOnly? lastChaseOn, DateTimeOffset now)
    {
        var on = calendar.AddClearWorkingDays(lastChaseOn ?? authorisedOn, policy.OverdueEvery);
        while (LondonTime.At(on, ReminderTime) <= now)
        {
            on = calendar.AddClearWorkingDays(on, policy.OverdueEvery);
        }

        return on;
    }

    /// <summary>The last day of a call-in period of N clear working days after a decision.</summary>
    public DateOnly CallInEndsOn(DateOnly decidedOn, int clearWorkingDays) =>
        calendar.AddClearWorkingDays(decidedOn, clearWorkingDays);

    /// <summary>Working days from a date (exclusive) to a due date (inclusive); negative when overdue.</summary>
    public int WorkingDaysLeft(DateOnly from, DateOnly dueOn) =>
        dueOn >= from ? calendar.WorkingDaysBetween(from, dueOn) : -calendar.WorkingDaysBetween(dueOn, from);

    /// <summary>The next digest date after the last one (or launch) whose 08:00 London is after now; null for none.</summary>
    public DateOnly? NextDigest(DigestSchedule digest, DateOnly after, DateTimeOffset now)
    {
        if (digest.Frequency == DigestFrequency.None)
        {
            return null;
        }

        var on = after.AddDays(1);
        while (true)
        {
            var due = digest.Frequency == DigestFrequency.Weekly ? on.DayOfWeek == digest.Day : calendar.IsWorkingDay(on);
            if (due && LondonTime.At(on, DigestTime) > now)
            {
                return on;
            }

            on = on.AddDays(1);
        }
    }

    private static bool IsUsable(DateOnly on, DateOnly? lastSentOn, DateTimeOffset now) =>
        (lastSentOn is null || on > lastSentOn) && LondonTime.At(on, ReminderTime) > now;
}
