using SignOff.Testing;
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

    [Fact]
    public void Division_specific_days_count_only_in_their_division()
    {
        var northernIreland = BankHolidays.Embedded.CalendarFor("northern-ireland");

        // St Andrew's Day 2025 (Sunday 30 November) is observed on Monday 1 December in Scotland only.
        Assert.Equal(D("2025-12-02"), Scotland.AddClearWorkingDays(D("2025-11-28"), 1));
        Assert.Equal(D("2025-12-01"), England.AddClearWorkingDays(D("2025-11-28"), 1));
        // The Twelfth 2025 (a Saturday) is observed on Monday 14 July in Northern Ireland only.
        Assert.Equal(D("2025-07-15"), northernIreland.AddClearWorkingDays(D("2025-07-11"), 1));
        Assert.Equal(D("2025-07-14"), England.AddClearWorkingDays(D("2025-07-11"), 1));
        // Scotland's first-Monday-in-August summer holiday.
        Assert.False(Scotland.IsWorkingDay(D("2024-08-05")));
        Assert.True(England.IsWorkingDay(D("2024-08-05")));
        Assert.Equal("scotland", Scotland.Division);
    }

    [Fact]
    public void Counting_working_days_between_dates()
    {
        Assert.Equal(5, England.WorkingDaysBetween(D("2020-07-23"), D("2020-07-30")));
        Assert.Equal(0, England.WorkingDaysBetween(D("2020-07-30"), D("2020-07-23")));
        Assert.Equal(0, England.WorkingDaysBetween(D("2021-12-24"), D("2021-12-28")));
        // 2023 has 260 weekdays, 9 of them bank holidays in England and Wales.
        Assert.Equal(251, England.WorkingDaysBetween(D("2022-12-31"), D("2023-12-31")));
    }

    [Fact]
    public void Out_of_range_is_an_argument_out_of_range_that_names_the_date_and_the_coverage()
    {
        var ex = Assert.Throws<CalendarOutOfRangeException>(() => England.SubtractWorkingDays(D("2018-01-02"), 1));
        Assert.IsAssignableFrom<ArgumentOutOfRangeException>(ex);
        Assert.StartsWith("2017-12-31 is outside the bank-holiday data, which covers 2018-01-01 to 2028-12-31.", ex.Message);
        Assert.Equal((D("2017-12-31"), D("2018-01-01"), D("2028-12-31")), (ex.Date, ex.CoveredFrom, ex.CoveredUntil));
        Assert.Throws<CalendarOutOfRangeException>(() => England.WorkingDaysBetween(D("2028-12-01"), D("2029-01-31")));
        Assert.Throws<CalendarOutOfRangeException>(() => England.NextWorkingDayOnOrAfter(D("2029-01-01")));
        Assert.Equal(D("2028-12-27"), England.NextWorkingDayAfter(D("2028-12-22")));
    }

    [Fact]
    public void A_negative_count_is_a_programming_error()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => England.AddClearWorkingDays(D("2021-05-04"), -1));
        Assert.IsNotType<CalendarOutOfRangeException>(ex);
        Assert.Throws<ArgumentOutOfRangeException>(() => England.SubtractWorkingDays(D("2021-05-04"), -1));
    }

    private static Gen<(WorkingDayCalendar Calendar, DateOnly Date, int Days)> CalendarsDatesAndCounts =>
        from division in Gen.Elements(BankHolidays.KnownDivisions.ToArray())
        from x in DatesAndCounts
        select (BankHolidays.Embedded.CalendarFor(division), x.Date, x.Days);

    [Property(MaxTest = 300)]
    public Property In_every_division_the_result_is_the_first_date_with_n_working_days_after_the_start() =>
        Prop.ForAll(CalendarsDatesAndCounts.ToArbitrary(), x =>
        {
            var result = x.Calendar.AddClearWorkingDays(x.Date, x.Days);
            var exact = x.Calendar.WorkingDaysBetween(x.Date, result) == x.Days;
            var first = x.Days == 0 || x.Calendar.WorkingDaysBetween(x.Date, result.AddDays(-1)) == x.Days - 1;
            return exact && first;
        });

    [Property(MaxTest = 300)]
    public Property Next_working_day_agrees_with_adding_one() =>
        Prop.ForAll(CalendarsDatesAndCounts.ToArbitrary(), x =>
        {
            var next = x.Calendar.NextWorkingDayAfter(x.Date);
            var onOrAfter = x.Calendar.NextWorkingDayOnOrAfter(x.Date);
            return next == x.Calendar.AddClearWorkingDays(x.Date, 1)
                && (onOrAfter == x.Date ? x.Calendar.IsWorkingDay(x.Date) : onOrAfter == next)
                && x.Calendar.SubtractWorkingDays(next, 1) <= x.Date;
        });
}
