using System.Globalization;

namespace SignOff.EndToEnd.Tests.Support;

/// <summary>A page's date field as a person meets it: day, month and year boxes (the day box carries the field's id).</summary>
public static class DateBoxes
{
    /// <summary>Types a date (given as YYYY-MM-DD) into the field's three boxes.</summary>
    public static async Task FillAsync(IPage page, string field, string iso)
    {
        ArgumentNullException.ThrowIfNull(page);
        var date = DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.Locator($"#{field}").FillAsync(date.Day.ToString(CultureInfo.InvariantCulture));
        await page.Locator($"#{field}-month").FillAsync(date.Month.ToString(CultureInfo.InvariantCulture));
        await page.Locator($"#{field}-year").FillAsync(date.Year.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>What the three boxes hold, as "day month year".</summary>
    public static async Task<string> ValueAsync(IPage page, string field)
    {
        ArgumentNullException.ThrowIfNull(page);
        return $"{await page.Locator($"#{field}").InputValueAsync()} {await page.Locator($"#{field}-month").InputValueAsync()} {await page.Locator($"#{field}-year").InputValueAsync()}";
    }
}
