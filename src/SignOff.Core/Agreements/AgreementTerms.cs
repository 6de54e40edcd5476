using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SignOff.Core.Calendar;

namespace SignOff.Core.Agreements;

/// <summary>How often an agreement in force is reviewed.</summary>
/// <remarks>
/// <para>The partnerships' own words: Essex's MoU "will be reviewed annually"; Sefton's agreement "at
/// six monthly intervals from 1 July 2022"; others name the dates. A review is due on its
/// nominal date, moved to the next working day when that is a weekend or bank holiday; the next
/// review always counts from the nominal date, so a late review never shifts the cycle.</para>
/// <para>Stored in the agreement's history, so its discriminators are storage format: never renamed.</para>
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$cycle")]
[JsonDerivedType(typeof(Every), "every")]
[JsonDerivedType(typeof(OnDates), "on-dates")]
public abstract record ReviewCycle
{
    private ReviewCycle()
    {
    }

    /// <summary>Every <paramref name="Months"/> months from <paramref name="From"/> (or, when it is not given, from the day the agreement took effect).</summary>
    public sealed record Every(int Months, DateOnly? From = null) : ReviewCycle;

    /// <summary>On the dates given, and no others.</summary>
    public sealed record OnDates(ImmutableList<DateOnly> Dates) : ReviewCycle;

    /// <summary>Once a year from the day the agreement took effect.</summary>
    public static ReviewCycle Annual { get; } = new Every(12);

    /// <summary>
    /// The first nominal review date strictly after <paramref name="after"/>, or null when the
    /// cycle has no more dates.
    /// </summary>
    /// <param name="effectiveOn">The day the agreement took effect: the anchor of a cycle with no start date.</param>
    /// <param name="after">The last nominal review date, or the day the agreement took effect.</param>
    public DateOnly? NextAfter(DateOnly effectiveOn, DateOnly after)
    {
        switch (this)
        {
            case Every { Months: <= 0 }:
                return null;
            case Every every:
                var anchor = every.From ?? effectiveOn;
                for (var k = 0; k < 12 * 200; k++)
                {
                    // From the anchor each time (not adding to the last date), so 31 August stays 31 August after a February.
                    var candidate = anchor.AddMonths(k * every.Months);
                    if (candidate > after)
                    {
                        return candidate;
                    }
                }

                return null;
            case OnDates on:
                return on.Dates.Where(d => d > after).Order().Cast<DateOnly?>().FirstOrDefault();
            default:
                throw new InvalidOperationException($"Unknown review cycle {GetType().Name}.");
        }
    }

    /// <summary>The cycle in people's words, e.g. "every 6 months from 1 July 2022".</summary>
    public string Describe() => this switch
    {
        Every { Months: 12, From: null } => "annually",
        Every { Months: 6, From: null } => "every six months",
        Every { From: null } e => $"every {e.Months} months",
        Every e => $"every {e.Months} months from {Wording.UkDates.Long(e.From!.Value)}",
        OnDates d => $"on {string.Join(", ", d.Dates.Order().Select(Wording.UkDates.Long))}",
        _ => GetType().Name,
    };
}

/// <summary>Whether a notice period counts every day or only operational (working) days.</summary>
public enum NoticeUnit
{
    /// <summary>Every day counts: "no less than 30 days' notice".</summary>
    CalendarDays,

    /// <summary>
    /// Only working days count: Sefton's "20 operational days" — a day other than a Saturday,
    /// Sunday or bank holiday in the agreement's calendar.
    /// </summary>
    OperationalDays,
}

/// <summary>How long a party stays bound after giving notice to leave.</summary>
/// <param name="Length">How many days.</param>
/// <param name="Unit">Which days count.</param>
public sealed record NoticePeriod(int Length, NoticeUnit Unit)
{
    /// <summary>30 days, as the Mid Essex Alliance MoU asks "no less than 30 days".</summary>
    public static NoticePeriod Default { get; } = new(30, NoticeUnit.CalendarDays);

    /// <summary>
    /// The last day a party that gave notice on <paramref name="givenOn"/> is still bound: the
    /// notice runs from the day after it was given, so 30 days given on 1 March end on 31 March.
    /// </summary>
    /// <exception cref="CalendarOutOfRangeException">Operational days would be counted past the calendar's data.</exception>
    public DateOnly EndsOn(DateOnly givenOn, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Unit == NoticeUnit.CalendarDays ? givenOn.AddDays(Length) : calendar.AddClearWorkingDays(givenOn, Length);
    }

    /// <summary>The period in people's words, e.g. "30 days" or "20 operational days".</summary>
    public string Describe() => Unit == NoticeUnit.CalendarDays ? $"{Length} days" : $"{Length} operational days";
}

/// <summary>The terms the register keeps an agreement to once it is in force.</summary>
/// <param name="Reviews">When it is reviewed (null: no review cycle).</param>
/// <param name="Notice">How long a party stays bound after giving notice.</param>
/// <param name="ReviewRemindersBefore">Working days before a review is due that the coordinator and the parties are reminded.</param>
/// <param name="Calendar">The bank-holiday division working and operational days are counted in.</param>
public sealed record AgreementTerms(ReviewCycle? Reviews, NoticePeriod Notice, ImmutableList<int> ReviewRemindersBefore, string Calendar)
{
    /// <summary>Reminded four weeks and one week ahead.</summary>
    public static ImmutableList<int> DefaultReviewReminders { get; } = [20, 5];
}
