using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Core.Definitions;

namespace SignOff.Integration.Tests.Host;

/// <summary>"Build a round": the form a coordinator fills in instead of writing YAML, as a browser without JavaScript posts it.</summary>
public sealed partial class RoundBuilderTests : IAsyncLifetime
{
    private const string Roster = """
        organisation,officer name,officer email,governance route,meeting date
        Braintree District Council,Jordan Ellis,jordan.ellis@braintree.example,cabinet,2021-06-21
        """;

    private readonly SignOffFactory host = new();
    private HttpClient browser = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        browser = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        using var key = new FormUrlEncodedContent(new Dictionary<string, string>(ApiTests.Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey });
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", key, Ct)).StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        browser.Dispose();
        await host.DisposeAsync();
    }

    /// <summary>Two partners filled in, as a coordinator would type them; a title with the characters YAML cares about.</summary>
    private static Dictionary<string, string> Filled(Dictionary<string, string> page)
    {
        page["agreement-title"] = "Test Alliance: MoU #1, \"final\"";
        page["agreement-reference"] = "TEST-BUILD";
        page["round-deadline"] = "2021-07-30";
        page["coordinator-name"] = "Programme Office";
        page["coordinator-email"] = "office@alliance.example";
        page["round-chairs-0-name"] = "Pat Morgan";
        page["round-chairs-0-email"] = "chair@alliance.example";
        page["partners-0-name"] = "Maldon District Council";
        page["partners-0-officer-name"] = "Jo Bloggs";
        page["partners-0-officer-email"] = "jo@maldon.example";
        page["partners-0-governance-route"] = "full-council";
        page["partners-0-governance-meeting"] = "2021-06-30";
        page["partners-1-name"] = "Chelmsford City Council";
        page["partners-1-officer-name"] = "Sam Smith";
        page["partners-1-officer-email"] = "sam@chelmsford.example";
        page["partners-1-governance-route"] = "cabinet";
        return page;
    }

    [Fact]
    public async Task Adding_a_partner_row_keeps_everything_typed_and_adds_one_empty_row()
    {
        var fields = Filled(await OpenAsync());

        var response = await PostAsync(fields, "add-partner");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        var again = Fields(page);
        Assert.Equal("Test Alliance: MoU #1, \"final\"", again["agreement-title"]);
        Assert.Equal(("30", "7", "2021"), (again["round-deadline-day"], again["round-deadline-month"], again["round-deadline-year"]));
        Assert.Equal("sam@chelmsford.example", again["partners-1-officer-email"]);
        Assert.Equal("cabinet", again["partners-1-governance-route"]);
        Assert.Equal("", again["partners-2-name"]);
        Assert.DoesNotContain("partners-3-name", again.Keys);
        Assert.Contains("<legend>Partner 3</legend>", page, StringComparison.Ordinal);

        var fewer = Fields(await (await PostAsync(again, "remove-partner-0")).Content.ReadAsStringAsync(Ct));
        Assert.Equal("Chelmsford City Council", fewer["partners-0-name"]);
        Assert.DoesNotContain("partners-2-name", fewer.Keys);
    }

    [Fact]
    public async Task A_partner_s_published_calendar_is_kept_across_rows_and_one_SignOff_must_not_fetch_is_refused_beside_its_field()
    {
        var fields = Filled(await OpenAsync());
        fields["partners-0-governance-calendar"] = "https://democracy.maldon.example/ical";
        fields["partners-0-governance-body"] = "Full Council";
        fields["partners-1-governance-calendar"] = "https://10.0.0.1/ical";

        var kept = Fields(await (await PostAsync(fields, "add-partner")).Content.ReadAsStringAsync(Ct));
        var response = await PostAsync(fields, "check", draft: ApiTests.Pdf);

        Assert.Equal(("https://democracy.maldon.example/ical", "Full Council"), (kept["partners-0-governance-calendar"], kept["partners-0-governance-body"]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        var (field, text) = Assert.Single(SummaryLinks().Matches(page).Select(m => (m.Groups[1].Value, m.Groups[2].Value)));
        Assert.Equal("partners-1-governance-calendar", field);
        Assert.StartsWith("Partner 2, the published meeting calendar: ", text, StringComparison.Ordinal);
        Assert.Contains("10.0.0.1 is a private address", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problems_are_in_peoples_words_beside_their_fields_and_an_empty_row_is_no_problem()
    {
        var fields = Filled(await OpenAsync());
        fields["round-deadline"] = "";
        fields["partners-1-officer-email"] = "";
        fields["partners-2-name"] = "Essex County Council";
        fields["partners-2-officer-name"] = "Morgan Price";
        fields["partners-2-officer-email"] = "jo@";
        fields["partners-2-governance-route"] = "";
        foreach (var blank in new[] { "name", "officer-name", "officer-email", "governance-route", "governance-meeting", "dueBy" })
        {
            fields[$"partners-3-{blank}"] = "";
        }

        var response = await PostAsync(fields, "check", draft: ApiTests.Pdf);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(
        [
            ("round-deadline", "Enter the deadline"),
            ("partners-1-officer-email", "Partner 2: the officer's email is missing"),
            ("partners-2-officer-email", "Partner 3: 'jo@' is not an email address"),
            ("partners-2-governance-route", "Partner 3: choose a governance route"),
        ], SummaryLinks().Matches(page).Select(m => (m.Groups[1].Value, m.Groups[2].Value)));
        Assert.Contains("<p id=\"partners-1-officer-email-error\" class=\"error-message\"><span class=\"visually-hidden\">Error:</span> Partner 2: the officer's email is missing</p>", page, StringComparison.Ordinal);
        Assert.Matches("id=\"partners-1-officer-email\"[^>]*aria-invalid=\"true\"", page);
        Assert.DoesNotContain("Partner 4", page, StringComparison.Ordinal);
        Assert.DoesNotContain("partners-3-name", Fields(page).Keys);
    }

    [Fact]
    public async Task The_draft_is_asked_for_with_the_other_problems_and_a_roster_is_imported_or_refused_with_its_line()
    {
        var fields = Filled(await OpenAsync());

        var noDraft = await PostAsync(fields, "check");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noDraft.StatusCode);
        Assert.Contains("<a href=\"#draft\">Choose the draft agreement (a PDF or Word file)</a>", await noDraft.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var imported = await PostAsync(fields, "import", roster: Roster);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var page = await imported.Content.ReadAsStringAsync(Ct);
        Assert.Contains("1 partner added from the roster.", page, StringComparison.Ordinal);
        var rows = Fields(page);
        Assert.Equal("Braintree District Council", rows["partners-2-name"]);
        Assert.Equal("cabinet", rows["partners-2-governance-route"]);
        Assert.Equal(("21", "6", "2021"), (rows["partners-2-governance-meeting-day"], rows["partners-2-governance-meeting-month"], rows["partners-2-governance-meeting-year"]));

        var refused = await PostAsync(fields, "import", roster: Roster.Replace("jordan.ellis@braintree.example", "", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problems = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct));
        Assert.Contains("<a href=\"#roster\">The roster has a problem: nothing was imported</a>", problems, StringComparison.Ordinal);
        Assert.Contains("<li>Roster line 2: the officer's email is missing</li>", problems, StringComparison.Ordinal);
        Assert.DoesNotContain("partners-2-name", Fields(problems).Keys);
    }

    [Fact]
    public async Task Download_as_yaml_gives_the_definition_to_keep_which_reads_back_as_typed()
    {
        var fields = Filled(await OpenAsync());
        fields["partners-2-name"] = "";

        var response = await PostAsync(fields, "download");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("TEST-BUILD.yaml", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var yaml = await response.Content.ReadAsStringAsync(Ct);
        var read = RoundDefinitionParser.Parse(yaml, new DateOnly(2021, 6, 1), host.Services.GetRequiredService<GovernanceRouteCatalog>());
        Assert.True(read.IsValid, yaml + string.Join("\n", read.Problems));
        Assert.Equal("Test Alliance: MoU #1, \"final\"", read.Definition!.Agreement.Title);
        Assert.Equal(["Maldon District Council", "Chelmsford City Council"], read.Definition.Partners.Select(p => p.Name));
        Assert.Equal(new DateOnly(2021, 6, 30), read.Definition.Partners[0].Governance.Meeting);
    }

    [Fact]
    public async Task The_review_cycle_and_notice_period_are_asked_for_on_the_form_and_refused_at_their_fields()
    {
        var fields = Filled(await OpenAsync());
        fields["partners-2-name"] = "";
        fields["agreement-review"] = "6 months";
        fields["agreement-review-from-day"] = "1";
        fields["agreement-review-from-month"] = "7";
        fields["agreement-review-from-year"] = "2022";
        fields["agreement-notice"] = "a month";

        var refused = await PostAsync(fields, "check", draft: ApiTests.Pdf);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("<a href=\"#agreement-notice\">", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        fields["agreement-notice"] = "20 operational days";
        var yaml = await (await PostAsync(fields, "download")).Content.ReadAsStringAsync(Ct);
        var read = RoundDefinitionParser.Parse(yaml, new DateOnly(2021, 6, 1), host.Services.GetRequiredService<GovernanceRouteCatalog>());
        Assert.True(read.IsValid, yaml + string.Join("\n", read.Problems));
        Assert.Equal(new SignOff.Core.Agreements.ReviewCycle.Every(6, new DateOnly(2022, 7, 1)), read.Definition!.Reviews);
        Assert.Equal(new SignOff.Core.Agreements.NoticePeriod(20, SignOff.Core.Agreements.NoticeUnit.OperationalDays), read.Definition.Notice);
    }

    [Fact]
    public async Task A_built_round_is_checked_on_the_preview_an_upload_gets_and_launches_from_it()
    {
        var fields = Filled(await OpenAsync());

        var response = await PostAsync(fields, "check", draft: ApiTests.Pdf);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync(Ct);
        var preview = WebUtility.HtmlDecode(raw);
        Assert.Contains("<h1 class=\"heading-l\">Check the round before sending</h1>", preview, StringComparison.Ordinal);
        Assert.Contains("<h2 class=\"heading-m\">2 partners</h2>", preview, StringComparison.Ordinal);
        Assert.Contains("Maldon District Council", preview, StringComparison.Ordinal);
        Assert.Contains("Chelmsford City Council", preview, StringComparison.Ordinal);
        Assert.Contains("value=\"edit\"", preview, StringComparison.Ordinal);

        var back = await browser.PostAsync("/rounds/build", new FormUrlEncodedContent(ApiTests.Hidden(raw, "/rounds/build").Append(new("action", "edit"))), Ct);
        Assert.Equal("Test Alliance: MoU #1, \"final\"", Fields(await back.Content.ReadAsStringAsync(Ct))["agreement-title"]);

        using var confirm = new FormUrlEncodedContent(ApiTests.Hidden(raw, "/rounds/new/confirm"));
        var launched = await browser.PostAsync("/rounds/new/confirm", confirm, Ct);
        Assert.Equal(HttpStatusCode.Redirect, launched.StatusCode);
        var round = WebUtility.HtmlDecode(await browser.GetStringAsync(launched.Headers.Location!.ToString(), Ct));
        Assert.Contains("Test Alliance: MoU #1, \"final\"", round, StringComparison.Ordinal);
        Assert.Contains("Chelmsford City Council", round, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_chosen_early_is_kept_while_rows_are_added_and_used_when_checking()
    {
        var fields = Filled(await OpenAsync());

        var added = await (await PostAsync(fields, "add-partner", draft: ApiTests.Pdf)).Content.ReadAsStringAsync(Ct);

        Assert.Contains("Using draft.pdf. To use another file, choose it here.", added, StringComparison.Ordinal);
        var again = Fields(added);
        Assert.Equal(64, again["draftSha256"].Length);
        var response = await PostAsync(again, "check");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1 class=\"heading-l\">Check the round before sending</h1>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_uploaded_files_problems_name_the_partner_and_keep_the_line_and_path()
    {
        using var form = ApiTests.Upload(ApiTests.Definition().Replace("sam@chelmsford.example", "sam@", StringComparison.Ordinal), ApiTests.Pdf);
        var page = await browser.GetStringAsync("/rounds/new", Ct);
        form.Add(new StringContent(ApiTests.Hidden(page)["__RequestVerificationToken"]), "__RequestVerificationToken");

        var response = await browser.PostAsync("/rounds/new", form, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Matches(@"<li>Line 8, column \d+: Partner 2 \(Chelmsford City Council\): 'sam@' is not an email address <span class=""secondary"">\(<code>partners\[1\]\.officer\.email</code>\)</span></li>",
            WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)));
    }

    private async Task<Dictionary<string, string>> OpenAsync()
    {
        var response = await browser.GetAsync("/rounds/build", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        var fields = Fields(page);
        Assert.Equal("england-and-wales", fields["round-calendar"]);
        Assert.Equal("10, 5, 2", fields["round-reminders-before"]);
        Assert.Contains("partners-1-name", fields.Keys);
        Assert.DoesNotContain("partners-2-name", fields.Keys);
        Assert.Contains("round-chairs-0-name", fields.Keys);
        return fields;
    }

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> fields, string action, byte[]? draft = null, string? roster = null)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields.Where(f => f.Key != "action"))
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new StringContent(action), "action");
        if (draft is not null)
        {
            var file = new ByteArrayContent(draft);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "draft", "draft.pdf");
        }

        if (roster is not null)
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(roster)), "roster", "roster.csv");
        }

        return await browser.PostAsync("/rounds/build", form, Ct);
    }

    /// <summary>What a browser would post from the build form: each input's value, each checked radio, each select's chosen option.</summary>
    private static Dictionary<string, string> Fields(string page)
    {
        var form = BuildForm().Match(page).Value;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Input().Matches(form))
        {
            var tag = input.Value;
            var name = Attribute(tag, "name");
            var type = Attribute(tag, "type");
            if (name is null || type is "file" || type is "radio" && !tag.Contains(" checked", StringComparison.Ordinal))
            {
                continue;
            }

            fields[name] = Attribute(tag, "value") ?? "";
        }

        foreach (Match select in Select().Matches(form))
        {
            var chosen = Option().Matches(select.Groups[2].Value).FirstOrDefault(o => o.Value.Contains(" selected", StringComparison.Ordinal)) ?? Option().Match(select.Groups[2].Value);
            fields[select.Groups[1].Value] = Attribute(chosen.Value, "value") ?? "";
        }

        return fields;
    }

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("<form method=\"post\" action=\"/rounds/build\".*?</form>", RegexOptions.Singleline)]
    private static partial Regex BuildForm();

    [GeneratedRegex("<input\\b[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("<select\\b[^>]*name=\"([^\"]+)\"[^>]*>(.*?)</select>", RegexOptions.Singleline)]
    private static partial Regex Select();

    [GeneratedRegex("<option\\b[^>]*>")]
    private static partial Regex Option();

    [GeneratedRegex("<li>\\s*<a href=\"#([^\"]+)\">([^<]+)</a>")]
    private static partial Regex SummaryLinks();
}
