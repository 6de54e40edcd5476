using System.Globalization;
using System.Net.Mail;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using SignOff.Core.Agreements;
using YamlDotNet.RepresentationModel;

namespace SignOff.Core.Definitions;

/// <summary>
/// Reads a round definition in YAML or JSON (JSON is read as YAML, so both report line and
/// column), resolves governance routes, optionally takes partners from a CSV roster, and
/// validates the whole — reporting every problem at once.
/// </summary>
/// <remarks>
/// A coordinator preparing a round for twenty partners should fix every mistake in one pass,
/// not one per upload; so the parser never stops at the first problem. It is pure: the caller
/// supplies the text and the launch date.
/// </remarks>
public static class RoundDefinitionParser
{
    private static readonly string[] RootFields = ["agreement", "round", "coordinator", "partners"];
    private static readonly string[] AgreementFields = ["title", "reference", "review", "notice"];
    private static readonly string[] ReviewFields = ["every", "from", "on"];
    private static readonly string[] RoundFields = ["deadline", "calendar", "reminders", "digest", "chairs", "counterparts"];

    private static readonly string[] CounterpartFields = ["review"];
    private static readonly string[] ReminderFields = ["before", "overdueEvery"];
    private static readonly string[] DigestFields = ["schedule", "day"];
    private static readonly string[] PersonFields = ["name", "email"];
    private static readonly string[] PartnerFields = ["name", "officer", "governance", "dueBy"];
    private static readonly string[] GovernanceFields = ["route", "meeting", "calendar", "body"];
    private static readonly string[] Calendars = ["england-and-wales", "scotland", "northern-ireland"];

    /// <summary>The schema's day names, in <see cref="DayOfWeek"/> order (Sunday is 0).</summary>
    private static readonly string[] Days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <summary>Parses and validates a definition.</summary>
    /// <param name="text">The definition, YAML or JSON.</param>
    /// <param name="launchDate">The London date the round would launch (deadlines before it are errors).</param>
    /// <param name="routes">The known governance routes.</param>
    /// <param name="rosterCsv">An optional CSV roster of partners.</param>
    /// <param name="feeds">Which calendar feeds a partner may name (null: <see cref="CalendarFeedPolicy.Strict"/>).</param>
    public static DefinitionResult Parse(string text, DateOnly launchDate, GovernanceRouteCatalog routes, string? rosterCsv = null, CalendarFeedPolicy? feeds = null)
    {
        var reader = new Reader(routes, feeds ?? CalendarFeedPolicy.Strict);
        var definition = reader.Read(text, launchDate, rosterCsv);
        var problems = reader.Problems
            .OrderBy(p => p.Line ?? int.MaxValue).ThenBy(p => p.Column ?? 0).ThenBy(p => p.Severity)
            .ToList();
        return new DefinitionResult(problems.Any(p => p.Severity == ProblemSeverity.Error) ? null : definition, problems);
    }

    /// <summary>True for a bare, well-formed email address (no display name).</summary>
    public static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.DisplayName.Length == 0
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');

    private sealed class Reader(GovernanceRouteCatalog routes, CalendarFeedPolicy feeds)
    {
        /// <summary>
        /// True when the definition is JSON (its root is a '{…}' mapping). JSON says every value's type
        /// out loud — text is always in double quotes — so a JSON definition is held to the schema's
        /// types. YAML guesses the type of an unquoted value from how it looks, which people writing
        /// <c>reference: 2021</c> neither see nor mean, so there unquoted values are text.
        /// </summary>
        private bool json;

        public List<DefinitionProblem> Problems { get; } = [];

        public RoundDefinition? Read(string text, DateOnly launchDate, string? rosterCsv)
        {
            if (!YamlText.TryLoad(text, out var root, out var syntax))
            {
                Problems.Add(new DefinitionProblem(ProblemSeverity.Error, "(definition)", syntax.Line, syntax.Column,
                    $"this is not valid YAML or JSON: {syntax.Message}"));
                return null;
            }

            if (root is not YamlMappingNode map)
            {
                Error("(definition)", root, "the definition must be a mapping with agreement, round, coordinator and partners");
                return null;
            }

            json = map.Style == MappingStyle.Flow;
            Unknown(map, "", RootFields);
            var agreement = Mapping(map, "agreement", "agreement", required: true);
            var title = Text(agreement, "title", "agreement.title", required: true);
            var reference = Text(agreement, "reference", "agreement.reference", required: true);
            Unknown(agreement, "agreement.", AgreementFields);
            var reviews = ReviewsOf(Child(agreement, "review"));
            var notice = NoticeOf(Child(agreement, "notice"));

            var round = Mapping(map, "round", "round", required: true);
            Unknown(round, "round.", RoundFields);
            var deadlineNode = Child(round, "deadline");
            var deadline = Date(round, "deadline", "round.deadline", required: true);
            if (deadline is { } d && d < launchDate)
            {
                Error("round.deadline", deadlineNode, $"the deadline {Iso(d)} is before the launch date {Iso(launchDate)}");
            }

            var calendar = Text(round, "calendar", "round.calendar") ?? "england-and-wales";
            if (!Calendars.Contains(calendar))
            {
                Error("round.calendar", Child(round, "calendar"), $"unknown calendar '{calendar}'; use england-and-wales, scotland or northern-ireland");
            }

            var reminders = Reminders(Mapping(round, "reminders", "round.reminders"));
            var digest = Digest(Mapping(round, "digest", "round.digest"));
            var review = CounterpartReviewOf(Mapping(round, "counterparts", "round.counterparts"));
            var chairs = People(round, "chairs", "round.chairs");
            if (round is not null && chairs.Count == 0)
            {
                Warning("round.chairs", Child(round, "chairs") ?? round, "no chairs: nobody will receive digests or escalations");
            }

            var coordinator = Person(Mapping(map, "coordinator", "coordinator", required: true), "coordinator");

            var partnersNode = Child(map, "partners");
            List<(PartnerDefinition? Partner, string Field, YamlNode? Node, YamlNode? NameNode, YamlNode? EmailNode)> partners;
            if (rosterCsv is not null)
            {
                if (partnersNode is not null)
                {
                    Error("partners", partnersNode, "give partners in the definition or in a roster, not both");
                }

                partners = RosterReader.Read(rosterCsv, routes, Problems)
                    .Select(r => (r.Partner, r.Field, (YamlNode?)null, (YamlNode?)null, (YamlNode?)null)).ToList();
            }
            else
            {
                partners = Partners(partnersNode);
            }

            if (partners.Count == 0 && !Problems.Any(p => p.Field.StartsWith("roster", StringComparison.Ordinal) && p.Severity == ProblemSeverity.Error))
            {
                Error("partners", partnersNode ?? map, "a round needs at least one partner", ProblemKind.Missing);
            }

            CheckPartners(partners, deadline, launchDate);

            if (title is null || reference is null || deadline is null || coordinator is null || partners.Any(p => p.Partner is null))
            {
                return null;
            }

            return new RoundDefinition(new AgreementInfo(title, reference), deadline.Value, calendar, reminders, digest, chairs, coordinator,
                [.. partners.Select(p => p.Partner!)], review, reviews, notice);
        }

        /// <summary>
        /// Reads <c>agreement.review</c>, how often the agreement in force is reviewed: <c>annually</c>,
        /// <c>every N months</c>, <c>{ every: N months, from: YYYY-MM-DD }</c> or <c>{ on: [dates] }</c>;
        /// none when absent.
        /// </summary>
        private ReviewCycle? ReviewsOf(YamlNode? node)
        {
            const string field = "agreement.review";
            const string help = "write annually, every 6 months, { every: 6 months, from: 2022-07-01 } or { on: [2023-03-31, 2024-03-31] }";
            switch (node)
            {
                case null:
                    return null;
                case YamlScalarNode scalar:
                    if (MonthsOf(scalar.Value) is { } months)
                    {
                        return new ReviewCycle.Every(months);
                    }

                    Error(field, node, $"'{scalar.Value}' is not a review cycle; {help}");
                    return null;
                case YamlMappingNode map:
                    Unknown(map, "agreement.review.", ReviewFields);
                    var from = Date(map, "from", "agreement.review.from");
                    if (Child(map, "on") is { } on)
                    {
                        if (Child(map, "every") is not null || from is not null)
                        {
                            Error(field, node, "give either every (with an optional from) or on, not both");
                            return null;
                        }

                        if (on is not YamlSequenceNode dates || dates.Children.Count == 0)
                        {
                            Error("agreement.review.on", on, "list the review dates, e.g. [2023-03-31, 2024-03-31]");
                            return null;
                        }

                        var read = new List<DateOnly>();
                        foreach (var (date, i) in dates.Children.Select((d, i) => (d, i)))
                        {
                            if (date is YamlScalarNode { Value: { } text } && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                            {
                                read.Add(d);
                            }
                            else
                            {
                                Error($"agreement.review.on[{i}]", date, $"'{(date as YamlScalarNode)?.Value}' is not a date; write it as YYYY-MM-DD", ProblemKind.NotADate, (date as YamlScalarNode)?.Value);
                            }
                        }

                        return read.Count == dates.Children.Count ? new ReviewCycle.OnDates([.. read.Distinct().Order()]) : null;
                    }

                    if (Text(map, "every", "agreement.review.every", required: true) is not { } every)
                    {
                        return null;
                    }

                    if (MonthsOf(every) is { } interval)
                    {
                        return new ReviewCycle.Every(interval, from);
                    }

                    Error("agreement.review.every", Child(map, "every"), $"'{every}' is not an interval; write a number of months, e.g. 6 months or 12 months");
                    return null;
                default:
                    Error(field, node, help);
                    return null;
            }
        }

        /// <summary>"annually", "six-monthly", "every 6 months", "6 months", "1 year": the interval in months, or null.</summary>
        private static int? MonthsOf(string? text)
        {
            var words = (text ?? "").Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words switch
            {
                ["annually"] or ["yearly"] => 12,
                ["six-monthly"] or ["half-yearly"] => 6,
                ["quarterly"] => 3,
                ["every", .. var rest] => Interval(rest),
                _ => Interval(words),
            };

            static int? Interval(string[] words) => words switch
            {
                [var n, "month" or "months"] when PositiveInt(n) is { } months && months <= 120 => months,
                [var n, "year" or "years"] when PositiveInt(n) is { } years && years <= 10 => years * 12,
                _ => null,
            };
        }

        /// <summary>Reads <c>agreement.notice</c>: <c>N days</c> or <c>N operational days</c> (working days); null (the default, 30 days) when absent.</summary>
        private NoticePeriod? NoticeOf(YamlNode? node)
        {
            if (node is null)
            {
                return null;
            }

            var words = ((node as YamlScalarNode)?.Value ?? "").Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case [var n, "day" or "days"] when PositiveInt(n) is { } days && days <= 730:
                    return new NoticePeriod(days, NoticeUnit.CalendarDays);
                case [var n, "operational" or "working", "day" or "days"] when PositiveInt(n) is { } days && days <= 500:
                    return new NoticePeriod(days, NoticeUnit.OperationalDays);
                default:
                    Error("agreement.notice", node, $"'{(node as YamlScalarNode)?.Value}' is not a notice period; write e.g. 30 days or 20 operational days");
                    return null;
            }
        }

        /// <summary>Reads <c>round.counterparts.review</c>: <c>none</c> (the default) or <c>unverified</c>.</summary>
        private CounterpartReview CounterpartReviewOf(YamlMappingNode? node)
        {
            if (node is null)
            {
                return CounterpartReview.None;
            }

            Unknown(node, "round.counterparts.", CounterpartFields);
            var text = Text(node, "review", "round.counterparts.review");
            switch (text?.ToLowerInvariant())
            {
                case null or "none":
                    return CounterpartReview.None;
                case "unverified":
                    return CounterpartReview.Unverified;
                default:
                    Error("round.counterparts.review", Child(node, "review"), $"'{text}' is not a review policy; use none or unverified");
                    return CounterpartReview.None;
            }
        }

        private void CheckPartners(List<(PartnerDefinition? Partner, string Field, YamlNode? Node, YamlNode? NameNode, YamlNode? EmailNode)> partners, DateOnly? deadline, DateOnly launchDate)
        {
            var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var emails = new Dictionary<string, (string Field, string Name)>(StringComparer.OrdinalIgnoreCase);
            foreach (var (partner, field, node, nameNode, emailNode) in partners)
            {
                if (partner is null)
                {
                    continue;
                }

                var map = node as YamlMappingNode;
                var dueNode = Child(map, "dueBy") ?? node;
                var meetingNode = Child(Child(map, "governance") as YamlMappingNode, "meeting") ?? node;

                var name = partner.Name.Trim();
                if (names.TryGetValue(name, out var first))
                {
                    Add(ProblemSeverity.Error, Join(field, "name"), nameNode ?? node, $"'{name}' is listed more than once (first as {first})");
                }
                else
                {
                    names[name] = field;
                }

                if (emails.TryGetValue(partner.Officer.Email, out var other))
                {
                    Add(ProblemSeverity.Error, Join(field, "officer email"), emailNode ?? node,
                        $"officer email '{partner.Officer.Email}' is already used by {other.Field} ({other.Name}); each partner needs its own officer");
                }
                else
                {
                    emails[partner.Officer.Email] = (field, name);
                }

                if (deadline is not { } roundDeadline)
                {
                    continue;
                }

                if (partner.DueBy is { } due && due > roundDeadline)
                {
                    Add(ProblemSeverity.Error, Join(field, "dueBy"), dueNode, $"the due date {Iso(due)} is after the round deadline {Iso(roundDeadline)}");
                }
                else if (partner.DueBy is { } early && early < launchDate)
                {
                    Add(ProblemSeverity.Error, Join(field, "dueBy"), dueNode, $"the due date {Iso(early)} is before the launch date {Iso(launchDate)}");
                }

                var partnerDue = partner.DueBy ?? roundDeadline;
                if (partner.Governance.Meeting is { } meeting && meeting > partnerDue)
                {
                    Add(ProblemSeverity.Warning, Join(field, "meeting"), meetingNode,
                        $"the meeting on {Iso(meeting)} is after the due date {Iso(partnerDue)}; {name} will be overdue unless the meeting moves");
                }
            }
        }

        private static string Join(string field, string child) =>
            field.StartsWith("roster", StringComparison.Ordinal) ? $"{field}: {child}" : $"{field}.{(child == "officer email" ? "officer.email" : child == "meeting" ? "governance.meeting" : child)}";

        private List<(PartnerDefinition?, string, YamlNode?, YamlNode?, YamlNode?)> Partners(YamlNode? node)
        {
            var result = new List<(PartnerDefinition?, string, YamlNode?, YamlNode?, YamlNode?)>();
            if (node is null)
            {
                return result;
            }

            if (node is not YamlSequenceNode list)
            {
                Error("partners", node, "must be a list of partners");
                return result;
            }

            for (var i = 0; i < list.Children.Count; i++)
            {
                var field = $"partners[{i}]";
                if (list.Children[i] is not YamlMappingNode p)
                {
                    Error(field, list.Children[i], "must be a mapping with name, officer and governance");
                    result.Add((null, field, list.Children[i], null, null));
                    continue;
                }

                Unknown(p, field + ".", PartnerFields);
                var name = Text(p, "name", $"{field}.name", required: true);
                var officerNode = Mapping(p, "officer", $"{field}.officer", required: true);
                var officer = Person(officerNode, $"{field}.officer");
                var governance = Mapping(p, "governance", $"{field}.governance", required: true);
                Unknown(governance, $"{field}.governance.", GovernanceFields);
                var routeId = Text(governance, "route", $"{field}.governance.route", required: true);
                var route = routeId is null ? null : Route(routeId, $"{field}.governance.route", Child(governance, "route"));
                var meeting = Date(governance, "meeting", $"{field}.governance.meeting");
                var dueBy = Date(p, "dueBy", $"{field}.dueBy");
                var calendar = Calendar(governance, $"{field}.governance", route);
                var partner = name is null || officer is null || route is null
                    ? null
                    : new PartnerDefinition(name, officer, new PartnerGovernance(route, meeting, calendar), dueBy);
                result.Add((partner, field, p, Child(p, "name"), officerNode is null ? null : Child(officerNode, "email")));
            }

            return result;
        }

        /// <summary>The partner's published meeting calendar, if it names one: the feed, checked against the policy, and the body (the route's by default).</summary>
        private MeetingCalendar? Calendar(YamlMappingNode? governance, string field, GovernanceRoute? route)
        {
            var url = Text(governance, "calendar", $"{field}.calendar");
            var body = Text(governance, "body", $"{field}.body");
            if (url is null)
            {
                if (body is not null)
                {
                    Error($"{field}.body", Child(governance, "body"), "names the body to look for in the published calendar; give the calendar's address too, or leave it out");
                }

                return null;
            }

            if (feeds.WhyRefused(url.Trim()) is { } why)
            {
                Error($"{field}.calendar", Child(governance, "calendar"), why);
                return null;
            }

            return route is null ? null : new MeetingCalendar(url.Trim(), body?.Trim() ?? route.DecisionBody);
        }

        private GovernanceRoute? Route(string id, string field, YamlNode? node)
        {
            if (routes.TryGet(id, out var route))
            {
                return route;
            }

            Error(field, node, $"unknown governance route '{id}'; known routes are: {string.Join(", ", routes.Ids)}", ProblemKind.UnknownRoute, id);
            return null;
        }

        private ReminderPolicy Reminders(YamlMappingNode? node)
        {
            if (node is null)
            {
                return ReminderPolicy.Default;
            }

            Unknown(node, "round.reminders.", ReminderFields);
            var before = ReminderPolicy.Default.Before;
            if (Child(node, "before") is { } beforeNode)
            {
                if (beforeNode is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode s && PositiveInt(s.Value) is not null))
                {
                    before = [.. seq.Children.Select(c => PositiveInt(((YamlScalarNode)c).Value)!.Value)];
                    for (var i = 0; i < seq.Children.Count; i++)
                    {
                        NotQuoted(seq.Children[i], $"round.reminders.before[{i}]");
                    }
                }
                else
                {
                    Error("round.reminders.before", beforeNode, "must be a list of whole numbers of working days greater than 0, e.g. [10, 5, 2]");
                }
            }

            var every = ReminderPolicy.Default.OverdueEvery;
            if (Child(node, "overdueEvery") is { } everyNode)
            {
                if (everyNode is YamlScalarNode s && PositiveInt(s.Value) is { } n)
                {
                    every = n;
                    NotQuoted(everyNode, "round.reminders.overdueEvery");
                }
                else
                {
                    Error("round.reminders.overdueEvery", everyNode, "must be a whole number of working days, 1 or more");
                }
            }

            return new ReminderPolicy(before, every);
        }

        private DigestSchedule Digest(YamlMappingNode? node)
        {
            if (node is null)
            {
                return DigestSchedule.Default;
            }

            Unknown(node, "round.digest.", DigestFields);
            var frequency = DigestSchedule.Default.Frequency;
            var scheduleText = Text(node, "schedule", "round.digest.schedule");
            if (scheduleText is not null)
            {
                switch (scheduleText)
                {
                    case "none":
                        frequency = DigestFrequency.None;
                        break;
                    case "daily":
                        frequency = DigestFrequency.Daily;
                        break;
                    case "weekly":
                        frequency = DigestFrequency.Weekly;
                        break;
                    default:
                        Error("round.digest.schedule", Child(node, "schedule"), $"'{scheduleText}' is not a schedule; use none, daily or weekly");
                        break;
                }
            }

            var day = DigestSchedule.Default.Day;
            var dayText = Text(node, "day", "round.digest.day");
            if (dayText is not null)
            {
                var index = Array.IndexOf(Days, dayText);
                if (index >= 0)
                {
                    day = (DayOfWeek)index;
                }
                else
                {
                    Error("round.digest.day", Child(node, "day"), Days.Contains(dayText, StringComparer.OrdinalIgnoreCase)
                        ? $"'{dayText}': write days in lower case, e.g. monday"
                        : $"'{dayText}' is not a day of the week; use monday to sunday");
                }
            }

            return new DigestSchedule(frequency, day);
        }

        private List<Person> People(YamlMappingNode? parent, string key, string field)
        {
            var result = new List<Person>();
            var node = Child(parent, key);
            if (node is null)
            {
                return result;
            }

            if (node is not YamlSequenceNode list)
            {
                Error(field, node, "must be a list of people, each with name and email");
                return result;
            }

            for (var i = 0; i < list.Children.Count; i++)
            {
                if (list.Children[i] is YamlMappingNode m)
                {
                    if (Person(m, $"{field}[{i}]") is { } person)
                    {
                        result.Add(person);
                    }
                }
                else
                {
                    Error($"{field}[{i}]", list.Children[i], "must be a mapping with name and email");
                }
            }

            return result;
        }

        private Person? Person(YamlMappingNode? node, string field)
        {
            if (node is null)
            {
                return null;
            }

            Unknown(node, field + ".", PersonFields);
            var name = Text(node, "name", $"{field}.name", required: true);
            var email = Text(node, "email", $"{field}.email", required: true);
            if (email is not null && !IsEmail(email))
            {
                Error($"{field}.email", Child(node, "email"), $"'{email}' is not a valid email address", ProblemKind.NotAnEmail, email);
                return null;
            }

            return name is null || email is null ? null : new Person(name, email);
        }

        private YamlMappingNode? Mapping(YamlMappingNode? parent, string key, string field, bool required = false)
        {
            var node = Child(parent, key);
            if (node is null)
            {
                if (required && parent is not null)
                {
                    Error(field, parent, "is required", ProblemKind.Missing);
                }

                return null;
            }

            if (node is YamlMappingNode map)
            {
                return map;
            }

            Error(field, node, "must be a mapping");
            return null;
        }

        private string? Text(YamlMappingNode? parent, string key, string field, bool required = false)
        {
            var node = Child(parent, key);
            if (json && node is YamlScalarNode { Style: ScalarStyle.Plain } literal && JsonLiteral(literal.Value) is { } what)
            {
                Error(field, node, $"must be text in double quotes, not {what}");
                return null;
            }

            // Nothing, null or ~ is YAML's way of saying "no value" (in JSON, null was refused above):
            // title: ~ is a missing title, as title: always was, not a title reading "~".
            if (node is null || node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" })
            {
                if (required && parent is not null)
                {
                    Error(field, node ?? parent, "is required", ProblemKind.Missing);
                }

                return null;
            }

            if (node is not YamlScalarNode scalar)
            {
                Error(field, node, "must be text");
                return null;
            }

            var value = scalar.Value?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                if (required)
                {
                    Error(field, node, "is required", ProblemKind.Missing);
                }

                return null;
            }

            return value;
        }

        /// <summary>How a value unquoted in JSON reads to people, when it is a JSON number, boolean or null.</summary>
        private static string? JsonLiteral(string? value) =>
            value is "true" or "false" ? $"the value {value}"
            : value is "null" ? "null"
            : double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _)
                ? $"the number {value}"
                : null;

        /// <summary>In JSON a number in quotes is text, which the schema refuses where it wants a number.</summary>
        private void NotQuoted(YamlNode node, string field)
        {
            if (json && node is YamlScalarNode { Style: not ScalarStyle.Plain } quoted)
            {
                Error(field, node, $"must be a number without quotes, not the text \"{quoted.Value}\"");
            }
        }

        private DateOnly? Date(YamlMappingNode? parent, string key, string field, bool required = false)
        {
            var text = Text(parent, key, field, required);
            if (text is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            Error(field, Child(parent, key), $"'{text}' is not a date; write it as YYYY-MM-DD", ProblemKind.NotADate, text);
            return null;
        }

        private void Unknown(YamlMappingNode? node, string prefix, string[] known)
        {
            if (node is null)
            {
                return;
            }

            foreach (var key in node.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                if (!known.Contains(name, StringComparer.Ordinal))
                {
                    Error($"{prefix}{name}", key, $"unknown field '{name}'; expected one of: {string.Join(", ", known)}");
                }
            }
        }

        private static YamlNode? Child(YamlMappingNode? parent, string key) =>
            parent is not null && parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        private static int? PositiveInt(string? text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

        private void Error(string field, YamlNode? node, string message, ProblemKind kind = ProblemKind.Other, string? value = null) =>
            Add(ProblemSeverity.Error, field, node, message, kind, value);

        private void Warning(string field, YamlNode? node, string message) => Add(ProblemSeverity.Warning, field, node, message);

        private void Add(ProblemSeverity severity, string field, YamlNode? node, string message, ProblemKind kind = ProblemKind.Other, string? value = null) =>
            Problems.Add(new DefinitionProblem(severity, field, node is null ? null : (int)node.Start.Line, node is null ? null : (int)node.Start.Column, message, kind, value));
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
