using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SignOff.EndToEnd.Tests.Support;

namespace SignOff.EndToEnd.Tests;

/// <summary>
/// Every page at a phone's width (390 px) and a desktop's (1280 px), on a round as big as real
/// ones: nineteen partners with long names, some approved with conditions, one called in, one in
/// its call-in period, two signed. Each page is screenshotted (<c>w390-…</c>, <c>w1280-…</c>),
/// checked with axe, and must not scroll or spill sideways; at 1280 px the partners table's dates
/// stay on one line. People look at the screenshots; these assertions keep what they saw true.
/// </summary>
public sealed partial class ScreenWidthTests(BrowserFixture browser)
{
    private const string Title = "Mid Essex Alliance Memorandum of Understanding";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_page_fits_a_phone_and_reads_well_on_a_desktop()
    {
        using var api = new SignOffApi();
        await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var round = await api.LaunchRoundAsync(Definition(), SignOff.Testing.TestPdfs.WithText(Title, $"draft {Guid.NewGuid():N}"), "mid-essex-alliance-memorandum-of-understanding-draft-v1.pdf", ct: Ct);
        var roundId = round.GetProperty("roundId").GetString()!;

        // A week on (Monday's digest has gone to the chair), partners have moved along.
        await api.AdvanceClockAsync("P8D", Ct);
        await RecordAsync(api, roundId, "chelmsford-cvs", new
        {
            outcome = "approve-with-conditions", decidedOn = "2021-06-08", body = "Board of Trustees",
            conditions = "Subject to the Alliance Board agreeing the data-sharing annex and the safeguarding escalation protocol before 1 September 2021.",
            evidence = "https://www.chelmsfordcvs.example/board/minutes/2021-06-08-item-7-mid-essex-alliance-memorandum-of-understanding",
        });
        await RecordAsync(api, roundId, "chelmsford-city-council", new
        {
            outcome = "approve", decidedOn = "2021-06-08", body = "Cabinet", minuteReference = "CAB/2021/0608/14",
            evidence = "https://democracy.chelmsford.example/ieDecisionDetails.aspx?Id=4821",
        });
        await PostAsync(api, $"api/rounds/{roundId}/partners/chelmsford-city-council/call-in", new { calledInOn = "2021-06-09", committee = "Overview and Scrutiny Committee", reason = "Five members asked for the data-sharing terms to be scrutinised." });
        await RecordAsync(api, roundId, "braintree-district-council", new
        {
            outcome = "approve", decidedOn = "2021-06-08", body = "Cabinet",
            evidence = "https://braintree.example/decisions/2021/06/08",
        });
        await api.WaitForAsync(roundId, r => Status(r, "chelmsford-city-council") == "called-in" && Status(r, "braintree-district-council") == "call-in", "the call-ins", ct: Ct);

        // Two officers: one on a phone, one at a desk, each records a decision and signs.
        await OfficerAsync(roundId, "jo.bloggs@maldon.example", await browser.NewPhonePageAsync(), "Maldon District Council", Ct);
        await OfficerAsync(roundId, "avery.quinn@farleigh.example", await browser.NewPageAsync(), "Farleigh Hospice", Ct);
        await api.WaitForAsync(roundId, r => Status(r, "maldon-district-council") == "signed" && Status(r, "farleigh-hospice") == "signed", "two signed", ct: Ct);

        var digestMail = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Status of", StringComparison.Ordinal), roundId: roundId, to: "chair@mid-essex-alliance.example", ct: Ct);
        var chairLink = ChairLinkPattern().Match(digestMail.Text).Value;
        Assert.NotEmpty(chairLink);

        foreach (var phone in new[] { true, false })
        {
            var page = phone ? await browser.NewPhonePageAsync() : await browser.NewPageAsync();
            await page.GotoAsync("/sign-in");
            await CheckAsync(page, "sign-in");
            await page.GetByLabel("API key").FillAsync(TestEnvironment.ApiKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            Assert.EndsWith("/rounds", page.Url, StringComparison.Ordinal);
            await CheckAsync(page, "rounds");

            await page.GotoAsync("/rounds/new");
            await CheckAsync(page, "launch");

            await page.GotoAsync($"/rounds/{roundId}");
            Assert.Equal(19, await page.Locator("#partners tbody tr").CountAsync());
            Assert.True(await page.Locator(".timeline details.timeline-group").CountAsync() >= 1, "The timeline does not group the launch's nineteen invitations.");
            await CheckAsync(page, "round");
            if (!phone)
            {
                await AssertDatesOnOneLineAsync(page);
            }

            await page.GotoAsync($"/rounds/{roundId}/partners/chelmsford-city-council");
            await CheckAsync(page, "partner");
            await page.GotoAsync($"/rounds/{roundId}");
            await page.GetByRole(AriaRole.Link, new() { Name = "Essex Partnership University NHS Foundation Trust", Exact = true }).ClickAsync();
            Assert.Equal("Essex Partnership University NHS Foundation Trust", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            await CheckAsync(page, "partner-awaiting");

            await page.GotoAsync("/digest");
            await CheckAsync(page, "digest");
            await page.CloseAsync();

            var chair = phone ? await browser.NewPhonePageAsync() : await browser.NewPageAsync();
            await chair.GotoAsync(chairLink);
            Assert.Contains(Title, await chair.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            await CheckAsync(chair, "chair-digest");
            await chair.CloseAsync();
        }

        // The attention list names what this round's state needs, each a link to the partner's page.
        var coordinator = await browser.NewPageAsync();
        await coordinator.GotoAsync($"/sign-in?returnUrl=/rounds/{roundId}");
        await coordinator.GetByLabel("API key").FillAsync(TestEnvironment.ApiKey);
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        foreach (var (kind, partnerId, name) in new[]
                 {
                     ("conditions-to-review", "chelmsford-cvs", "Chelmsford CVS"),
                     ("called-in", "chelmsford-city-council", "Chelmsford City Council"),
                     ("in-call-in", "braintree-district-council", "Braintree District Council"),
                 })
        {
            await coordinator.GotoAsync($"/rounds/{roundId}");
            var item = coordinator.Locator($"#attention li[data-attention='{kind}']").Filter(new() { HasText = name });
            Assert.Equal(1, await item.CountAsync());
            await item.GetByRole(AriaRole.Link).ClickAsync();
            Assert.Contains($"/rounds/{roundId}/partners/{partnerId}", coordinator.Url, StringComparison.Ordinal);
            Assert.Equal(name, await coordinator.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        }

        await coordinator.CloseAsync();
    }

    /// <summary>
    /// An officer opens their invitation's link, records an approval (check your answers, confirm),
    /// is told what was recorded and led on to the counterpart, and uploads it.
    /// </summary>
    private static async Task OfficerAsync(string roundId, string email, IPage page, string partnerName, CancellationToken ct)
    {
        var invite = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Please take", StringComparison.Ordinal), roundId: roundId, to: email, ct: ct);
        await page.GotoAsync(MailDev.RespondLink(invite));
        await CheckAsync(page, "officer-decision");
        await page.Locator("#outcome").CheckAsync();
        await DateBoxes.FillAsync(page, "decidedOn", "2021-06-08");
        await page.GetByLabel("Minute or decision reference (optional)").FillAsync("2021/06/08-12 (Mid Essex Alliance MoU)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await CheckAsync(page, "officer-check-answers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and record" }).ClickAsync();

        // The confirmation repeats what was recorded, and the counterpart is what comes next.
        Assert.Equal("Decision recorded", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        var recorded = await page.Locator("main").InnerTextAsync();
        Assert.Contains("8 June 2021", recorded, StringComparison.Ordinal);
        Assert.Contains("2021/06/08-12 (Mid Essex Alliance MoU)", recorded, StringComparison.Ordinal);
        Assert.Contains("Approved", recorded, StringComparison.Ordinal);
        await CheckAsync(page, "officer-decision-recorded");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign or upload the counterpart" }).ClickAsync();
        Assert.Contains($"Sign {partnerName}'s counterpart", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        await page.SetInputFilesAsync("#file", new FilePayload { Name = "signed-counterpart.pdf", MimeType = "application/pdf", Buffer = SignOff.Testing.TestPdfs.WithText(Title, $"signed by {partnerName} in {roundId}") });
        await page.GetByLabel("Signatory's name").FillAsync("Dr Alexandra Montgomery-Whitfield");
        await page.GetByLabel("Signatory's position").FillAsync("Chief Executive and Accounting Officer");
        await DateBoxes.FillAsync(page, "signedOn", "2021-06-09");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload the counterpart" }).ClickAsync();
        var heading = await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync();
        Assert.True(heading == "Counterpart received", $"The counterpart was not taken: {(heading == "Counterpart received" ? "" : await page.Locator("main").InnerTextAsync())}");
        var received = await page.Locator("main").InnerTextAsync();
        Assert.Contains("Dr Alexandra Montgomery-Whitfield", received, StringComparison.Ordinal);
        Assert.Contains("9 June 2021", received, StringComparison.Ordinal);
        await CheckAsync(page, "officer-counterpart-received");
        await page.CloseAsync();
    }

    /// <summary>Screenshot, axe, and no sideways scrolling or spilling: the document no wider than the window, and nothing outside it.</summary>
    internal static async Task CheckAsync(IPage page, string name)
    {
        var width = page.ViewportSize!.Width;
        var full = $"w{width}-{name}";
        await Screens.SaveAsync(page, full);
        await Axe.AssertNoSeriousAsync(page, full);

        // A phone widens its layout viewport to fit a page that is too wide (and zooms out), so
        // window.innerWidth alone would agree with an 813 px page: hold both to the screen's width.
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1] && widths[1] <= width, $"{full}: the page is {widths[0]} px wide in a {widths[1]} px window on a {width} px screen: it scrolls sideways.");

        // Clipped text does not widen the document, so look for any visible box past the screen's edge.
        var spilling = await page.EvaluateAsync<string[]>("""
            width => [...document.body.querySelectorAll('*')]
                .filter(e => { const b = e.getBoundingClientRect(); return b.width > 1 && b.height > 1 && b.right > width + 1; })
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ': ' + (e.textContent || '').trim().slice(0, 40))
            """, width);
        Assert.True(spilling.Length == 0, $"{full}: these spill past the screen's right edge: {string.Join("; ", spilling.Take(5))}");
    }

    /// <summary>Every date in the partners table on a single line (its text's boxes all share one top).</summary>
    private static async Task AssertDatesOnOneLineAsync(IPage page)
    {
        var wrapped = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#partners td.date')]
                .filter(td => {
                    const range = document.createRange();
                    range.selectNodeContents(td);
                    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
                })
                .map(td => td.textContent.trim())
            """);
        Assert.True(await page.Locator("#partners td.date").CountAsync() >= 19 * 3, "The partners table has no date cells marked as dates.");
        Assert.True(wrapped.Length == 0, $"At 1280 px these dates wrap: {string.Join(", ", wrapped)}");
    }

    private static async Task RecordAsync(SignOffApi api, string roundId, string partnerId, object decision) =>
        await PostAsync(api, $"api/rounds/{roundId}/partners/{partnerId}/decision", decision);

    private static async Task PostAsync(SignOffApi api, string path, object body)
    {
        using var response = await api.Http.PostAsync(path, JsonContent(body), Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static string Status(JsonElement round, string partnerId) =>
        round.GetProperty("partners").EnumerateArray().Single(p => p.GetProperty("partnerId").GetString() == partnerId).GetProperty("status").GetString()!;

    /// <summary>The repository's nineteen-partner example (copied beside the tests), with a reference of its own so the round is this test's.</summary>
    private static string Definition() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "examples", "mid-essex-alliance-mou.yaml"))
            .Replace("reference: MEA-MOU-2021", "reference: E2E-WIDTHS", StringComparison.Ordinal);

    [GeneratedRegex(@"https?://[^\s""'<>]+/chair/[A-Za-z0-9_-]+")]
    private static partial Regex ChairLinkPattern();
}
