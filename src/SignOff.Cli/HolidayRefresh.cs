using SignOff.Core.Calendar;

namespace SignOff.Cli;

/// <summary>
/// Refreshes the bank-holiday data from the official gov.uk source (or any URL serving the same
/// format), when configured and reachable.
/// </summary>
/// <remarks>
/// The shipped copy is always the fallback: a download that fails or does not parse leaves it
/// untouched, and refreshed data only replaces the years it covers, so old rounds keep their
/// history. The result is written to a file the host can load at start-up.
/// </remarks>
internal static class HolidayRefresh
{
    public const string OfficialSource = "https://www.gov.uk/bank-holidays.json";

    public static async Task<int> RunAsync(string source, string target, TextWriter output, TextWriter errors, HttpMessageHandler? handler = null)
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.Timeout = TimeSpan.FromSeconds(20);
        string json;
        try
        {
            json = await http.GetStringAsync(new Uri(source));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await errors.WriteLineAsync($"signoff: could not fetch bank holidays from {source}: {ex.Message}. The shipped data (2018–2028) stays in use.");
            return 1;
        }

        BankHolidays refreshed;
        BankHolidays merged;
        try
        {
            refreshed = BankHolidays.Parse(json);
            merged = BankHolidays.Embedded.MergeNewer(refreshed);
        }
        catch (BankHolidayDataException ex)
        {
            await errors.WriteLineAsync($"signoff: {source} did not return bank-holiday data: {ex.Message}. The shipped data stays in use.");
            return 1;
        }

        await File.WriteAllTextAsync(target, merged.ToJson());
        var years = string.Join(", ", refreshed.Divisions.Order(StringComparer.Ordinal)
            .Select(d => $"{d} {refreshed.CoveredFrom(d).Year}–{refreshed.CoveredUntil(d).Year}"));
        await output.WriteLineAsync($"Refreshed bank holidays from {source} ({years}); wrote {target}.");
        return 0;
    }
}
