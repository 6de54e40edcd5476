using System.Text;
using SignOff.EndToEnd.Tests.Support;

namespace SignOff.EndToEnd.Tests;

/// <summary>The harness itself: Chromium reaches the running host, axe-core really checks pages, and the API and MailDev helpers see a round's mail.</summary>
public sealed class HarnessTests(BrowserFixture browser)
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chromium_opens_the_running_hosts_health_page()
    {
        var page = await browser.NewPageAsync();
        try
        {
            var response = await page.GotoAsync(TestEnvironment.Host + "/health");

            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            Assert.Equal("Healthy", (await page.Locator("body").InnerTextAsync()).Trim());
            await Screens.SaveAsync(page, "health");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Axe_reports_violations_on_a_deliberately_inaccessible_page()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.SetContentAsync("<html><body><img src='x.png'><input></body></html>");

            var violations = await Axe.CheckAsync(page);

            var ids = violations.Select(v => v.Id).ToList();
            Assert.Contains("image-alt", ids);
            Assert.Contains("label", ids);
            Assert.Contains("html-has-lang", ids);
            Assert.Contains(violations, v => v.Id == "image-alt" && v.Targets.Contains("img") && v.IsSerious);
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => Axe.AssertNoSeriousAsync(page, "the bad page"));
            Assert.Contains("image-alt", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Axe_still_runs_where_the_pages_content_security_policy_forbids_inline_scripts()
    {
        var page = await browser.NewPageAsync();
        try
        {
            // Served by Chromium itself, with the strict policy SignOff's own pages may send.
            await page.RouteAsync("**/harness/strict-csp", route => route.FulfillAsync(new()
            {
                Status = 200,
                ContentType = "text/html",
                Headers = new Dictionary<string, string> { ["Content-Security-Policy"] = "default-src 'self'; script-src 'self'" },
                Body = "<!doctype html><html lang='en'><head><title>Strict</title></head><body><main><h1>Strict</h1><img src='x.png'></main></body></html>",
            }));
            await page.GotoAsync("/harness/strict-csp");

            var violations = await Axe.CheckAsync(page);

            Assert.Equal(["image-alt"], violations.Select(v => v.Id));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Axe_finds_nothing_serious_on_a_plain_accessible_page()
    {
        var page = await browser.NewPhonePageAsync();
        try
        {
            await page.SetContentAsync("""
                <!doctype html><html lang="en-GB"><head><title>Fine</title></head>
                <body><main><h1>Fine</h1><img src="data:," alt="Nothing"><label for="n">Name</label><input id="n"></main></body></html>
                """);

            await Axe.AssertNoSeriousAsync(page, "the plain page");
            Assert.Equal(390, page.ViewportSize?.Width);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task The_api_clock_and_maildev_helpers_follow_a_launched_round_to_its_invitation_link()
    {
        using var api = new SignOffApi();
        // The development clock keeps running from wherever it is set.
        var set = await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        Assert.Equal(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero), set.GetProperty("now").GetDateTimeOffset(), TimeSpan.FromMinutes(1));
        var advanced = await api.AdvanceClockAsync("PT1H", Ct);
        Assert.Equal(new DateTimeOffset(2021, 6, 1, 10, 0, 0, TimeSpan.Zero), advanced.GetProperty("now").GetDateTimeOffset(), TimeSpan.FromMinutes(1));

        var launched = await api.LaunchRoundAsync("""
            agreement: { title: Harness Check MoU, reference: E2E-HARNESS }
            round:
              deadline: 2021-07-30
              chairs: [ { name: Chair, email: chair@harness.example } ]
            coordinator: { name: Programme Office, email: office@harness.example }
            partners:
              - { name: Maldon District Council, officer: { name: Jo Bloggs, email: jo@maldon.example }, governance: { route: full-council } }
            """, Pdf, ct: Ct);
        var roundId = launched.GetProperty("roundId").GetString()!;
        var round = await api.WaitForAsync(roundId, r => r.GetProperty("status").GetString() == "circulating", "circulating", ct: Ct);
        Assert.Equal("E2E-HARNESS", round.GetProperty("reference").GetString());

        var invitation = await MailDev.WaitForAsync(m => m.IsTo("jo@maldon.example"), roundId: roundId, ct: Ct);
        Assert.Equal(roundId, invitation.RoundId);
        var link = MailDev.RespondLink(invitation);
        Assert.StartsWith(TestEnvironment.Host + "/respond/", link, StringComparison.Ordinal);
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
            MailDev.WaitForAsync(m => m.Subject == "never sent", TimeSpan.FromMilliseconds(600), roundId, ct: Ct));
        Assert.Contains(invitation.Subject, timeout.Message, StringComparison.Ordinal);

        var page = await browser.NewPageAsync();
        try
        {
            var response = await page.GotoAsync(link);
            Assert.Equal(200, response?.Status);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
