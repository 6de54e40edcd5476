using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SignOff.Integration.Tests.Host;

/// <summary>What needs the coordinator, on the round page and the rounds list.</summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task The_round_page_and_the_rounds_list_lead_with_what_needs_the_coordinator()
    {
        var partner = "  - { name: Provide CIC, officer: { name: Pat Jones, email: pat@provide.example }, governance: { route: charity-board, meeting: 2021-06-10 } }";
        var response = await api.PostAsync("/api/rounds", Upload(Definition(partner), Pdf), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var roundId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/maldon-district-council/decision",
            new { outcome = "approve-with-conditions", conditions = "A seat on the board", evidence = "Minutes, item 4", decidedOn = "2021-06-01" }, Ct)).StatusCode);
        await host.SetClockAsync("2021-06-14T09:00:00Z", Ct);

        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/rounds/{roundId}", Ct));
        Assert.Contains("<h2 class=\"heading-m\" id=\"attention-heading\">Needs your attention</h2>", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/rounds/{roundId}/partners/provide-cic#act-decision\">Provide CIC's", page, StringComparison.Ordinal);
        Assert.Contains("met on 10 June 2021 and no decision is recorded", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/rounds/{roundId}/partners/maldon-district-council#act-conditions\">Maldon District Council approved subject to conditions for you to review</a>", page, StringComparison.Ordinal);
        Assert.Contains("meeting was on 10 June 2021 — no decision recorded", page, StringComparison.Ordinal);
        Assert.Contains("Launched 1 June 2021", page, StringComparison.Ordinal);
        Assert.Contains("id=\"act-conditions\"", await browser.GetStringAsync($"/rounds/{roundId}/partners/maldon-district-council", Ct), StringComparison.Ordinal);

        var list = WebUtility.HtmlDecode(await browser.GetStringAsync("/rounds", Ct));
        Assert.Contains($"<a href=\"/rounds/{roundId}#attention\">2 things<span class=\"visually-hidden\"> in Test Alliance MoU</span></a>", list, StringComparison.Ordinal);
        Assert.Contains("TEST-MOU · launched 1 June 2021", list, StringComparison.Ordinal);
        Assert.Contains("1 urgent", list, StringComparison.Ordinal);

        var digest = WebUtility.HtmlDecode(await browser.GetStringAsync("/digest", Ct));
        Assert.Contains("Meetings that passed with no decision recorded</h3>", digest, StringComparison.Ordinal);
        Assert.Contains("<li><strong>Provide CIC</strong>: Board of Trustees (10 June 2021)</li>", digest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_coordinator_moves_a_partners_dates_over_the_api_and_on_its_page_and_the_officer_is_told()
    {
        var roundId = (await LaunchAsync()).GetProperty("roundId").GetString()!;
        var dates = $"/api/rounds/{roundId}/partners/maldon-district-council/dates";
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsJsonAsync(dates, new { dueOn = "2021-05-01" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync(dates, new { dueOn = "2021-07-20", meetingOn = "2021-06-30" }, Ct)).StatusCode);
        var maldon = (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct)).GetProperty("partners")[0];
        Assert.Equal(("2021-07-20", "2021-06-30"), (maldon.GetProperty("dueOn").GetString(), maldon.GetProperty("meetingOn").GetString()));

        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        var path = $"/rounds/{roundId}/partners/maldon-district-council";
        var page = await browser.GetStringAsync(path, Ct);
        var moved = await browser.PostAsync($"{path}/dates", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(page, "/dates")) { ["newMeetingOn"] = "2021-07-07" }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Contains("meeting 7 July 2021 (was 30 June 2021)", WebUtility.HtmlDecode(await browser.GetStringAsync(path, Ct)), StringComparison.Ordinal);

        await host.DrainAsync(Ct);
        var told = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.To == "jo@maldon.example" && m.Subject.Contains("dates have changed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, told.Count);
        Assert.Contains(told, m => m.Text.Contains("now due by 20 July 2021", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_coordinator_resends_an_invitation_with_a_fresh_link_but_not_twice_in_ten_minutes()
    {
        var roundId = (await LaunchAsync()).GetProperty("roundId").GetString()!;
        var resend = $"/api/rounds/{roundId}/partners/maldon-district-council/invitation/resend";
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(resend, null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync(resend, null, Ct)).StatusCode);

        await host.DrainAsync(Ct);
        var invitations = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.To == "jo@maldon.example").ToList();
        Assert.Equal(2, invitations.Count);
        Assert.Equal(2, invitations.Select(m => LinkPattern().Match(m.Text).Groups[1].Value).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task The_coordinator_is_given_a_working_link_for_the_officer_and_the_round_records_that_they_were()
    {
        var roundId = (await LaunchAsync()).GetProperty("roundId").GetString()!;
        var viaApi = await api.PostAsync($"/api/rounds/{roundId}/partners/maldon-district-council/officer-link", null, Ct);
        Assert.Equal(HttpStatusCode.OK, viaApi.StatusCode);
        Assert.Equal("no-store", viaApi.Headers.CacheControl?.ToString());
        var issued = await viaApi.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("jo@maldon.example", issued.GetProperty("officerEmail").GetString());

        // The link works as the emailed one does: it opens Maldon's page for Jo.
        using var officer = host.CreateClient();
        var opened = WebUtility.HtmlDecode(await officer.GetStringAsync(new Uri(issued.GetProperty("link").GetString()!).PathAndQuery, Ct));
        Assert.Contains("Maldon District Council", opened, StringComparison.Ordinal);

        // On the partner's page: shown once, in the page, not in an address; the timeline names who was given it.
        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        var path = $"/rounds/{roundId}/partners/maldon-district-council";
        var page = await browser.GetStringAsync(path, Ct);
        var shown = await browser.PostAsync($"{path}/officer-link", new FormUrlEncodedContent(Hidden(page, "/officer-link")), Ct);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal("no-store", shown.Headers.CacheControl?.ToString());
        var withLink = WebUtility.HtmlDecode(await shown.Content.ReadAsStringAsync(Ct));
        var link = LinkPattern().Match(withLink);
        Assert.True(link.Success, "The page shows no officer's link.");
        Assert.NotEqual(new Uri(issued.GetProperty("link").GetString()!).AbsolutePath, new Uri(link.Value).AbsolutePath);
        Assert.Contains("give it only to Jo Bloggs (jo@maldon.example)", withLink, StringComparison.Ordinal);

        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var linkEvents = events.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "OfficerLinkIssued").ToList();
        Assert.Equal(2, linkEvents.Count);
        Assert.DoesNotContain("/respond/", events.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("A link for Maldon District Council's officer (jo@maldon.example) was shown to", WebUtility.HtmlDecode(await browser.GetStringAsync(path, Ct)), StringComparison.Ordinal);

        // Nothing was emailed for it.
        await host.DrainAsync(Ct);
        Assert.Single(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.To == "jo@maldon.example");

        // No link for a partner the round does not have.
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/rounds/{roundId}/partners/nobody/officer-link", null, Ct)).StatusCode);
    }
}
