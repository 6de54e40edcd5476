using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace SignOff.Core.Calendar;

/// <summary>One bank holiday.</summary>
public sealed record BankHoliday(DateOnly Date, string Title, string Notes);

/// <summary>The bank-holiday data is malformed.</summary>
public sealed class BankHolidayDataException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Bank holidays by division, read from the official gov.uk <c>bank-holidays.json</c> format.
/// </summary>
/// <remarks>
/// A copy covering 2018–2028 ships embedded in this assembly, so working days never depend on
/// the network. A host may fetch the official file and <see cref="MergeNewer"/> it in; the core
/// itself never does I/O.
/// </remarks>
public sealed class BankHolidays
{
    /// <summary>The divisions gov.uk publishes.</summary>
    public static IReadOnlyList<string> KnownDivisions { get; } = ["england-and-wales", "scotland", "northern-ireland"];

    private static readonly Lazy<BankHolidays> EmbeddedCopy = new(LoadEmbedded);

    // Relaxed escaping keeps typographic apostrophes ("New Year’s Day") readable, as gov.uk writes them.
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly FrozenDictionary<string, IReadOnlyList<BankHoliday>> byDivision;
    private readonly FrozenDictionary<string, FrozenSet<DateOnly>> dates;
    private readonly FrozenDictionary<string, (int First, int Last)> years;

    private BankHolidays(Dictionary<string, IReadOnlyList<BankHoliday>> holidays)
    {
        byDivision = holidays.ToFrozenDictionary(StringComparer.Ordinal);
        dates = holidays.ToFrozenDictionary(h => h.Key, h => h.Value.Select(x => x.Date).ToFrozenSet(), StringComparer.Ordinal);
        years = holidays.ToFrozenDictionary(h => h.Key, h => (h.Value.Min(x => x.Date.Year), h.Value.Max(x => x.Date.Year)), StringComparer.Ordinal);
    }

    /// <summary>The copy shipped with SignOff.</summary>
    public static BankHolidays Embedded => EmbeddedCopy.Value;

    /// <summary>The divisions in this data.</summary>
    public IReadOnlyCollection<string> Divisions => byDivision.Keys;

    /// <summary>Parses the gov.uk format.</summary>
    /// <exception cref="BankHolidayDataException">The text is not valid bank-holiday data.</exception>
    public static BankHolidays Parse(string json)
    {
        var result = new Dictionary<string, IReadOnlyList<BankHoliday>>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BankHolidayDataException("Bank-holiday data must be a JSON object keyed by division.");
            }

            foreach (var division in doc.RootElement.EnumerateObject())
            {
                if (!division.Value.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
                {
                    throw new BankHolidayDataException($"Division '{division.Name}' has no 'events' array.");
                }

                var list = new List<BankHoliday>();
                foreach (var e in events.EnumerateArray())
                {
                    var date = e.TryGetProperty("date", out var d) ? d.GetString() : null;
                    if (date is null || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                    {
                        throw new BankHolidayDataException($"Division '{division.Name}' has an event with a missing or invalid date ('{date}').");
                    }

                    var title = e.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
                    var notes = e.TryGetProperty("notes", out var n) ? n.GetString() ?? "" : "";
                    list.Add(new BankHoliday(parsed, title, notes));
                }

                if (list.Count == 0)
                {
                    throw new BankHolidayDataException($"Division '{division.Name}' lists no bank holidays.");
                }

                result[division.Name] = [.. list.OrderBy(x => x.Date)];
            }
        }
        catch (JsonException ex)
        {
            throw new BankHolidayDataException($"Bank-holiday data is not valid JSON: {ex.Message}", ex);
        }

        if (result.Count == 0)
        {
            throw new BankHolidayDataException("Bank-holiday data lists no divisions.");
        }

        return new BankHolidays(result);
    }

    /// <summary>True when a date is a bank holiday in a division.</summary>
    public bool IsBankHoliday(string division, DateOnly date) => Dates(division).Contains(date);

    /// <summary>A division's bank holidays, in date order.</summary>
    public IReadOnlyList<BankHoliday> For(string division) =>
        byDivision.TryGetValue(division, out var list) ? list : throw UnknownDivision(division);

    /// <summary>The first date the data covers for a division (1 January of its first year).</summary>
    public DateOnly CoveredFrom(string division) => new(Years(division).First, 1, 1);

    /// <summary>The last date the data covers for a division (31 December of its last year).</summary>
    public DateOnly CoveredUntil(string division) => new(Years(division).Last, 12, 31);

    /// <summary>The working-day calendar of a division.</summary>
    public WorkingDayCalendar CalendarFor(string division) =>
        new(division, Dates(division), CoveredFrom(division), CoveredUntil(division));

    /// <summary>
    /// Combines refreshed data with this: within the years the refreshed data covers, its dates
    /// win (a new proclamation); outside them, this data stands.
    /// </summary>
    public BankHolidays MergeNewer(BankHolidays refreshed)
    {
        var merged = new Dictionary<string, IReadOnlyList<BankHoliday>>(StringComparer.Ordinal);
        foreach (var division in Divisions.Union(refreshed.Divisions))
        {
            if (!refreshed.byDivision.TryGetValue(division, out var fresh))
            {
                merged[division] = byDivision[division];
                continue;
            }

            var (first, last) = refreshed.years[division];
            var kept = byDivision.TryGetValue(division, out var old)
                ? old.Where(h => h.Date.Year < first || h.Date.Year > last)
                : [];
            merged[division] = [.. kept.Concat(fresh).OrderBy(h => h.Date)];
        }

        return new BankHolidays(merged);
    }

    /// <summary>Writes the data back out in the gov.uk format.</summary>
    public string ToJson()
    {
        var document = byDivision.OrderBy(d => d.Key, StringComparer.Ordinal).ToDictionary(
            d => d.Key,
            d => new
            {
                division = d.Key,
                events = d.Value.Select(h => new { title = h.Title, date = h.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), notes = h.Notes }),
            });
        return JsonSerializer.Serialize(document, WriteOptions);
    }

    private FrozenSet<DateOnly> Dates(string division) =>
        dates.TryGetValue(division, out var set) ? set : throw UnknownDivision(division);

    private (int First, int Last) Years(string division) =>
        years.TryGetValue(division, out var y) ? y : throw UnknownDivision(division);

    private ArgumentException UnknownDivision(string division) =>
        new($"Unknown bank-holiday division '{division}'; known divisions are {string.Join(", ", Divisions.Order(StringComparer.Ordinal))}.", nameof(division));

    private static BankHolidays LoadEmbedded()
    {
        using var stream = typeof(BankHolidays).Assembly.GetManifestResourceStream("SignOff.Core.bank-holidays.json")
            ?? throw new BankHolidayDataException("The embedded bank-holiday data is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
