using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// Decisions over HTTP: the officer checks their answers before anything is recorded; the version
/// recorded is the version the page showed; a call-in and a correction through the API.
/// </summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task Check_your_answers_records_nothing_until_the_officer_confirms_and_a_change_link_keeps_the_answers()
    {
        var (roundId, browser, path) = await OfficerPageAsync();
        using var _ = browser;
        var page = await browser.GetStringAsync(path, Ct);
        var events = await EventCountAsync(roundId);

        var check = await browser.PostAsync(path, Form(page, FullCouncilApproval()), Ct);
        var checkPage = await check.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Contains("Check your answers before recording the decision", checkPage);
        Assert.Contains("FC 12/2021", checkPage);
        Assert.Contains("Confirm and record", checkPage);
        Assert.Equal(events, await EventCountAsync(roundId)); // nothing recorded
        Assert.Equal("invited", await StatusAsync(roundId, 0));
        Assert.Equal(Hidden(page)["__submission"], Hidden(checkPage)["__submission"]); // the same submission, so the same trigger

        // "Change" goes back to the form with every answer kept.
        var change = WebUtility.HtmlDecode(ChangeLinkPattern().Match(checkPage).Groups[1].Value);
        var changed = await browser.GetStringAsync(change, Ct);
        Assert.Contains("value=\"FC 12/2021\"", changed);
        // The date comes back in its day, month and year boxes.
        Assert.Matches("id=\"decidedOn\" name=\"decidedOn-day\"[^>]*value=\"1\"", changed);
        Assert.Matches("id=\"decidedOn-month\" name=\"decidedOn-month\"[^>]*value=\"6\"", changed);
        Assert.Matches("id=\"decidedOn-year\" name=\"decidedOn-year\"[^>]*value=\"2021\"", changed);
        Assert.Equal(events, await EventCountAsync(roundId));

        // Confirmed: recorded once, however often the confirmation is posted.
        var confirm = Hidden(checkPage);
        var recorded = await browser.PostAsync(path, new FormUrlEncodedContent(confirm), Ct);
        var again = await browser.PostAsync(path, new FormUrlEncodedContent(confirm), Ct);

        Assert.Contains("Decision recorded", await recorded.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("authorised", await StatusAsync(roundId, 0));
        var log = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        Assert.Single(log.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "DecisionRecorded");
    }

    [Fact]
    public async Task The_confirmation_repeats_the_decision_and_links_on_only_when_the_counterpart_is_next()
    {
        var (_, browser, path) = await OfficerPageAsync();
        using var _ = browser;
        var answers = FullCouncilApproval();
        answers["outcome"] = "approve-with-conditions";
        answers["conditions"] = "Subject to the data-sharing annex.";
        var check = await (await browser.PostAsync(path, Form(await browser.GetStringAsync(path, Ct), answers), Ct)).Content.ReadAsStringAsync(Ct);

        var recorded = WebUtility.HtmlDecode(await (await browser.PostAsync(path, new FormUrlEncodedContent(Hidden(check)), Ct)).Content.ReadAsStringAsync(Ct));

        // Issue 17: what was recorded is repeated (outcome, body, date the UK way, minute, conditions).
        Assert.Contains("Decision recorded", recorded);
        Assert.Contains("<th scope=\"row\">Decision</th><td>Approved subject to conditions</td>", recorded);
        Assert.Contains("<td>Full Council</td>", recorded);
        Assert.Contains("<td>1 June 2021</td>", recorded);
        Assert.Contains("<td>FC 12/2021</td>", recorded);
        Assert.Contains("<td>Subject to the data-sharing annex.</td>", recorded);
        Assert.DoesNotContain("Sign or upload the counterpart", recorded); // the coordinator reviews the conditions first

        var (_, approver, approverPath) = await OfficerPageAsync();
        using var __ = approver;
        var approvalCheck = await (await approver.PostAsync(approverPath, Form(await approver.GetStringAsync(approverPath, Ct), FullCouncilApproval()), Ct)).Content.ReadAsStringAsync(Ct);
        var approved = WebUtility.HtmlDecode(await (await approver.PostAsync(approverPath, new FormUrlEncodedContent(Hidden(approvalCheck)), Ct)).Content.ReadAsStringAsync(Ct));
        Assert.Contains($"<a href=\"{approverPath}?next=counterpart#counterpart\" class=\"button\">Sign or upload the counterpart</a>", approved);
        Assert.Contains("id=\"counterpart\"", await approver.GetStringAsync(approverPath + "?next=counterpart", Ct));
    }

    [Fact]
    public async Task A_decision_through_a_link_from_before_a_revision_is_recorded_on_the_version_the_page_showed()
    {
        var (roundId, browser, path) = await OfficerPageAsync();
        using var _ = browser;
        var revision = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n% with the updated annex\n%%EOF\n")), "draft", "draft-v2.pdf" },
            { new StringContent("minor"), "kind" },
        };
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/rounds/{roundId}/revisions", revision, Ct)).StatusCode);

        // The invitation's link was issued for version 1; the page now shows version 2.
        var page = await browser.GetStringAsync(path, Ct);
        Assert.Contains("On version 2 of the draft.", page);
        Assert.Equal("2", Hidden(page)["version"]);
        var check = await (await browser.PostAsync(path, Form(page, new()
        {
            ["form"] = "decision",
            ["outcome"] = "approve",
            ["decidedOn"] = "2021-06-01",
        }), Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("version 2", check);
        await browser.PostAsync(path, new FormUrlEncodedContent(Hidden(check)), Ct);

        var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal(2, round.GetProperty("partners")[0].GetProperty("decision").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_call_in_holds_a_partner_until_it_is_upheld_and_a_correction_keeps_the_original_in_the_log()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        const string maldon = "maldon-district-council", chelmsford = "chelmsford-city-council";
        foreach (var partner in new[] { maldon, chelmsford })
        {
            var decided = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partner}/decision",
                new { outcome = "approve", evidence = "Published decision notice", decidedOn = "2021-06-01" }, Ct);
            Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        }

        var refused = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/call-in", new { calledInOn = "2021-06-01" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode); // Full Council: no call-in
        var calledIn = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{chelmsford}/call-in",
            new { calledInOn = "2021-06-01", committee = "Scrutiny Committee", reason = "Cost" }, Ct);
        Assert.Equal(HttpStatusCode.OK, calledIn.StatusCode);
        Assert.Equal("called-in", await StatusAsync(roundId, 1));
        await host.AdvanceClockAsync("P14D", Ct);
        Assert.Equal("called-in", await StatusAsync(roundId, 1));
        var upheld = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{chelmsford}/call-in/outcome", new { outcome = "upheld", decidedOn = "2021-06-14" }, Ct);
        Assert.Equal(HttpStatusCode.OK, upheld.StatusCode);
        var after = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal("authorised", after.GetProperty("partners")[1].GetProperty("status").GetString());
        Assert.Equal("2021-06-14", after.GetProperty("partners")[1].GetProperty("authorisedOn").GetString());

        var missingWhy = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/decision/correction",
            new { outcome = "decline", reason = "No budget", decidedOn = "2021-06-01", evidence = "Minutes" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingWhy.StatusCode);
        var corrected = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/decision/correction",
            new { outcome = "decline", reason = "No budget", decidedOn = "2021-06-01", evidence = "Minutes, item 7", correctionReason = "Approve was pressed by mistake" }, Ct);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var final = await corrected.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("declined", final.GetProperty("partners")[0].GetProperty("status").GetString());
        Assert.Equal("stalled", final.GetProperty("status").GetString());
        var log = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var correction = Assert.Single(log.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "DecisionCorrected");
        Assert.Equal("approved", correction.GetProperty("data").GetProperty("original").GetProperty("outcome").GetString());

        await host.DrainAsync(Ct);
        var mails = await MailDevInbox.ForRoundAsync(roundId, Ct);
        Assert.Contains(mails, m => m.To == "chair@alliance.example" && m.Subject.Contains("Corrected", StringComparison.Ordinal));
        Assert.Contains(mails, m => m.To == "jo@maldon.example" && m.Subject.Contains("Corrected", StringComparison.Ordinal));
        Assert.Contains(mails, m => m.To == "chair@alliance.example" && m.Subject.Contains("called in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_coordinators_partner_page_records_a_call_in_and_corrects_a_decision_keeping_the_original_on_the_timeline()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        foreach (var partner in new[] { "maldon-district-council", "chelmsford-city-council" })
        {
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partner}/decision",
                new { outcome = "approve", evidence = "Published decision notice", decidedOn = "2021-06-01" }, Ct)).StatusCode);
        }

        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        var signedIn = await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var chelmsford = $"/rounds/{roundId}/partners/chelmsford-city-council";
        var page = await browser.GetStringAsync(chelmsford, Ct);
        var calledIn = await browser.PostAsync($"{chelmsford}/call-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(page, "/call-in"))
        {
            ["calledInOn"] = "2021-06-01",
            ["committee"] = "Scrutiny Committee",
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, calledIn.StatusCode);
        Assert.Equal("called-in", await StatusAsync(roundId, 1));
        Assert.Contains("Record the outcome", await browser.GetStringAsync(chelmsford, Ct));

        var maldon = $"/rounds/{roundId}/partners/maldon-district-council";
        page = await browser.GetStringAsync(maldon, Ct);
        var correction = await browser.PostAsync($"{maldon}/decision/correction", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(page, "/decision/correction"))
        {
            ["outcome"] = "decline",
            ["body"] = "Full Council",
            ["decidedOn"] = "2021-06-01",
            ["reason"] = "No budget",
            ["evidence"] = "Minutes, item 7",
            ["correctionReason"] = "Approve was pressed by mistake",
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, correction.StatusCode);
        Assert.Equal("declined", await StatusAsync(roundId, 0));
        var timeline = WebUtility.HtmlDecode(await browser.GetStringAsync(maldon, Ct));
        Assert.Contains("decision was corrected from approved by Full Council on 1 June 2021", timeline);
    }

    /// <summary>Launches the round and opens Maldon's officer link in a browser that keeps cookies.</summary>
    private async Task<(string RoundId, HttpClient Browser, string Path)> OfficerPageAsync()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        await host.DrainAsync(Ct);
        var invitation = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Single(m => m.To == "jo@maldon.example");
        var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        return (roundId, browser, LinkPattern().Match(invitation.Text).Groups[1].Value);
    }

    private async Task<int> EventCountAsync(string roundId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct)).GetProperty("events").GetArrayLength();

    private async Task<string?> StatusAsync(string roundId, int partner) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct)).GetProperty("partners")[partner].GetProperty("status").GetString();

    /// <summary>Maldon's approval at Full Council, as its officer enters it on the decision form.</summary>
    internal static Dictionary<string, string> FullCouncilApproval() => new()
    {
        ["form"] = "decision",
        ["outcome"] = "approve",
        ["body"] = "Full Council",
        ["decidedOn"] = "2021-06-01",
        ["minuteReference"] = "FC 12/2021",
    };

    /// <summary>The decision form's post: its anti-forgery token, submission id and version, with the answers.</summary>
    internal static FormUrlEncodedContent Form(string page, Dictionary<string, string> answers)
    {
        var hidden = Hidden(page);
        foreach (var name in new[] { "__RequestVerificationToken", "__submission", "version" })
        {
            answers[name] = hidden[name];
        }

        return new FormUrlEncodedContent(answers);
    }

    /// <summary>The hidden fields of a page's first form (the decision form, the confirmation), or of the form posting to an address ending so.</summary>
    internal static Dictionary<string, string> Hidden(string page, string? actionEndsWith = null)
    {
        var form = FormPattern().Matches(page).First(f => actionEndsWith is null || f.Value.Contains($"{actionEndsWith}\"", StringComparison.Ordinal)).Value;
        return HiddenPattern().Matches(form).DistinctBy(m => m.Groups[1].Value)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value), StringComparer.Ordinal);
    }

    [GeneratedRegex(@"http://localhost(/respond/[A-Za-z0-9_-]+)")]
    internal static partial Regex LinkPattern();

    [GeneratedRegex("<form method=\"post\".*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex("<a href=\"(/respond/[^\"]+)\">Change")]
    private static partial Regex ChangeLinkPattern();
}
