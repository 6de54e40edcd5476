using SignOff.Testing;
using SignOff.Core.Calendar;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Calendar;

public sealed class BankHolidaysTests
{
    private static readonly BankHolidays Data = BankHolidays.Embedded;
    private static readonly string[] OfficialNotes = ["", "Substitute day"];
    private static readonly DayOfWeek[] DaysBeforeASubstitute = [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday];

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
    [InlineData("""{"x": 1}""", "Division 'x' has no 'events' array.")]
    [InlineData("""{"x": {"events": []}}""", "Division 'x' lists no bank holidays.")]
    [InlineData("""{"x": {"events": [1]}}""", "Division 'x' has an event that is not an object (Number).")]
    [InlineData("""{"x": {"events": [{"title": "A"}]}}""", "Division 'x' has an event with a missing or invalid date ('').")]
    [InlineData("""{"x": {"events": [{"title": "A", "date": 20210101}]}}""", "Division 'x' has an event whose 'date' is not a string (Number).")]
    [InlineData("""{"x": {"events": [{"title": 7, "date": "2021-01-01"}]}}""", "Division 'x' has an event whose 'title' is not a string (Number).")]
    [InlineData("""{"x": {"events": [{"title": "A", "date": "2021-01-01"}, {"title": "B", "date": "2021-01-01"}]}}""", "Division 'x' lists 2021-01-01 more than once (A, B).")]
    [InlineData("""{"x": {"events": [{"title": "A", "date": "2021-01-01"}, {"title": "B", "date": "2024-01-01"}]}}""", "Division 'x' has no bank holidays in 2022, 2023, between 2021 and 2024; the data must cover whole consecutive years.")]
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

    [Theory]
    [InlineData("england-and-wales", 8)]
    [InlineData("scotland", 9)]
    [InlineData("northern-ireland", 10)]
    public void Every_year_has_the_statutory_count_plus_the_one_off_days(string division, int usual)
    {
        foreach (var year in Enumerable.Range(2018, 11))
        {
            // 2022: Platinum Jubilee and the State Funeral; 2023: the Coronation. VE Day 2020 moved a day rather than adding one.
            var expected = usual + year switch { 2022 => 2, 2023 => 1, _ => 0 };
            Assert.True(expected == Data.For(division).Count(h => h.Date.Year == year), $"{division} {year}");
        }
    }

    [Theory]
    [InlineData(2018, "2018-04-01")]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2020, "2020-04-12")]
    [InlineData(2021, "2021-04-04")]
    [InlineData(2022, "2022-04-17")]
    [InlineData(2023, "2023-04-09")]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2028, "2028-04-16")]
    public void Easter_holidays_hang_off_Easter_Sunday(int year, string easterSunday)
    {
        var easter = D(easterSunday);
        foreach (var division in BankHolidays.KnownDivisions)
        {
            Assert.Equal(easter.AddDays(-2), Assert.Single(Data.For(division), h => h.Date.Year == year && h.Title == "Good Friday").Date);
        }

        Assert.Equal(easter.AddDays(1), Assert.Single(Data.For("england-and-wales"), h => h.Date.Year == year && h.Title == "Easter Monday").Date);
        Assert.Equal(easter.AddDays(1), Assert.Single(Data.For("northern-ireland"), h => h.Date.Year == year && h.Title == "Easter Monday").Date);
        Assert.DoesNotContain(Data.For("scotland"), h => h.Title == "Easter Monday");
    }

    [Fact]
    public void The_one_off_days_are_in_every_division()
    {
        foreach (var division in BankHolidays.KnownDivisions)
        {
            Assert.True(Data.IsBankHoliday(division, D("2020-05-08")), division);
            Assert.False(Data.IsBankHoliday(division, D("2020-05-04")), division);
            Assert.True(Data.IsBankHoliday(division, D("2022-06-02")), division);
            Assert.True(Data.IsBankHoliday(division, D("2022-06-03")), division);
            Assert.False(Data.IsBankHoliday(division, D("2022-05-30")), division);
            Assert.True(Data.IsBankHoliday(division, D("2022-09-19")), division);
            Assert.True(Data.IsBankHoliday(division, D("2023-05-08")), division);
        }
    }

    [Theory]
    [InlineData("england-and-wales", "2021-12-27", "Christmas Day")]
    [InlineData("england-and-wales", "2021-12-28", "Boxing Day")]
    [InlineData("scotland", "2022-01-03", "New Year’s Day")]
    [InlineData("scotland", "2022-01-04", "2nd January")]
    [InlineData("scotland", "2023-01-02", "New Year’s Day")]
    [InlineData("scotland", "2023-01-03", "2nd January")]
    [InlineData("scotland", "2025-12-01", "St Andrew’s Day")]
    [InlineData("scotland", "2024-12-02", "St Andrew’s Day")]
    [InlineData("england-and-wales", "2026-12-28", "Boxing Day")]
    [InlineData("northern-ireland", "2025-07-14", "Battle of the Boyne (Orangemen’s Day)")]
    [InlineData("northern-ireland", "2018-03-19", "St Patrick’s Day")]
    public void Weekend_holidays_move_to_a_substitute_day(string division, string date, string title)
    {
        var holiday = Assert.Single(Data.For(division), h => h.Date == D(date));
        Assert.Equal(new BankHoliday(D(date), title, "Substitute day"), holiday);
    }

    [Fact]
    public void No_bank_holiday_falls_on_a_weekend_and_every_substitute_follows_one()
    {
        foreach (var division in BankHolidays.KnownDivisions)
        {
            foreach (var holiday in Data.For(division))
            {
                Assert.False(holiday.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday, $"{division} {holiday}");
                if (holiday.Notes == "Substitute day")
                {
                    Assert.Contains(holiday.Date.AddDays(-1).DayOfWeek, DaysBeforeASubstitute);
                }
            }
        }
    }

    [Fact]
    public void The_embedded_file_is_in_the_official_format()
    {
        using var stream = typeof(BankHolidays).Assembly.GetManifestResourceStream("SignOff.Core.bank-holidays.json")!;
        using var doc = System.Text.Json.JsonDocument.Parse(stream);
        Assert.Equal(["england-and-wales", "scotland", "northern-ireland"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var division in doc.RootElement.EnumerateObject())
        {
            Assert.Equal(division.Name, division.Value.GetProperty("division").GetString());
            var events = division.Value.GetProperty("events").EnumerateArray().ToList();
            var dates = events.Select(e => e.GetProperty("date").GetString()!).ToList();
            Assert.Equal(dates.Order(StringComparer.Ordinal), dates);
            Assert.All(events, e =>
            {
                Assert.Equal(["title", "date", "notes", "bunting"], e.EnumerateObject().Select(p => p.Name));
                Assert.Contains(e.GetProperty("notes").GetString(), OfficialNotes);
            });
        }

        Assert.False(Assert.Single(Data.For("scotland"), h => h.Date == D("2021-04-02")).Bunting);
    }

    [Fact]
    public void Writing_out_and_reading_back_gives_the_same_data()
    {
        var again = BankHolidays.Parse(Data.ToJson());

        foreach (var division in BankHolidays.KnownDivisions)
        {
            Assert.Equal(Data.For(division), again.For(division));
        }

        Assert.Contains("\"title\": \"St Andrew’s Day\"", Data.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Merging_keeps_divisions_only_one_side_has()
    {
        var refreshed = BankHolidays.Parse("""
            {"isle-of-somewhere": {"division": "isle-of-somewhere", "events": [
              {"title": "New Year’s Day", "date": "2030-01-01", "notes": "", "bunting": true}
            ]}}
            """);

        var merged = Data.MergeNewer(refreshed);

        Assert.Equal(["england-and-wales", "isle-of-somewhere", "northern-ireland", "scotland"], merged.Divisions.Order(StringComparer.Ordinal));
        Assert.Equal(Data.For("scotland"), merged.For("scotland"));
        Assert.Equal(D("2030-12-31"), merged.CoveredUntil("isle-of-somewhere"));
    }

    [Fact]
    public void Refreshed_data_extends_coverage_when_it_follows_on()
    {
        var refreshed = BankHolidays.Parse("""
            {"england-and-wales": {"division": "england-and-wales", "events": [
              {"title": "Christmas Day", "date": "2028-12-25", "notes": "", "bunting": true},
              {"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true}
            ]}}
            """);

        var merged = Data.MergeNewer(refreshed);

        Assert.Equal(D("2018-01-01"), merged.CoveredFrom("england-and-wales"));
        Assert.Equal(D("2029-12-31"), merged.CoveredUntil("england-and-wales"));
        Assert.False(merged.IsBankHoliday("england-and-wales", D("2028-12-26")));
        Assert.Equal(D("2029-01-02"), merged.CalendarFor("england-and-wales").NextWorkingDayAfter(D("2028-12-31")));
        Assert.Equal(D("2028-12-31"), merged.CoveredUntil("scotland"));
    }

    [Fact]
    public void Refreshed_data_that_leaves_a_gap_is_refused()
    {
        var refreshed = BankHolidays.Parse("""
            {"scotland": {"division": "scotland", "events": [
              {"title": "New Year’s Day", "date": "2030-01-01", "notes": "", "bunting": true}
            ]}}
            """);

        var ex = Assert.Throws<BankHolidayDataException>(() => Data.MergeNewer(refreshed));
        Assert.Equal("Division 'scotland' has no bank holidays in 2029, between 2018 and 2030; the data must cover whole consecutive years.", ex.Message);
    }

    [Fact]
    public void Unknown_divisions_are_refused_everywhere()
    {
        Assert.Throws<ArgumentException>(() => Data.For("wales"));
        Assert.Throws<ArgumentException>(() => Data.IsBankHoliday("wales", D("2021-01-01")));
        Assert.Throws<ArgumentException>(() => Data.CoveredUntil("wales"));
        Assert.Equal("division", Assert.Throws<ArgumentException>(() => Data.CalendarFor("wales")).ParamName);
    }
}
