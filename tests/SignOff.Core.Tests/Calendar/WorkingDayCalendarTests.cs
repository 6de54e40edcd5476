using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SignOff.Core.Calendar;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Calendar;

public sealed class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar England = BankHolidays.Embedded.CalendarFor("england-and-wales");
    private static readonly WorkingDayCalendar Scotland = BankHolidays.Embedded.CalendarFor("scotland");

    [Fact]
    public void Five_clear_working_days_after_a_decision_on_Thursday_23_July_2020_end_on_Thursday_30_July() =>
        Assert.Equal(D("2020-07-30"), England.AddClearWorkingDays(D("2020-07-23"), 5));

    [Fact]
    public void Clear_working_days_skip_Easter_differently_by_division()
    {
        Assert.Equal(D("2021-04-06"), England.AddClearWorkingDays(D("2021-04-01"), 1));
        Assert.Equal(D("2021-04-05"), Scotland.AddClearWorkingDays(D("2021-04-01"), 1));
        Assert.Equal(D("2021-04-12"), England.AddClearWorkingDays(D("2021-04-01"), 5));
    }

    [Fact]
    public void Ten_day_call_in_over_Christmas()
    {
        // Friday 18 December 2020: 21–24, 29–31 December, 4–6 January (25, 28 December and 1 January are bank holidays).
        Assert.Equal(D("2021-01-06"), England.AddClearWorkingDays(D("2020-12-18"), 10));
    }

    [Fact]
    public void Zero_days_is_the_same_day()
    {
        Assert.Equal(D("2021-05-01"), England.AddClearWorkingDays(D("2021-05-01"), 0));
        Assert.Equal(D("2021-05-01"), England.SubtractWorkingDays(D("2021-05-01"), 0));
    }

    [Fact]
    public void Working_days_before_a_deadline()
    {
        Assert.Equal(D("2021-07-16"), England.SubtractWorkingDays(D("2021-07-30"), 10));
        Assert.Equal(D("2021-05-28"), England.SubtractWorkingDays(D("2021-06-01"), 1));
    }

    [Fact]
    public void Next_working_day()
    {
        Assert.Equal(D("2021-12-29"), England.NextWorkingDayOnOrAfter(D("2021-12-25")));
        Assert.Equal(D("2021-12-29"), England.NextWorkingDayAfter(D("2021-12-24")));
        Assert.Equal(D("2021-12-24"), England.NextWorkingDayOnOrAfter(D("2021-12-24")));
    }

    [Fact]
    public void Dates_beyond_the_data_are_refused_not_guessed()
    {
        var ex = Assert.Throws<CalendarOutOfRangeException>(() => England.AddClearWorkingDays(D("2028-12-28"), 5));
        Assert.StartsWith("2029-01-01 is outside the bank-holiday data, which covers 2018-01-01 to 2028-12-31.", ex.Message);
        Assert.Throws<CalendarOutOfRangeException>(() => England.IsWorkingDay(D("2017-12-31")));
    }

    private static Gen<(DateOnly Date, int Days)> DatesAndCounts =>
        from offset in Gen.Choose(0, 365 * 9)
        from days in Gen.Choose(0, 30)
        select (D("2019-01-01").AddDays(offset), days);

    [Property(MaxTest = 300)]
    public Property Adding_clear_working_days_lands_on_a_working_day_exactly_n_working_days_later() =>
        Prop.ForAll(DatesAndCounts.ToArbitrary(), x =>
        {
            var result = England.AddClearWorkingDays(x.Date, x.Days);
            return (x.Days == 0 ? result == x.Date : England.IsWorkingDay(result) && result > x.Date)
                && England.WorkingDaysBetween(x.Date, result) == x.Days;
        });

    [Property(MaxTest = 300)]
    public Property Subtracting_undoes_adding_from_a_working_day() =>
        Prop.ForAll(DatesAndCounts.ToArbitrary(), x =>
        {
            var start = England.NextWorkingDayOnOrAfter(x.Date);
            return England.SubtractWorkingDays(England.AddClearWorkingDays(start, x.Days), x.Days) == start;
        });

    [Property(MaxTest = 300)]
    public Property Weekends_and_bank_holidays_are_never_working_days() =>
        Prop.ForAll(DatesAndCounts.ToArbitrary(), x =>
            !England.IsWorkingDay(x.Date) == (x.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || BankHolidays.Embedded.IsBankHoliday("england-and-wales", x.Date)));
}
