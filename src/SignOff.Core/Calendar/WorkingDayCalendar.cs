using System.Collections.Frozen;
using System.Globalization;

namespace SignOff.Core.Calendar;

/// <summary>A date falls outside the years the bank-holiday data covers.</summary>
/// <remarks>
/// An <see cref="ArgumentOutOfRangeException"/> because the caller asked about a date the
/// calendar cannot answer for; the remedy is newer data (a refresh), not a retry.
/// </remarks>
public sealed class CalendarOutOfRangeException(string paramName, DateOnly date, DateOnly from, DateOnly until)
    : ArgumentOutOfRangeException(paramName, date,
        string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} is outside the bank-holiday data, which covers {from:yyyy-MM-dd} to {until:yyyy-MM-dd}."))
{
    /// <summary>The date that could not be classified.</summary>
    public DateOnly Date { get; } = date;

    /// <summary>The first date the data covers.</summary>
    public DateOnly CoveredFrom { get; } = from;

    /// <summary>The last date the data covers.</summary>
    public DateOnly CoveredUntil { get; } = until;
}

/// <summary>
/// One division's working days: Monday to Friday, less bank holidays.
/// </summary>
/// <remarks>
/// Beyond the years the bank-holiday data covers the calendar throws
/// <see cref="CalendarOutOfRangeException"/> rather than guess: treating an unknown bank holiday
/// as a working day would shorten a call-in period and authorise a decision before it may
/// lawfully be implemented. Every method that has to classify a date outside the coverage throws,
/// including when counting runs past its end.
/// </remarks>
public sealed class WorkingDayCalendar
{
    private readonly FrozenSet<DateOnly> holidays;
    private readonly DateOnly from;
    private readonly DateOnly until;

    internal WorkingDayCalendar(string division, FrozenSet<DateOnly> holidays, DateOnly from, DateOnly until)
    {
        Division = division;
        this.holidays = holidays;
        this.from = from;
        this.until = until;
    }

    /// <summary>The bank-holiday division, e.g. <c>england-and-wales</c>.</summary>
    public string Division { get; }

    /// <summary>True for a weekday that is not a bank holiday.</summary>
    /// <exception cref="CalendarOutOfRangeException">The date is outside the data's coverage.</exception>
    public bool IsWorkingDay(DateOnly date)
    {
        Check(date);
        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(date);
    }

    /// <summary>
    /// The n-th working day strictly after <paramref name="from"/>: "N clear working days after a
    /// decision" excludes the decision day itself, weekends and bank holidays. n = 0 returns the
    /// date unchanged.
    /// </summary>
    /// <exception cref="CalendarOutOfRangeException">Counting would run outside the data's coverage.</exception>
    public DateOnly AddClearWorkingDays(DateOnly from, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var date = from;
        for (var counted = 0; counted < n;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date))
            {
                counted++;
            }
        }

        return date;
    }

    /// <summary>The n-th working day strictly before a date; n = 0 returns the date unchanged.</summary>
    public DateOnly SubtractWorkingDays(DateOnly from, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var date = from;
        for (var counted = 0; counted < n;)
        {
            date = date.AddDays(-1);
            if (IsWorkingDay(date))
            {
                counted++;
            }
        }

        return date;
    }

    /// <summary>The first working day strictly after a date.</summary>
    public DateOnly NextWorkingDayAfter(DateOnly date) => AddClearWorkingDays(date, 1);

    /// <summary>The number of working days in (fromExclusive, toInclusive]; 0 when to ≤ from.</summary>
    public int WorkingDaysBetween(DateOnly fromExclusive, DateOnly toInclusive)
    {
        var count = 0;
        for (var d = fromExclusive.AddDays(1); d <= toInclusive; d = d.AddDays(1))
        {
            if (IsWorkingDay(d))
            {
                count++;
            }
        }

        return count;
    }

    private void Check(DateOnly date)
    {
        if (date < from || date > until)
        {
            throw new CalendarOutOfRangeException(nameof(date), date, from, until);
        }
    }
}
