using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SignOff.Core.Definitions;

/// <summary>A person as typed into a form: either part may be blank.</summary>
/// <param name="Name">Their name, or "".</param>
/// <param name="Email">Their email address, or "".</param>
public sealed record PersonEntry(string Name, string Email)
{
    /// <summary>A person with nothing typed.</summary>
    public static PersonEntry Blank { get; } = new("", "");

    /// <summary>True when nothing is typed: a blank row on a form, to be left out rather than reported.</summary>
    public bool IsBlank => string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Email);
}

/// <summary>A partner as typed into a form: any part may be blank.</summary>
/// <param name="Name">The organisation.</param>
/// <param name="Officer">The officer who acts for it.</param>
/// <param name="Route">The governance route's id.</param>
/// <param name="Meeting">The meeting date, YYYY-MM-DD, or "".</param>
/// <param name="DueBy">Its own due date, YYYY-MM-DD, or "".</param>
/// <param name="Calendar">The address of its published meeting calendar (iCalendar), or "".</param>
/// <param name="CalendarBody">The body to look for in that calendar, or "" for the route's deciding body.</param>
public sealed record PartnerEntry(string Name, PersonEntry Officer, string Route, string Meeting, string DueBy, string Calendar = "", string CalendarBody = "")
{
    /// <summary>A partner with nothing typed.</summary>
    public static PartnerEntry Blank { get; } = new("", PersonEntry.Blank, "", "", "");

    /// <summary>True when nothing is typed: a blank row on a form, to be left out rather than reported.</summary>
    public bool IsBlank => string.IsNullOrWhiteSpace(Name) && Officer.IsBlank && string.IsNullOrWhiteSpace(Route)
        && string.IsNullOrWhiteSpace(Meeting) && string.IsNullOrWhiteSpace(DueBy)
        && string.IsNullOrWhiteSpace(Calendar) && string.IsNullOrWhiteSpace(CalendarBody);
}

/// <summary>
/// A round definition as a person typed it: text, possibly incomplete or wrong. The
/// <see cref="RoundDefinitionWriter"/> writes it as definition YAML, and the parser then checks it
/// exactly as it checks an uploaded file.
/// </summary>
/// <remarks>
/// The entries hold text, not dates and numbers, because a form can hold anything: a half-filled
/// round must still be written (to download and finish later), and what is wrong with it must be
/// found by the one parser every definition goes through, so that the form and an upload refuse the
/// same things.
/// </remarks>
/// <param name="Title">The agreement's title.</param>
/// <param name="Reference">The agreement's reference.</param>
/// <param name="Deadline">The round deadline, YYYY-MM-DD.</param>
/// <param name="Calendar">The bank-holiday division's id, or "" for the default.</param>
/// <param name="RemindBefore">Working days before the due date to remind, each as typed; empty for the default.</param>
/// <param name="OverdueEvery">Working days between reminders while overdue, or "" for the default.</param>
/// <param name="DigestSchedule">none, daily or weekly; "" for the default.</param>
/// <param name="DigestDay">The weekly digest's day, monday to sunday; "" for the default.</param>
/// <param name="CounterpartReview">none or unverified; "" for none.</param>
/// <param name="Chairs">The chairs, in order.</param>
/// <param name="Coordinator">The coordinator.</param>
/// <param name="Partners">The partners, in order.</param>
/// <param name="Review">How often the agreement is reviewed, as the definition writes it ("annually", "6 months"); "" for none.</param>
/// <param name="ReviewFrom">The date the review cycle counts from, YYYY-MM-DD; "" for the day the agreement takes effect.</param>
/// <param name="ReviewOn">Review dates instead of a cycle, YYYY-MM-DD separated by commas; "" for none.</param>
/// <param name="Notice">The notice period ("30 days", "20 operational days"); "" for the default.</param>
public sealed record DefinitionEntries(
    string Title,
    string Reference,
    string Deadline,
    string Calendar,
    IReadOnlyList<string> RemindBefore,
    string OverdueEvery,
    string DigestSchedule,
    string DigestDay,
    string CounterpartReview,
    IReadOnlyList<PersonEntry> Chairs,
    PersonEntry Coordinator,
    IReadOnlyList<PartnerEntry> Partners,
    string Review = "",
    string ReviewFrom = "",
    string ReviewOn = "",
    string Notice = "")
{
    /// <summary>A valid definition's entries: what the form shows for a definition read back, and what the round-trip test writes.</summary>
    public static DefinitionEntries Of(RoundDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new DefinitionEntries(
            definition.Agreement.Title,
            definition.Agreement.Reference,
            Iso(definition.Deadline),
            definition.Calendar,
            [.. definition.Reminders.Before.Select(days => days.ToString(CultureInfo.InvariantCulture))],
            definition.Reminders.OverdueEvery.ToString(CultureInfo.InvariantCulture),
            definition.Digest.Frequency.ToString().ToLowerInvariant(),
            definition.Digest.Day.ToString().ToLowerInvariant(),
            definition.CounterpartReview == Definitions.CounterpartReview.None ? "" : definition.CounterpartReview.ToString().ToLowerInvariant(),
            [.. definition.Chairs.Select(c => new PersonEntry(c.Name, c.Email))],
            new PersonEntry(definition.Coordinator.Name, definition.Coordinator.Email),
            [.. definition.Partners.Select(p => new PartnerEntry(p.Name, new PersonEntry(p.Officer.Name, p.Officer.Email), p.Governance.Route.Id,
                p.Governance.Meeting is { } meeting ? Iso(meeting) : "", p.DueBy is { } due ? Iso(due) : "",
                p.Governance.Calendar?.FeedUrl ?? "", p.Governance.Calendar?.Body ?? ""))],
            definition.Reviews is Agreements.ReviewCycle.Every every ? string.Create(CultureInfo.InvariantCulture, $"{every.Months} months") : "",
            definition.Reviews is Agreements.ReviewCycle.Every { From: { } from } ? Iso(from) : "",
            definition.Reviews is Agreements.ReviewCycle.OnDates on ? string.Join(", ", on.Dates.Select(Iso)) : "",
            definition.Notice is { } notice
                ? string.Create(CultureInfo.InvariantCulture, $"{notice.Length} {(notice.Unit == Agreements.NoticeUnit.OperationalDays ? "operational days" : "days")}")
                : "");
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// Writes a round definition as YAML in the shape of the shipped examples, for the round builder
/// (which then parses it as any upload is parsed) and for a coordinator to download and keep.
/// </summary>
/// <remarks>
/// The text is produced by YamlDotNet's emitter, never by joining strings: the emitter quotes a
/// value only when YAML needs it (a title with ': ' or '#', an organisation with a comma inside
/// '{…}'), so whatever a person types reads back as exactly what they typed. Blank entries are left
/// out, so the parser reports them as missing at the path a form field maps to. Blank rows are left
/// out altogether: an unused row on a form is not a partner.
/// </remarks>
public static class RoundDefinitionWriter
{
    /// <summary>The entries as definition YAML.</summary>
    public static string Write(DefinitionEntries entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var yaml = new Yaml(new Emitter(text, 2, int.MaxValue));
        yaml.Emit(new StreamStart());
        yaml.Emit(new DocumentStart());
        yaml.Block(() =>
        {
            yaml.Key("agreement").Block(() =>
            {
                yaml.Field("title", entries.Title).Field("reference", entries.Reference);
                var reviewOn = entries.ReviewOn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (reviewOn.Length > 0)
                {
                    yaml.Key("review").Flow(() => yaml.Key("on").List(reviewOn));
                }
                else if (!string.IsNullOrWhiteSpace(entries.Review) && !string.IsNullOrWhiteSpace(entries.ReviewFrom))
                {
                    yaml.Key("review").Flow(() => yaml.Field("every", entries.Review).Field("from", entries.ReviewFrom));
                }
                else
                {
                    yaml.Field("review", entries.Review);
                }

                yaml.Field("notice", entries.Notice);
            });
            yaml.Key("round").Block(() =>
            {
                yaml.Field("deadline", entries.Deadline).Field("calendar", entries.Calendar);
                var before = entries.RemindBefore.Where(d => !string.IsNullOrWhiteSpace(d)).ToList();
                if (before.Count > 0 || !string.IsNullOrWhiteSpace(entries.OverdueEvery))
                {
                    yaml.Key("reminders").Flow(() =>
                    {
                        if (before.Count > 0)
                        {
                            yaml.Key("before").List(before);
                        }

                        yaml.Field("overdueEvery", entries.OverdueEvery);
                    });
                }

                if (!string.IsNullOrWhiteSpace(entries.DigestSchedule) || !string.IsNullOrWhiteSpace(entries.DigestDay))
                {
                    yaml.Key("digest").Flow(() => yaml.Field("schedule", entries.DigestSchedule).Field("day", entries.DigestDay));
                }

                if (!string.IsNullOrWhiteSpace(entries.CounterpartReview))
                {
                    yaml.Key("counterparts").Flow(() => yaml.Field("review", entries.CounterpartReview));
                }

                var chairs = entries.Chairs.Where(c => !c.IsBlank).ToList();
                if (chairs.Count > 0)
                {
                    yaml.Key("chairs").Items(chairs, chair => yaml.Flow(() => yaml.Person(chair)));
                }
            });
            yaml.Key("coordinator").Flow(() => yaml.Person(entries.Coordinator));
            var partners = entries.Partners.Where(p => !p.IsBlank).ToList();
            if (partners.Count > 0)
            {
                yaml.Key("partners").Items(partners, partner => yaml.Block(() =>
                {
                    yaml.Field("name", partner.Name);
                    yaml.Key("officer").Flow(() => yaml.Person(partner.Officer));
                    yaml.Key("governance").Flow(() => yaml.Field("route", partner.Route).Field("meeting", partner.Meeting)
                        .Field("calendar", partner.Calendar).Field("body", partner.CalendarBody));
                    yaml.Field("dueBy", partner.DueBy);
                }));
            }
        });
        yaml.Emit(new DocumentEnd(isImplicit: true));
        yaml.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>A valid definition as YAML: what a definition read back is written as.</summary>
    public static string Write(RoundDefinition definition) => Write(DefinitionEntries.Of(definition));

    /// <summary>The emitter, with the few shapes a definition has.</summary>
    private sealed class Yaml(IEmitter emitter)
    {
        public void Emit(ParsingEvent e) => emitter.Emit(e);

        public Yaml Key(string key)
        {
            Emit(new Scalar(key));
            return this;
        }

        /// <summary>A key and its text, left out when the text is blank.</summary>
        public Yaml Field(string key, string value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                Key(key).Value(value.Trim());
            }

            return this;
        }

        public void Person(PersonEntry person) => Field("name", person.Name).Field("email", person.Email);

        public void Block(Action content) => Mapping(MappingStyle.Block, content);

        public void Flow(Action content) => Mapping(MappingStyle.Flow, content);

        public void List(IEnumerable<string> values)
        {
            Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Flow));
            foreach (var value in values)
            {
                Value(value.Trim());
            }

            Emit(new SequenceEnd());
        }

        public void Items<T>(IEnumerable<T> items, Action<T> item)
        {
            Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
            foreach (var each in items)
            {
                item(each);
            }

            Emit(new SequenceEnd());
        }

        private void Mapping(MappingStyle style, Action content)
        {
            Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, style));
            content();
            Emit(new MappingEnd());
        }

        /// <summary>
        /// A value, plain where YAML allows it; the emitter quotes it where it must. The parser reads
        /// a plain <c>~</c> or <c>null</c> as "no value", so those are quoted here: an organisation
        /// may not be called Null, but if it were, it would stay so.
        /// </summary>
        private void Value(string value) =>
            Emit(value is "~" or "null" or "Null" or "NULL"
                ? new Scalar(AnchorName.Empty, TagName.Empty, value, ScalarStyle.DoubleQuoted, true, true)
                : new Scalar(value));
    }
}
