using SignOff.Core.Calendar;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Calendar;

public sealed class BankHolidaysTests
{
    private static readonly BankHolidays Data = BankHolidays.Embedded;

    [Theory]
    [InlineData("england-and-wales")]
    [InlineData("scotland")]
    [InlineData("northern-ireland")]
    public void Every_division_covers_2018_to_2028(string division)
    {
        Assert.Equal(D("2018-01-01"), Data.CoveredFrom(division));
        Assert.Equal(D("2028-12-31"), Data.CoveredUntil(division));
        foreach (var year in Enumerable.Range(2018, 11))
        {
            Assert.Contains(Data.For(division), h => h.Date.Year == year && h.Title == "Christmas Day");
        }
    }

    [Theory]
    [InlineData("england-and-wales", 2019, 8)]
    [InlineData("england-and-wales", 2022, 10)]
    [InlineData("england-and-wales", 2023, 9)]
    [InlineData("scotland", 2021, 9)]
    [InlineData("northern-ireland", 2024, 10)]
    public void Holidays_per_year(string division, int year, int count) =>
        Assert.Equal(count, Data.For(division).Count(h => h.Date.Year == year));

    [Fact]
    public void England_and_Wales_2020_and_2021_match_the_official_list()
    {
        Assert.Equal(
            ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"],
            Data.For("england-and-wales").Where(h => h.Date.Year == 2020).Select(h => h.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(
            ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"],
            Data.For("england-and-wales").Where(h => h.Date.Year == 2021).Select(h => h.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("england-and-wales", "2020-05-08", "Early May bank holiday (VE day)")]
    [InlineData("england-and-wales", "2022-06-02", "Spring bank holiday")]
    [InlineData("scotland", "2022-06-03", "Platinum Jubilee bank holiday")]
    [InlineData("northern-ireland", "2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II")]
    [InlineData("england-and-wales", "2023-05-08", "Bank holiday for the coronation of King Charles III")]
    [InlineData("scotland", "2022-01-03", "New Year’s Day")]
    [InlineData("scotland", "2022-01-04", "2nd January")]
    [InlineData("scotland", "2025-12-01", "St Andrew’s Day")]
    [InlineData("england-and-wales", "2022-12-27", "Christmas Day")]
    [InlineData("england-and-wales", "2026-12-28", "Boxing Day")]
    [InlineData("northern-ireland", "2020-07-13", "Battle of the Boyne (Orangemen’s Day)")]
    [InlineData("northern-ireland", "2024-03-18", "St Patrick’s Day")]
    [InlineData("scotland", "2021-08-02", "Summer bank holiday")]
    public void One_off_and_substitute_days(string division, string date, string title)
    {
        var holiday = Assert.Single(Data.For(division), h => h.Date == D(date));
        Assert.Equal(title, holiday.Title);
    }

    [Fact]
    public void Divisions_differ_where_the_law_does()
    {
        Assert.True(Data.IsBankHoliday("england-and-wales", D("2021-04-05")));
        Assert.False(Data.IsBankHoliday("scotland", D("2021-04-05")));
        Assert.True(Data.IsBankHoliday("scotland", D("2021-01-04")));
        Assert.False(Data.IsBankHoliday("england-and-wales", D("2021-01-04")));
        Assert.False(Data.IsBankHoliday("england-and-wales", D("2021-08-02")));
    }

    [Theory]
    [InlineData("not json", "Bank-holiday data is not valid JSON:")]
    [InlineData("[]", "Bank-holiday data must be a JSON object keyed by division.")]
    [InlineData("{}", "Bank-holiday data lists no divisions.")]
    [InlineData("""{"x": {"division": "x"}}""", "Division 'x' has no 'events' array.")]
    [InlineData("""{"x": {"events": [{"title": "A", "date": "2021-13-01"}]}}""", "Division 'x' has an event with a missing or invalid date ('2021-13-01').")]
    public void Malformed_data_is_refused_with_a_clear_message(string json, string message)
    {
        var ex = Assert.Throws<BankHolidayDataException>(() => BankHolidays.Parse(json));
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void An_unknown_division_names_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => Data.CalendarFor("wales"));
        Assert.StartsWith("Unknown bank-holiday division 'wales'; known divisions are england-and-wales, northern-ireland, scotland.", ex.Message);
    }

    [Fact]
    public void Refreshed_data_wins_for_the_years_it_covers()
    {
        var refreshed = BankHolidays.Parse("""
            {"england-and-wales": {"division": "england-and-wales", "events": [
              {"title": "New Year’s Day", "date": "2027-01-01", "notes": "", "bunting": true},
              {"title": "A new proclamation", "date": "2027-06-07", "notes": "", "bunting": true}
            ]}}
            """);

        var merged = Data.MergeNewer(refreshed);

        Assert.True(merged.IsBankHoliday("england-and-wales", D("2027-06-07")));
        Assert.False(merged.IsBankHoliday("england-and-wales", D("2027-12-27")));
        Assert.True(merged.IsBankHoliday("england-and-wales", D("2026-12-25")));
        Assert.True(merged.IsBankHoliday("scotland", D("2027-11-30")));
    }
}
