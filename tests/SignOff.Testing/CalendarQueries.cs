using SignOff.Core.Calendar;

namespace SignOff.Testing;

/// <summary>
/// Questions the tests ask of the calendar that SignOff itself never needs to: kept here, not in
/// the core, so the production types carry only what production uses.
/// </summary>
public static class CalendarQueries
{
    /// <summary>True when a date is a bank holiday in a division.</summary>
    public static bool IsBankHoliday(this BankHolidays holidays, string division, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        return holidays.For(division).Any(h => h.Date == date);
    }

    /// <summary>The date itself when it is a working day, otherwise the next one.</summary>
    public static DateOnly NextWorkingDayOnOrAfter(this WorkingDayCalendar calendar, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        while (!calendar.IsWorkingDay(date))
        {
            date = date.AddDays(1);
        }

        return date;
    }
}
