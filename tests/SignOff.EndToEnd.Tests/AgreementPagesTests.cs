using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using SignOff.EndToEnd.Tests.Support;

namespace SignOff.EndToEnd.Tests;

/// <summary>
/// The agreement register's pages in Chromium, at a phone's width (390 px) and a desktop's
/// (1280 px): an agreement with long party names, one party on notice, and its forms open and in
/// error. Each page is screenshotted (<c>w390-agreement…</c>), checked with axe, and must not
/// scroll sideways; on the desktop the coordinator records a review's outcome with the date boxes.
/// </summary>
public sealed class AgreementPagesTests(BrowserFixture browser)
{
    private const string Title = "Mid Essex Integrated Care Alliance Memorandum of Understanding";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_agreements_view_and_an_agreement_page_fit_a_phone_are_axe_clean_and_record_a_review()
    {
        using var api = new SignOffApi();
        await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var (agreementId, partners) = await AgreementInForceAsync(api);
        await PostJsonAsync(api, $"api/agreements/{agreementId}/parties/{partners[2]}/notice",
            new { givenOn = "2021-06-15", reason = "The trustees resolved to concentrate on the voluntary sector's own contracts from the autumn." });

        foreach (var phone in new[] { true, false })
        {
            var page = phone ? await browser.NewPhonePageAsync() : await browser.NewPageAsync();
            await page.GotoAsync("/sign-in?returnUrl=/agreements");
            await page.GetByLabel("API key").FillAsync(TestEnvironment.ApiKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            Assert.EndsWith("/agreements", page.Url, StringComparison.Ordinal);
            var row = page.Locator($"#agreements tr[data-agreement-id='{agreementId}']");
            Assert.Contains("Chelmsford Council for Voluntary Service's notice ends: bound until 15 July 2021.", await row.InnerTextAsync(), StringComparison.Ordinal);
            await ScreenWidthTests.CheckAsync(page, "agreements");

            await row.GetByRole(AriaRole.Link, new() { Name = Title }).ClickAsync();
            Assert.Equal(Title, await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            Assert.Equal(3, await page.Locator("#parties tbody tr").CountAsync());
            Assert.Contains("on notice until 15 July 2021", await page.Locator($"#parties tr[data-party-id='{partners[2]}']").InnerTextAsync(), StringComparison.Ordinal);
            await ScreenWidthTests.CheckAsync(page, "agreement");

            // Both forms open, then the notice form sent empty: its errors at the fields and in the summary.
            await page.Locator("#act-review summary").ClickAsync();
            await page.Locator("#act-notice summary").ClickAsync();
            await ScreenWidthTests.CheckAsync(page, "agreement-forms");
            await page.GetByRole(AriaRole.Button, new() { Name = "Record the notice" }).ClickAsync();
            Assert.StartsWith("Error: ", await page.TitleAsync(), StringComparison.Ordinal);
            var summary = await page.Locator(".error-summary").InnerTextAsync();
            Assert.Contains("Choose the party that is giving notice", summary, StringComparison.Ordinal);
            Assert.Contains("Enter the date notice was given", summary, StringComparison.Ordinal);
            await ScreenWidthTests.CheckAsync(page, "agreement-errors");

            if (!phone)
            {
                // The coordinator records the review early, as a person does: date boxes, a radio, a note.
                await page.GotoAsync($"/agreements/{agreementId}");
                await page.Locator("#act-review summary").ClickAsync();
                await DateBoxes.FillAsync(page, "reviewedOn", "2021-06-15");
                await page.GetByLabel("No change").CheckAsync();
                await page.GetByLabel("What the partnership concluded (optional)").FillAsync("The board found the memorandum working well.");
                await page.GetByRole(AriaRole.Button, new() { Name = "Record the outcome" }).ClickAsync();
                Assert.Contains("The review's outcome is recorded", await page.Locator(".notification").InnerTextAsync(), StringComparison.Ordinal);
                Assert.Contains("was held early, on 15 June 2021: no change (The board found the memorandum working well).", await page.Locator(".timeline").InnerTextAsync(), StringComparison.Ordinal);
                await ScreenWidthTests.CheckAsync(page, "agreement-reviewed");
            }

            await page.CloseAsync();
        }
    }

    /// <summary>Three partners with long names decide and sign; on 15 June 2021 the round takes effect and its agreement is in the register.</summary>
    private static async Task<(string AgreementId, string[] PartyIds)> AgreementInForceAsync(SignOffApi api)
    {
        var definition = $$"""
            agreement: { title: {{Title}}, reference: E2E-REGISTER-{{Guid.NewGuid():N}}, review: annually, notice: 30 days }
            round:
              deadline: 2021-07-30
              chairs: [ { name: Pat Morgan, email: pat.chair@alliance.example } ]
            coordinator: { name: Alliance Programme Office, email: office@alliance.example }
            partners:
              - { name: Essex Partnership University NHS Foundation Trust, officer: { name: Dr Alexandra Montgomery-Whitfield, email: alexandra.montgomery-whitfield@eput.example }, governance: { route: nhs-trust-board } }
              - { name: Chelmsford City Council, officer: { name: Sam Smith, email: sam@chelmsford.example }, governance: { route: full-council } }
              - { name: Chelmsford Council for Voluntary Service, officer: { name: Avery Quinn, email: avery.quinn@chelmsfordcvs.example }, governance: { route: charity-board } }
            """;
        var round = await api.LaunchRoundAsync(definition, SignOff.Testing.TestPdfs.WithText(Title, $"draft {Guid.NewGuid():N}"), "mid-essex-integrated-care-alliance-mou-v1.pdf", ct: Ct);
        var roundId = round.GetProperty("roundId").GetString()!;
        string[] partners = [.. round.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partnerId").GetString()!)];
        foreach (var partner in partners)
        {
            await PostJsonAsync(api, $"api/rounds/{roundId}/partners/{partner}/decision",
                new { outcome = "approve", decidedOn = "2021-06-01", evidence = $"https://decisions.example/{partner}/2021-06-01" });
        }

        await api.AdvanceClockAsync("P14D", Ct);
        foreach (var partner in partners)
        {
            using var counterpart = new MultipartFormDataContent
            {
                { new ByteArrayContent(SignOff.Testing.TestPdfs.Counterpart(Title, partner)), "file", "signed.pdf" },
                { new StringContent("Pat Chief"), "signatoryName" },
                { new StringContent("Chief Executive"), "signatoryPosition" },
                { new StringContent("2021-06-15"), "signedOn" },
            };
            using var response = await api.Http.PostAsync($"api/rounds/{roundId}/partners/{partner}/counterparts", counterpart, Ct);
            Assert.True(response.IsSuccessStatusCode, $"The counterpart of {partner} was refused: {await response.Content.ReadAsStringAsync(Ct)}");
        }

        // Opening the agreement is one of the round's effects: it follows the last counterpart within seconds.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await api.Http.GetAsync($"api/agreements/{roundId}", Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (roundId, partners);
            }

            Assert.True(waited.Elapsed < SignOffApi.DefaultTimeout, $"The agreement {roundId} did not open within {SignOffApi.DefaultTimeout.TotalSeconds:0} s.");
            await Task.Delay(250, Ct);
        }
    }

    private static async Task PostJsonAsync(SignOffApi api, string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await api.Http.PostAsync(path, content, Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }
}
