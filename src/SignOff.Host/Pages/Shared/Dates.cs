using System.Globalization;
using SignOff.Core.Rounds;

namespace SignOff.Host.Pages.Shared;

/// <summary>Dates and times as people in the UK read them, in London time.</summary>
public static class Dates
{
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    public static string Long(DateOnly date) => date.ToString("d MMMM yyyy", Uk);

    public static string Long(DateOnly? date) => date is { } d ? Long(d) : "—";

    /// <summary>A compact date for tables, e.g. "30 Sep 2022".</summary>
    public static string Short(DateOnly? date) => date is { } d ? d.ToString("d MMM yyyy", Uk) : "—";

    public static string WithDay(DateOnly date) => date.ToString("dddd d MMMM yyyy", Uk);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Moment(DateTimeOffset at)
    {
        var london = TimeZoneInfo.ConvertTime(at, LondonTime.Zone);
        return london.ToString("d MMMM yyyy, h:mmtt", Uk).Replace("AM", "am", StringComparison.Ordinal).Replace("PM", "pm", StringComparison.Ordinal);
    }

    public static string IsoMoment(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
