namespace SignOff.Core.Rounds;

/// <summary>
/// Converts between UTC instants and Europe/London calendar dates.
/// </summary>
/// <remarks>
/// Everything a person sees (deadlines, meeting dates, call-in ends, effective dates) is a
/// London calendar date; everything the machine schedules is a UTC instant. Keeping the
/// conversion in one place stops a reminder drifting an hour across a clock change.
/// The zone rules come from the runtime's time-zone data, which is static data, not a clock.
/// </remarks>
public static class LondonTime
{
    /// <summary>Europe/London: the zone every date in a round is in.</summary>
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>The London calendar date of an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The UTC instant of a London wall-clock time on a date.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        // A wall-clock time skipped by the spring clock change does not exist; move past the gap.
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        var offset = Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>London midnight at the start of a date, as a UTC instant.</summary>
    public static DateTimeOffset StartOf(DateOnly date) => At(date, TimeOnly.MinValue);
}
