using SignOff.Core.Definitions;
using SignOff.Core.Tests.Support;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Definitions;

public sealed class RoundDefinitionParserTests
{
    private static readonly DateOnly Launch = D("2021-05-04");

    private const string Valid = """
        agreement:
          title: Example Alliance Memorandum of Understanding
          reference: EXA-MOU-1
        round:
          deadline: 2021-07-31
          calendar: england-and-wales
          reminders: { before: [10, 5, 2], overdueEvery: 5 }
          digest: { schedule: weekly, day: monday }
          chairs: [ { name: Alliance Chair, email: chair@alliance.example } ]
        coordinator: { name: Programme Office, email: office@alliance.example }
        partners:
          - name: Example District Council
            officer: { name: Jo Bloggs, email: jo.bloggs@council.example }
            governance: { route: full-council, meeting: 2021-06-30 }
          - name: Example County Council
            officer: { name: Sam Smith, email: sam.smith@county.example }
            governance: { route: cabinet-member }
            dueBy: 2021-07-23
        """;

    private const string ValidJson = """
        {
          "agreement": { "title": "Example Alliance Memorandum of Understanding", "reference": "EXA-MOU-1" },
          "round": {
            "deadline": "2021-07-31", "calendar": "england-and-wales",
            "reminders": { "before": [10, 5, 2], "overdueEvery": 5 },
            "digest": { "schedule": "weekly", "day": "monday" },
            "chairs": [ { "name": "Alliance Chair", "email": "chair@alliance.example" } ]
          },
          "coordinator": { "name": "Programme Office", "email": "office@alliance.example" },
          "partners": [
            { "name": "Example District Council", "officer": { "name": "Jo Bloggs", "email": "jo.bloggs@council.example" },
              "governance": { "route": "full-council", "meeting": "2021-06-30" } },
            { "name": "Example County Council", "officer": { "name": "Sam Smith", "email": "sam.smith@county.example" },
              "governance": { "route": "cabinet-member" }, "dueBy": "2021-07-23" }
          ]
        }
        """;

    /// <summary>The valid definition with its coordinator written as a block, so that line 11 is an indented key.</summary>
    private static readonly string Block = Valid.Replace(
        "coordinator: { name: Programme Office, email: office@alliance.example }",
        "coordinator:\n  name: Programme Office\n  email: office@alliance.example");

    private static DefinitionResult Parse(string text, string? roster = null) =>
        RoundDefinitionParser.Parse(text, Launch, Workflows.Routes, roster);

    private static string Only(string text, DateOnly? launch = null)
    {
        var result = RoundDefinitionParser.Parse(text, launch ?? Launch, Workflows.Routes);
        return Assert.Single(result.Problems).ToString();
    }

    [Fact]
    public void The_design_guide_example_parses_with_routes_resolved()
    {
        var result = Parse(Valid);

        Assert.True(result.IsValid);
        Assert.Empty(result.Problems);
        var d = result.Definition!;
        Assert.Equal("EXA-MOU-1", d.Agreement.Reference);
        Assert.Equal(D("2021-07-31"), d.Deadline);
        Assert.Equal([10, 5, 2], d.Reminders.Before);
        Assert.Equal(DayOfWeek.Monday, d.Digest.Day);
        Assert.Equal(5, d.Partners[1].Governance.Route.CallInClearWorkingDays);
        Assert.Equal(D("2021-07-23"), d.Partners[1].DueBy);
        Assert.Equal(D("2021-06-30"), d.Partners[0].Governance.Meeting);
    }

    [Fact]
    public void Json_and_yaml_of_the_same_round_parse_to_the_same_definition()
    {
        Assert.Equal(Json(Parse(Valid).Definition!), Json(Parse(ValidJson).Definition!));
    }

    [Fact]
    public void Defaults_apply_when_optional_settings_are_left_out()
    {
        var d = Parse("""
            agreement: { title: T, reference: R }
            round: { deadline: 2021-07-31, chairs: [ { name: C, email: c@x.example } ] }
            coordinator: { name: P, email: p@x.example }
            partners:
              - { name: A, officer: { name: O, email: o@a.example }, governance: { route: cabinet } }
            """).Definition!;

        Assert.Equal("england-and-wales", d.Calendar);
        Assert.Equal(ReminderPolicy.Default, d.Reminders);
        Assert.Equal(DigestSchedule.Default, d.Digest);
        Assert.Equal(CounterpartReview.None, d.CounterpartReview);
    }

    [Theory]
    [InlineData("none", CounterpartReview.None)]
    [InlineData("unverified", CounterpartReview.Unverified)]
    public void A_round_may_ask_the_coordinator_to_review_unverified_counterparts(string policy, CounterpartReview expected)
    {
        var d = Parse(Valid.Replace("  chairs: [", $"  counterparts: {{ review: {policy} }}\n  chairs: [", StringComparison.Ordinal)).Definition!;
        Assert.Equal(expected, d.CounterpartReview);
    }

    [Fact]
    public void An_unknown_review_policy_is_named_at_its_field()
    {
        var result = Parse(Valid.Replace("  chairs: [", "  counterparts: { review: always }\n  chairs: [", StringComparison.Ordinal));
        var problem = Assert.Single(result.Errors);
        Assert.Equal("round.counterparts.review", problem.Field);
        Assert.Contains("use none or unverified", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_yaml_names_the_line_and_column()
    {
        var message = Only("agreement:\n  title: 'unclosed\nround: {}\n");
        Assert.StartsWith("line 2, column 10: (definition): this is not valid YAML or JSON:", message);
        Assert.Equal(
            "line 3, column 1: (definition): this is not valid YAML or JSON: the '[' opened on line 2, column 10 is still open here: close it before this line, or indent this line further",
            Only("agreement:\n  title: [unclosed\nround: {}\n"));
    }

    // Syntax errors are reported where the mistake is, in people's words: YamlDotNet's own answer is at
    // line 1, column 1 for some (a tab) and has no position at all for others (a line that falls out of
    // an unclosed bracket).
    [Theory]
    [InlineData("json, closing brace missing", "line 16, column 1", "the document ends before the '{' opened on line 1, column 1 is closed")]
    [InlineData("json, '[' never closed", "line 15, column 1", "this '}' cannot close the '[' opened on line 10, column 15; close that with ']' first")]
    [InlineData("json, quote never closed", "line 2, column 88", "the quote opened here runs on to line 3; is its closing quote missing?")]
    [InlineData("json, comma missing at a line end", "line 5, column 5", "expected ',' or '}' here; is a ',' missing at the end of line 4?")]
    [InlineData("json, one brace too many", "line 16, column 2", "this '}' closes nothing: there is no '{' open here")]
    [InlineData("json, key given twice", "line 2, column 75", "'title' is given more than once in the same mapping; keep one")]
    [InlineData("yaml, '{' left open", "line 9, column 3", "the '{' opened on line 8, column 11 is still open here: close it before this line, or indent this line further")]
    [InlineData("yaml, '[' left open", "line 7, column 51", "this '}' cannot close the '[' opened on line 7, column 24; close that with ']' first")]
    [InlineData("yaml, quote never closed", "line 12, column 11", "the quote opened here is never closed")]
    [InlineData("yaml, double quote not closed on its line", "line 2, column 10", "the quote opened here is not closed before line 3")]
    [InlineData("yaml, tab starting line 11", "line 11, column 1", "line 11 is indented with a tab; indent with spaces")]
    [InlineData("yaml, tab after spaces on line 13", "line 13, column 3", "line 13 is indented with a tab; indent with spaces")]
    [InlineData("yaml, line indented too far", "line 3, column 4", "line 3 is indented further than line 2, so it reads as more of the value there; line it up with the key it belongs with")]
    [InlineData("yaml, line indented too little", "line 3, column 2", "line 3 is not lined up with the lines above it; indent it exactly as far as the keys or '-' items it belongs with")]
    [InlineData("yaml, key given twice", "line 4, column 3", "'title' is given more than once in the same mapping; keep one")]
    [InlineData("yaml, ': ' in a value", "line 2, column 26", "a value with ': ' in it must be in quotes")]
    [InlineData("yaml, key without ':' above a block", "line 4, column 1", "'round' has no ':' after it")]
    [InlineData("yaml, key without ':' above a key", "line 10, column 1", "'coordinator' has no ':' after it")]
    [InlineData("yaml, alias to nothing", "line 3, column 14", "there is no '&ref' before this '*ref' for it to repeat")]
    public void Syntax_errors_are_placed_where_the_mistake_is(string mistake, string where, string message)
    {
        var text = mistake switch
        {
            "json, closing brace missing" => ValidJson[..ValidJson.LastIndexOf('}')],
            "json, '[' never closed" => ValidJson.Replace("  ]\n}", "}"),
            "json, quote never closed" => ValidJson.Replace("\"EXA-MOU-1\" }", "\"EXA-MOU-1 }"),
            "json, comma missing at a line end" => ValidJson.Replace("\"england-and-wales\",", "\"england-and-wales\""),
            "json, one brace too many" => ValidJson + "}",
            "json, key given twice" => ValidJson.Replace("\"reference\": \"EXA-MOU-1\"", "\"title\": \"EXA-MOU-1\""),
            "yaml, '{' left open" => Valid.Replace("day: monday }", "day: monday"),
            "yaml, '[' left open" => Valid.Replace("before: [10, 5, 2]", "before: [10, 5, 2"),
            "yaml, quote never closed" => Valid.Replace("name: Example District Council", "name: 'Example District Council"),
            "yaml, double quote not closed on its line" => Valid.Replace("title: Example", "title: \"Example"),
            "yaml, tab starting line 11" => Block.Replace("\n  name: Programme Office", "\n\tname: Programme Office"),
            "yaml, tab after spaces on line 13" => Valid.Replace("    officer: { name: Jo Bloggs", "  \t  officer: { name: Jo Bloggs"),
            "yaml, line indented too far" => Valid.Replace("  reference:", "   reference:"),
            "yaml, line indented too little" => Valid.Replace("  reference:", " reference:"),
            "yaml, key given twice" => Valid.Replace("  reference: EXA-MOU-1", "  reference: EXA-MOU-1\n  title: Again"),
            "yaml, ': ' in a value" => Valid.Replace("Example Alliance Memorandum", "Example Alliance: Memorandum"),
            "yaml, key without ':' above a block" => Valid.Replace("\nround:", "\nround"),
            "yaml, key without ':' above a key" => Valid.Replace("coordinator: { name: Programme Office, email: office@alliance.example }", "coordinator"),
            "yaml, alias to nothing" => Valid.Replace("reference: EXA-MOU-1", "reference: *ref"),
            _ => throw new ArgumentOutOfRangeException(nameof(mistake)),
        };

        Assert.Equal($"{where}: (definition): this is not valid YAML or JSON: {message}", Only(text));
    }

    [Fact]
    public void Json_values_of_the_wrong_type_are_refused_with_their_field()
    {
        var result = Parse(ValidJson
            .Replace("\"title\": \"Example Alliance Memorandum of Understanding\"", "\"title\": 42")
            .Replace("\"overdueEvery\": 5", "\"overdueEvery\": \"5\"")
            .Replace("[10, 5, 2]", "[10, \"5\", 2]")
            .Replace("\"name\": \"Jo Bloggs\"", "\"name\": true")
            .Replace("\"meeting\": \"2021-06-30\"", "\"meeting\": null")
            .Replace("\"dueBy\": \"2021-07-23\"", "\"dueBy\": 20210723"));

        Assert.Equal(
        [
            "line 2, column 27: agreement.title: must be text in double quotes, not the number 42",
            "line 5, column 35: round.reminders.before[1]: must be a number without quotes, not the text \"5\"",
            "line 5, column 60: round.reminders.overdueEvery: must be a number without quotes, not the text \"5\"",
            "line 11, column 64: partners[0].officer.name: must be text in double quotes, not the value true",
            "line 12, column 59: partners[0].governance.meeting: must be text in double quotes, not null",
            "line 14, column 61: partners[1].dueBy: must be text in double quotes, not the number 20210723",
        ], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Unquoted_yaml_values_are_text_and_null_is_no_value()
    {
        // To people writing YAML, reference: 2021 is text; YAML's guess that it is a number is invisible to them.
        var result = Parse(Valid
            .Replace("reference: EXA-MOU-1", "reference: 2021")
            .Replace("name: Jo Bloggs", "name: true")
            .Replace("dueBy: 2021-07-23", "dueBy: ~"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("2021", result.Definition!.Agreement.Reference);
        Assert.Equal("true", result.Definition.Partners[0].Officer.Name);
        Assert.Null(result.Definition.Partners[1].DueBy);
        Assert.Equal("line 2, column 10: agreement.title: is required", Only(Valid.Replace("title: Example Alliance Memorandum of Understanding", "title: null")));
    }

    [Fact]
    public void Digest_days_are_the_schemas_names_only()
    {
        Assert.Equal("line 8, column 36: round.digest.day: 'Monday': write days in lower case, e.g. monday", Only(Valid.Replace("day: monday", "day: Monday")));

        // Enum parsing would have read this as Monday | Tuesday, that is Wednesday.
        Assert.Equal(
            "line 6, column 46: round.digest.day: 'monday, tuesday' is not a day of the week; use monday to sunday",
            Only(ValidJson.Replace("\"day\": \"monday\"", "\"day\": \"monday, tuesday\"")));
    }

    [Fact]
    public void A_definition_that_is_not_a_mapping()
    {
        Assert.Equal("line 1, column 1: (definition): the definition must be a mapping with agreement, round, coordinator and partners", Only("- just\n- a list\n"));
    }

    [Fact]
    public void An_invalid_email_names_its_field_line_and_column()
    {
        var message = Only(Valid.Replace("jo.bloggs@council.example", "jo@"));
        Assert.Equal("line 13, column 40: partners[0].officer.email: 'jo@' is not a valid email address", message);
    }

    [Fact]
    public void An_unknown_route_lists_the_known_ones()
    {
        var message = Only(Valid.Replace("route: cabinet-member", "route: cabinet-membr"));
        Assert.Equal(
            "line 17, column 26: partners[1].governance.route: unknown governance route 'cabinet-membr'; known routes are: " +
            "cabinet, cabinet-10-day-call-in, cabinet-member, charity-board, company-board, delegated-officer, full-council, icb-board, nhs-trust-board, university-council",
            message);
    }

    [Fact]
    public void Duplicate_partners_are_rejected_whatever_their_case_and_spacing()
    {
        var message = Only(Valid.Replace("name: Example County Council", "name: 'example district council '"));
        Assert.Equal("line 15, column 11: partners[1].name: 'example district council' is listed more than once (first as partners[0])", message);
    }

    [Fact]
    public void Duplicate_officer_emails_are_rejected()
    {
        var message = Only(Valid.Replace("sam.smith@county.example", "Jo.Bloggs@council.example"));
        Assert.Equal(
            "line 16, column 40: partners[1].officer.email: officer email 'Jo.Bloggs@council.example' is already used by partners[0] (Example District Council); each partner needs its own officer",
            message);
    }

    [Fact]
    public void A_deadline_before_the_launch_date()
    {
        var message = Only(Valid.Replace("    dueBy: 2021-07-23", ""), launch: D("2021-08-02"));
        Assert.Equal("line 5, column 13: round.deadline: the deadline 2021-07-31 is before the launch date 2021-08-02", message);
    }

    [Fact]
    public void A_meeting_after_the_deadline_is_a_warning_not_an_error()
    {
        var result = Parse(Valid.Replace("meeting: 2021-06-30", "meeting: 2021-08-04"));

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Problems);
        Assert.Equal(ProblemSeverity.Warning, warning.Severity);
        Assert.Equal(
            "warning: line 14, column 49: partners[0].governance.meeting: the meeting on 2021-08-04 is after the due date 2021-07-31; Example District Council will be overdue unless the meeting moves",
            warning.ToString());
    }

    [Fact]
    public void A_partner_due_date_after_the_deadline()
    {
        var message = Only(Valid.Replace("dueBy: 2021-07-23", "dueBy: 2021-08-06"));
        Assert.Equal("line 18, column 12: partners[1].dueBy: the due date 2021-08-06 is after the round deadline 2021-07-31", message);
    }

    [Fact]
    public void An_empty_partner_list()
    {
        var message = Only(Valid[..Valid.IndexOf("partners:", StringComparison.Ordinal)] + "partners: []\n");
        Assert.Equal("line 11, column 11: partners: a round needs at least one partner", message);
    }

    [Fact]
    public void A_missing_partner_list()
    {
        var message = Only(Valid[..Valid.IndexOf("partners:", StringComparison.Ordinal)]);
        Assert.Equal("line 1, column 1: partners: a round needs at least one partner", message);
    }

    [Fact]
    public void Bad_dates_say_how_to_write_them()
    {
        var message = Only(Valid.Replace("deadline: 2021-07-31", "deadline: 31/07/2021"));
        Assert.Equal("line 5, column 13: round.deadline: '31/07/2021' is not a date; write it as YYYY-MM-DD", message);
    }

    [Fact]
    public void Unknown_fields_are_named()
    {
        var message = Only(Valid.Replace("  reference: EXA-MOU-1", "  reference: EXA-MOU-1\n  referance: typo"));
        Assert.Equal("line 4, column 3: agreement.referance: unknown field 'referance'; expected one of: title, reference, review, notice", message);
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        var message = Only(Valid.Replace("  title: Example Alliance Memorandum of Understanding\n", ""));
        Assert.Equal("line 2, column 3: agreement.title: is required", message);
    }

    [Fact]
    public void Unknown_calendar_and_bad_reminder_settings()
    {
        var result = Parse(Valid
            .Replace("calendar: england-and-wales", "calendar: wales")
            .Replace("before: [10, 5, 2], overdueEvery: 5", "before: [10, 0], overdueEvery: none")
            .Replace("schedule: weekly, day: monday", "schedule: hourly, day: funday"));

        Assert.Equal(
        [
            "line 6, column 13: round.calendar: unknown calendar 'wales'; use england-and-wales, scotland or northern-ireland",
            "line 7, column 24: round.reminders.before: must be a list of whole numbers of working days greater than 0, e.g. [10, 5, 2]",
            "line 7, column 47: round.reminders.overdueEvery: must be a whole number of working days, 1 or more",
            "line 8, column 23: round.digest.schedule: 'hourly' is not a schedule; use none, daily or weekly",
            "line 8, column 36: round.digest.day: 'funday' is not a day of the week; use monday to sunday",
        ], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void No_chairs_is_a_warning()
    {
        var result = Parse(Valid.Replace("  chairs: [ { name: Alliance Chair, email: chair@alliance.example } ]\n", ""));

        Assert.True(result.IsValid);
        Assert.Equal("warning: line 5, column 3: round.chairs: no chairs: nobody will receive digests or escalations", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_document_order()
    {
        var result = Parse(Valid
            .Replace("reference: EXA-MOU-1", "reference: ''")
            .Replace("chair@alliance.example", "not-an-email")
            .Replace("jo.bloggs@council.example", "jo@")
            .Replace("route: cabinet-member", "route: nope"));

        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        Assert.Equal(
        [
            "agreement.reference", "round.chairs[0].email", "partners[0].officer.email", "partners[1].governance.route",
        ], result.Errors.Select(p => p.Field));
    }

    private static string WithCalendar(string governance) =>
        Valid.Replace("governance: { route: full-council, meeting: 2021-06-30 }", $"governance: {governance}", StringComparison.Ordinal);

    [Fact]
    public void A_partner_may_name_its_published_meeting_calendar_and_the_body_defaults_to_the_route_s()
    {
        var result = Parse(WithCalendar("{ route: full-council, calendar: 'https://democracy.maldon.gov.uk/ical' }"));
        var named = Parse(WithCalendar("{ route: full-council, calendar: 'https://democracy.maldon.gov.uk/ical', body: Council }"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(new MeetingCalendar("https://democracy.maldon.gov.uk/ical", "Full Council"), result.Definition!.Partners[0].Governance.Calendar);
        Assert.Equal("Council", named.Definition!.Partners[0].Governance.Calendar!.Body);
        Assert.Null(result.Definition.Partners[1].Governance.Calendar);
    }

    [Theory]
    [InlineData("http://democracy.maldon.gov.uk/ical", "must use https")]
    [InlineData("file:///etc/passwd", "is not an absolute https:// address")]
    [InlineData("https://10.0.0.1/ical", "a private address")]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://[::1]/ical", "loopback")]
    [InlineData("https://localhost/ical", "not a public host name")]
    [InlineData("https://me:secret@democracy.maldon.gov.uk/ical", "user name or password")]
    public void A_calendar_SignOff_must_not_fetch_is_refused_at_its_field(string url, string why)
    {
        var result = Parse(WithCalendar($"{{ route: full-council, calendar: '{url}' }}"));

        var problem = Assert.Single(result.Errors);
        Assert.Equal("partners[0].governance.calendar", problem.Field);
        Assert.Contains(why, problem.Message, StringComparison.Ordinal);
        Assert.Equal(14, problem.Line);
    }

    [Fact]
    public void A_local_feed_is_accepted_only_where_the_policy_allows_it()
    {
        var text = WithCalendar("{ route: full-council, calendar: 'http://localhost:5000/ical' }");
        var allowed = RoundDefinitionParser.Parse(text, Launch, Workflows.Routes, feeds: new CalendarFeedPolicy(true, ["localhost"]));
        var strict = Parse(text);

        Assert.True(allowed.IsValid, string.Join("\n", allowed.Problems));
        Assert.Equal("partners[0].governance.calendar", Assert.Single(strict.Errors).Field);
    }

    [Fact]
    public void A_body_without_a_calendar_is_refused_rather_than_silently_ignored()
    {
        var result = Parse(WithCalendar("{ route: full-council, body: Full Council }"));

        Assert.Equal("partners[0].governance.body", Assert.Single(result.Errors).Field);
    }
}
