using System.Globalization;
using SignOff.Core.Rounds;

namespace SignOff.Core.Wording;

/// <summary>
/// How SignOff writes dates and times for people: British English, the day before the month,
/// e.g. "3 March 2027".
/// </summary>
/// <remarks>
/// Pages, emails, the completion pack, the coordinator's timeline, the engine's refusals and the
/// command line all write dates through here, so a date reads the same wherever a person meets
/// it, and the culture is fixed rather than the server's: SignOff's partnerships are in the UK,
/// whatever machine it runs on.
/// </remarks>
public static class UkDates
{
    /// <summary>What a table cell or a record shows for a date not (yet) known.</summary>
    public const string None = "—";

    private const string LongFormat = "d MMMM yyyy";

    /// <summary>British English (en-GB), for the compact forms only the command line uses (its plan table and demo log).</summary>
    public static CultureInfo Culture { get; } = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>A date in full, e.g. "3 March 2027".</summary>
    public static string Long(DateOnly date) => date.ToString(LongFormat, Culture);

    /// <summary>A date in full, or <see cref="None"/>.</summary>
    public static string Long(DateOnly? date) => date is { } d ? Long(d) : None;

    /// <summary>A compact date for tables, e.g. "3 Mar 2027", or <see cref="None"/>.</summary>
    public static string Short(DateOnly? date) => date is { } d ? d.ToString("d MMM yyyy", Culture) : None;

    /// <summary>A date with its weekday, e.g. "Wednesday 3 March 2027": for a deadline someone plans a week around.</summary>
    public static string WithWeekday(DateOnly date) => date.ToString("dddd " + LongFormat, Culture);

    /// <summary>An instant as a clock in London shows it, e.g. "3 March 2027, 2:05pm".</summary>
    public static string InLondon(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, LondonTime.Zone).ToString(LongFormat + ", h:mmtt", Culture)
            .Replace("AM", "am", StringComparison.Ordinal).Replace("PM", "pm", StringComparison.Ordinal);

    /// <summary>An instant in UTC, e.g. "3 March 2027 14:05 UTC": for a record read anywhere, such as the completion pack.</summary>
    public static string InUtc(DateTimeOffset instant) => instant.ToOffset(TimeSpan.Zero).ToString(LongFormat + " HH:mm 'UTC'", Culture);
}
