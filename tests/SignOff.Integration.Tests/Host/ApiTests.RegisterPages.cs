using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>The register's pages for coordinators: the agreements view, an agreement's page, and the acts recorded on it, as a browser without JavaScript posts them.</summary>
public sealed partial class ApiTests
{
    private const string Maldon = "maldon-district-council";

    [Fact]
    public async Task The_agreements_view_is_empty_until_a_round_takes_effect_then_lists_it_with_what_is_due_next()
    {
        using var browser = await CoordinatorBrowserAsync();
        var empty = WebUtility.HtmlDecode(await browser.GetStringAsync("/agreements", Ct));
        Assert.Contains("No agreement is in force yet. An agreement appears here when every partner in its round has signed.", empty, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/rounds\">See the rounds</a>", empty, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/agreements\" aria-current=\"page\">Agreements</a>", empty, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/agreements\">agreements register</a>", await browser.GetStringAsync("/rounds", Ct), StringComparison.Ordinal);
        using (var anonymous = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
        {
            var refused = await anonymous.GetAsync("/agreements", Ct);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Equal("/sign-in?returnUrl=%2Fagreements", refused.Headers.Location?.OriginalString);
        }

        var agreementId = await ReviewedAgreementInForceAsync();

        var list = WebUtility.HtmlDecode(await browser.GetStringAsync("/agreements", Ct));
        var row = Row(list, agreementId);
        Assert.Contains($"<a href=\"/agreements/{agreementId}\">Test Alliance MoU</a>", row, StringComparison.Ordinal);
        Assert.Contains("TEST-PAGES", row, StringComparison.Ordinal);
        Assert.Contains(">in force</strong>", row, StringComparison.Ordinal);
        Assert.Contains("<td data-label=\"Parties bound\">2</td>", row, StringComparison.Ordinal);
        Assert.Contains("Version 1", row, StringComparison.Ordinal);
        Assert.Contains("15 June 2021", row, StringComparison.Ordinal);
        Assert.Contains("Review due on 1 July 2021.", row, StringComparison.Ordinal);
        Assert.DoesNotContain("No agreement is in force yet", list, StringComparison.Ordinal);

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/agreements/{agreementId}", Ct));
        Assert.Contains("<h1 class=\"heading-l\">Test Alliance MoU</h1>", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/rounds/{agreementId}\">the round that made it</a>", page, StringComparison.Ordinal);
        Assert.Matches($"Version 1: <a href=\"/rounds/{agreementId}/documents/[0-9a-f]{{64}}\">draft.pdf</a>", page);
        Assert.Contains("Reviewed every 6 months from 1 July 2021.", page, StringComparison.Ordinal);
        Assert.Contains("A party leaving gives 30 days' notice", page, StringComparison.Ordinal);
        Assert.Contains(">bound</strong>", Row(page, Maldon, "party"), StringComparison.Ordinal);
        Assert.Contains("Jo Bloggs", Row(page, Maldon, "party"), StringComparison.Ordinal);
        Assert.Contains("Test Alliance MoU took effect on 15 June 2021: version 1 (draft.pdf) binds 2 parties: Maldon District Council and Chelmsford City Council.", page, StringComparison.Ordinal);
        Assert.Contains("The next review is due on 1 July 2021.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("act-continuation", page, StringComparison.Ordinal); // nobody has left: no view is asked for

        var missing = await browser.GetAsync("/agreements/no-such-agreement", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Page not found", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_joining_organisation_is_asked_from_the_agreement_page_and_bad_input_launches_nothing()
    {
        var agreementId = await ReviewedAgreementInForceAsync();
        using var browser = await CoordinatorBrowserAsync();
        var agreementPath = $"/agreements/{agreementId}";
        var path = $"{agreementPath}/accession";
        var form = WebUtility.HtmlDecode(await browser.GetStringAsync(path, Ct));
        Assert.Contains("<h1 class=\"heading-l\">Add a joining organisation to Test Alliance MoU</h1>", form, StringComparison.Ordinal);
        Assert.Contains("signs a counterpart of version 1 (draft.pdf), the version in force", form, StringComparison.Ordinal);
        Assert.Contains("<option value=\"charity-board\"", form, StringComparison.Ordinal);
        Assert.Contains($"href=\"/agreements/{agreementId}/accession\"", await browser.GetStringAsync($"/agreements/{agreementId}", Ct), StringComparison.Ordinal);
        var rounds = (await api.GetFromJsonAsync<JsonElement>("/api/rounds", Ct)).GetArrayLength();

        var empty = await PostPageFormAsync(browser, agreementPath, "/accession", new() { ["name"] = "" }, path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal(["name", "officerName", "officerEmail", "route", "deadline"], ErrorLinks(WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync(Ct))).Select(e => e.Field));
        Assert.Contains(("name", "Enter the organisation's name"), ErrorLinks(WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync(Ct))));
        var joiner = new Dictionary<string, string>
        {
            ["name"] = "Provide CIC", ["officerName"] = "Pat Jones", ["officerEmail"] = "pat@", ["route"] = "charity-board",
            ["deadline-day"] = "30", ["deadline-month"] = "7", ["deadline-year"] = "2021",
        };
        var badEmail = await PostPageFormAsync(browser, agreementPath, "/accession", joiner, path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEmail.StatusCode);
        var badEmailPage = WebUtility.HtmlDecode(await badEmail.Content.ReadAsStringAsync(Ct));
        Assert.Equal("officerEmail", Assert.Single(ErrorLinks(badEmailPage)).Item1);
        Assert.Matches("name=\"name\"[^>]*value=\"Provide CIC\"", badEmailPage); // what was typed is kept
        var already = await PostPageFormAsync(browser, agreementPath, "/accession", new(joiner) { ["name"] = "Maldon District Council", ["officerEmail"] = "new@maldon.example" }, path);
        Assert.Equal(HttpStatusCode.Conflict, already.StatusCode);
        Assert.Contains("Maldon District Council is already a party to Test Alliance MoU", WebUtility.HtmlDecode(await already.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        var late = await PostPageFormAsync(browser, agreementPath, "/accession", new(joiner) { ["officerEmail"] = "pat@provide.example", ["deadline-month"] = "5" }, path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);
        Assert.Equal("deadline", Assert.Single(ErrorLinks(WebUtility.HtmlDecode(await late.Content.ReadAsStringAsync(Ct)))).Item1);
        Assert.Equal(rounds, (await api.GetFromJsonAsync<JsonElement>("/api/rounds", Ct)).GetArrayLength());

        var asked = await PostPageFormAsync(browser, agreementPath, "/accession", new(joiner) { ["officerEmail"] = "pat@provide.example" }, path);
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var roundPath = asked.Headers.Location!.OriginalString;
        Assert.Matches("^/rounds/test-pages-[0-9a-f]{6}\\?done=launched$", roundPath);
        var round = WebUtility.HtmlDecode(await browser.GetStringAsync(roundPath, Ct));
        Assert.Contains("An organisation joining the agreement in force: it signs version 1", round, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/agreements/{agreementId}\">See the agreement in the register</a>", round, StringComparison.Ordinal);
        var agreement = WebUtility.HtmlDecode(await browser.GetStringAsync($"/agreements/{agreementId}", Ct));
        Assert.Contains("Provide CIC joining</a>", agreement, StringComparison.Ordinal);
        Assert.Contains("Provide CIC</a>, asked on 15 June 2021", WebUtility.HtmlDecode(await browser.GetStringAsync(path, Ct)), StringComparison.Ordinal);
        Assert.Contains("Who will be asked", await browser.GetStringAsync($"/agreements/{agreementId}/variation", Ct), StringComparison.Ordinal); // a joiner does not hold up a variation
    }

    [Fact]
    public async Task A_reviews_outcome_is_recorded_on_the_agreement_page_and_a_future_date_or_no_outcome_is_refused_at_its_field()
    {
        var agreementId = await ReviewedAgreementInForceAsync();
        using var browser = await CoordinatorBrowserAsync();
        var path = $"/agreements/{agreementId}";
        var before = await HistoryCountAsync(agreementId);

        var future = await PostPageFormAsync(browser, path, "/reviews", new() { ["reviewedOn-day"] = "20", ["reviewedOn-month"] = "7", ["reviewedOn-year"] = "2021", ["outcome"] = "no-change" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, future.StatusCode);
        var refused = WebUtility.HtmlDecode(await future.Content.ReadAsStringAsync(Ct));
        Assert.Equal([("reviewedOn", "A review cannot be recorded for 20 July 2021, after today")], ErrorLinks(refused));
        Assert.Contains("<p id=\"reviewedOn-error\" class=\"error-message\"><span class=\"visually-hidden\">Error:</span> A review cannot be recorded", refused, StringComparison.Ordinal);
        Assert.Contains("<title>Error: Test Alliance MoU – SignOff</title>", refused, StringComparison.Ordinal);
        Assert.Matches("<details id=\"act-review\" open", refused);
        Assert.Matches("name=\"reviewedOn-day\"[^>]*value=\"20\"", refused); // what was typed is kept

        var noOutcome = await PostPageFormAsync(browser, path, "/reviews", new() { ["reviewedOn-day"] = "15", ["reviewedOn-month"] = "6", ["reviewedOn-year"] = "2021" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noOutcome.StatusCode);
        Assert.Equal([("outcome", "Choose whether the review found no change or that a variation is needed")], ErrorLinks(WebUtility.HtmlDecode(await noOutcome.Content.ReadAsStringAsync(Ct))));
        Assert.Equal(before, await HistoryCountAsync(agreementId));

        var recorded = await PostPageFormAsync(browser, path, "/reviews",
            new() { ["reviewedOn-day"] = "15", ["reviewedOn-month"] = "6", ["reviewedOn-year"] = "2021", ["outcome"] = "variation-needed", ["reviewNote"] = "The data annex is out of date." });
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        Assert.Equal($"{path}?done=review", recorded.Headers.Location?.OriginalString);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(recorded.Headers.Location!.OriginalString, Ct));
        Assert.Contains("The review's outcome is recorded", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"timeline-text\">The review due on 1 July 2021 was held early, on 15 June 2021: a variation is needed (The data annex is out of date).</span> <span class=\"timeline-by\">– Coordinator (key",
            page, StringComparison.Ordinal);
        Assert.Contains("The last review found a variation is needed.", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/agreements/{agreementId}/variation\">Propose a variation: the last review found one is needed.</a>", page, StringComparison.Ordinal);
        Assert.Contains("Review due on 4 January 2022.", page, StringComparison.Ordinal); // 1 January 2022 is a Saturday and 3 January a bank holiday
        Assert.True(page.IndexOf("The review due on 1 July 2021 was held", StringComparison.Ordinal) < page.IndexOf("took effect on 15 June 2021", StringComparison.Ordinal),
            "The history is not newest first, as a round's timeline is.");
    }

    [Fact]
    public async Task A_partys_notice_and_the_view_on_carrying_on_are_recorded_on_the_agreement_page_and_bad_input_records_nothing()
    {
        var agreementId = await ReviewedAgreementInForceAsync();
        using var browser = await CoordinatorBrowserAsync();
        var path = $"/agreements/{agreementId}";
        var before = await HistoryCountAsync(agreementId);

        var unknown = await PostPageFormAsync(browser, path, "/notice", new() { ["party"] = "no-such-party", ["givenOn-day"] = "15", ["givenOn-month"] = "6", ["givenOn-year"] = "2021" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Page not found", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var empty = await PostPageFormAsync(browser, path, "/notice", new() { ["party"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal([("party", "Choose the party that is giving notice"), ("givenOn", "Enter the date notice was given")],
            ErrorLinks(WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync(Ct))));

        var future = await PostPageFormAsync(browser, path, "/notice", new() { ["party"] = Maldon, ["givenOn-day"] = "16", ["givenOn-month"] = "6", ["givenOn-year"] = "2021" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, future.StatusCode);
        Assert.Equal([("givenOn", "Maldon District Council's notice cannot be dated 16 June 2021, after today")], ErrorLinks(WebUtility.HtmlDecode(await future.Content.ReadAsStringAsync(Ct))));
        Assert.Equal(before, await HistoryCountAsync(agreementId));

        var given = await PostPageFormAsync(browser, path, "/notice",
            new() { ["party"] = Maldon, ["givenOn-day"] = "15", ["givenOn-month"] = "6", ["givenOn-year"] = "2021", ["reason"] = "Services merging into the county" });
        Assert.Equal(HttpStatusCode.Redirect, given.StatusCode);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(given.Headers.Location!.OriginalString, Ct));
        Assert.Contains("The notice is recorded.", page, StringComparison.Ordinal);
        Assert.Contains(">on notice until 15 July 2021</strong>", Row(page, Maldon, "party"), StringComparison.Ordinal);
        Assert.Contains("Notice given 15 June 2021: Services merging into the county", Row(page, Maldon, "party"), StringComparison.Ordinal);
        Assert.Contains("Maldon District Council gave notice on 15 June 2021 (Services merging into the county); it is bound until 15 July 2021.", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"<option value=\"{Maldon}\"", page, StringComparison.Ordinal); // on notice already: not offered again
        Assert.Contains("Maldon District Council's notice ends: bound until 15 July 2021.", Row(WebUtility.HtmlDecode(await browser.GetStringAsync("/agreements", Ct)), agreementId),
            StringComparison.Ordinal);

        // Past the notice, Maldon has left and the partnership's view on carrying on is asked for.
        await host.AdvanceClockAsync("P31D", Ct);
        page = WebUtility.HtmlDecode(await browser.GetStringAsync(path, Ct));
        Assert.Contains(">left on 16 July 2021</strong>", Row(page, Maldon, "party"), StringComparison.Ordinal);
        Assert.Contains("id=\"act-continuation\"", page, StringComparison.Ordinal);
        var list = WebUtility.HtmlDecode(await browser.GetStringAsync("/agreements", Ct));
        Assert.Contains($"<a href=\"/agreements/{agreementId}#due\">Record the partnership's view on carrying on: Maldon District Council left.", Row(list, agreementId), StringComparison.Ordinal);
        Assert.Contains("<td data-label=\"Parties bound\">1</td>", Row(list, agreementId), StringComparison.Ordinal);

        var beforeView = await HistoryCountAsync(agreementId);
        var noView = await PostPageFormAsync(browser, path, "/continuation", new() { ["view"] = "   " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noView.StatusCode);
        Assert.Equal([("view", "Enter the partnership's view on carrying on: the parties are told what was decided")], ErrorLinks(WebUtility.HtmlDecode(await noView.Content.ReadAsStringAsync(Ct))));
        Assert.Equal(beforeView, await HistoryCountAsync(agreementId));

        var viewed = await PostPageFormAsync(browser, path, "/continuation", new() { ["view"] = "Chelmsford carries on alone until the Alliance board meets." });
        Assert.Equal(HttpStatusCode.Redirect, viewed.StatusCode);
        page = WebUtility.HtmlDecode(await browser.GetStringAsync(viewed.Headers.Location!.OriginalString, Ct));
        Assert.Contains("The partnership's view on carrying on is recorded.", page, StringComparison.Ordinal);
        Assert.Contains("The partnership's view on carrying on after Maldon District Council left: Chelmsford carries on alone until the Alliance board meets.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"act-continuation\"", page, StringComparison.Ordinal);
        var agreement = await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct);
        Assert.Equal(0, agreement.GetProperty("continuationViewsDue").GetArrayLength());

        // When the last party has left too, the agreement is listed as ended, and nothing but the view on carrying on is asked for.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/agreements/{agreementId}/parties/chelmsford-city-council/notice", new { }, Ct)).StatusCode);
        await host.AdvanceClockAsync("P31D", Ct);
        var ended = Row(WebUtility.HtmlDecode(await browser.GetStringAsync("/agreements", Ct)), agreementId);
        Assert.Contains(">ended</strong>", ended, StringComparison.Ordinal);
        Assert.Contains("<td data-label=\"Parties bound\">0</td>", ended, StringComparison.Ordinal);
        Assert.Contains("Record the partnership's view on carrying on: Chelmsford City Council left.", ended, StringComparison.Ordinal);
        page = WebUtility.HtmlDecode(await browser.GetStringAsync(path, Ct));
        Assert.Contains("Ended: every party has left", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"act-review\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"act-notice\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"act-continuation\"", page, StringComparison.Ordinal);
    }

    /// <summary>A round with a six-monthly review cycle from 1 July 2021, decided and signed by both partners: on 15 June 2021 it takes effect and opens its agreement.</summary>
    private Task<string> ReviewedAgreementInForceAsync() => AgreementInForceAsync(Definition().Replace("agreement: { title: Test Alliance MoU, reference: TEST-MOU }",
        "agreement: { title: Test Alliance MoU, reference: TEST-PAGES, review: { every: 6 months, from: 2021-07-01 } }", StringComparison.Ordinal));

    private async Task<HttpClient> CoordinatorBrowserAsync()
    {
        var browser = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        return browser;
    }

    /// <summary>Opens the page (or <paramref name="formPage"/>, where the form is on a page of its own) and posts its form whose action ends so, with its hidden fields and these answers, as a browser does.</summary>
    private static async Task<HttpResponseMessage> PostPageFormAsync(HttpClient browser, string path, string actionEndsWith, Dictionary<string, string> answers, string? formPage = null)
    {
        var page = await browser.GetStringAsync(formPage ?? path, Ct);
        var fields = Hidden(page, actionEndsWith);
        foreach (var (name, value) in answers)
        {
            fields[name] = value;
        }

        return await browser.PostAsync(path + actionEndsWith, new FormUrlEncodedContent(fields), Ct);
    }

    private async Task<int> HistoryCountAsync(string agreementId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct)).GetProperty("history").GetArrayLength();

    /// <summary>The error summary's links: the field each leads to and what it says.</summary>
    private static List<(string Field, string Text)> ErrorLinks(string page)
    {
        var summary = ErrorSummaryPattern().Match(page);
        Assert.True(summary.Success, "The page has no error summary.");
        return [.. ErrorLinkPattern().Matches(summary.Value).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];
    }

    /// <summary>A table row by its data attribute (<c>data-agreement-id</c>, <c>data-party-id</c>).</summary>
    private static string Row(string page, string id, string kind = "agreement")
    {
        var match = Regex.Match(page, $"<tr data-{kind}-id=\"{Regex.Escape(id)}\">.*?</tr>", RegexOptions.Singleline);
        Assert.True(match.Success, $"No row for {kind} {id}.");
        return match.Value;
    }

    [GeneratedRegex("<div class=\"error-summary\".*?</ul>", RegexOptions.Singleline)]
    private static partial Regex ErrorSummaryPattern();

    [GeneratedRegex("<a href=\"#([^\"]+)\">([^<]*)</a>")]
    private static partial Regex ErrorLinkPattern();
}
