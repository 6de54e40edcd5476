using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using SignOff.EndToEnd.Tests.Support;
using SignOff.Testing;

namespace SignOff.EndToEnd.Tests;

/// <summary>
/// The agreement's life after it takes effect, as people live it in Chromium: the coordinator
/// proposes a variation from the register, each party's officer approves and signs it from the
/// emailed link, and the varied version is in force; a party gives notice, leaves when it runs
/// out, and the coordinator records the partnership's view on carrying on. Screens are saved as
/// <c>life-…</c> and every page is checked with axe.
/// </summary>
public sealed class AgreementLifeTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_variation_launched_from_the_register_is_signed_by_every_party_and_the_varied_version_is_in_force()
    {
        using var api = new SignOffApi();
        await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var title = $"Braintree Health Partnership MoU {Guid.NewGuid():N}"[..40];
        var (agreementId, officers) = await AgreementInForceAsync(api, title);

        var coordinator = await SignedInAsync($"/agreements/{agreementId}");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Propose a variation" }).ClickAsync();
        Assert.Equal($"Propose a variation of {title}", await coordinator.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        Assert.Equal(2, await coordinator.Locator("#asked tbody tr").CountAsync());
        await CheckAsync(coordinator, "life-01-variation-form");

        // Sent empty: the problem at its field, nothing launched.
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Send the variation to every party" }).ClickAsync();
        Assert.StartsWith("Error: ", await coordinator.TitleAsync(), StringComparison.Ordinal);
        Assert.Contains("Enter the variation round's deadline", await coordinator.Locator(".error-summary").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "life-02-variation-errors");

        await coordinator.SetInputFilesAsync("#draft", new FilePayload
        {
            Name = "varied-mou.pdf", MimeType = "application/pdf", Buffer = TestPdfs.WithText(title, "Clause 7 varied: the partnership reports quarterly"),
        });
        await DateBoxes.FillAsync(coordinator, "deadline", "2021-07-30");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Send the variation to every party" }).ClickAsync();
        Assert.Contains("/rounds/", coordinator.Url, StringComparison.Ordinal);
        var roundId = new Uri(coordinator.Url).AbsolutePath.Split('/')[^1];
        Assert.NotEqual(agreementId, roundId);
        Assert.Contains("A variation of the agreement in force", await coordinator.Locator("#change-of").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await coordinator.Locator("summary", new() { HasText = "Add a partner" }).CountAsync()); // the parties are the agreement's
        Assert.DoesNotContain("Once in force", await coordinator.Locator("main").InnerTextAsync(), StringComparison.Ordinal); // the terms are the agreement's
        await CheckAsync(coordinator, "life-03-variation-round");

        // Each officer approves and signs the variation from the emailed links; the agreement stays as it was until the last.
        foreach (var (officer, index) in officers.Select((o, i) => (o, i)))
        {
            var invitation = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Please take a variation of", StringComparison.Ordinal), roundId: roundId, to: officer, ct: Ct);
            var page = await browser.NewPageAsync();
            await page.GotoAsync(MailDev.RespondLink(invitation));
            await page.Locator("#outcome").CheckAsync();
            await DateBoxes.FillAsync(page, "decidedOn", "2021-06-01");
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and record" }).ClickAsync();
            Assert.Equal("Decision recorded", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());

            var request = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Please sign", StringComparison.Ordinal), roundId: roundId, to: officer, ct: Ct);
            await page.GotoAsync(MailDev.RespondLink(request));
            await page.SetInputFilesAsync("#file", new FilePayload
            {
                Name = "signed-variation.pdf", MimeType = "application/pdf", Buffer = TestPdfs.WithText(title, "Variation counterpart", $"Signed for {officer}"),
            });
            await page.GetByLabel("Signatory's name").FillAsync("Pat Chief");
            await page.GetByLabel("Signatory's position").FillAsync("Chief Executive");
            await DateBoxes.FillAsync(page, "signedOn", "2021-06-01");
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload the counterpart" }).ClickAsync();
            Assert.Equal("Counterpart received", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            await page.CloseAsync();
            if (index == 0)
            {
                Assert.Equal(1, (await GetAgreementAsync(api, agreementId)).GetProperty("version").GetProperty("number").GetInt32());
            }
        }

        await WaitForAsync(api, agreementId, a => a.GetProperty("version").GetProperty("number").GetInt32() == 2, "version 2 in force");
        await coordinator.GotoAsync($"/agreements/{agreementId}");
        var main = await coordinator.Locator("main").InnerTextAsync();
        Assert.Contains("Version 2: varied-mou.pdf", main, StringComparison.Ordinal);
        Assert.Contains("Version 1, in force from 1 June 2021", main, StringComparison.Ordinal);
        Assert.Contains("every party bound signed the variation", await coordinator.Locator(".timeline").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "life-04-agreement-varied");
        var phone = await browser.NewPhonePageAsync();
        await SignInAsync(phone, $"/agreements/{agreementId}");
        await ScreenWidthTests.CheckAsync(phone, "life-agreement-varied");
        await phone.GotoAsync($"/agreements/{agreementId}/variation");
        await ScreenWidthTests.CheckAsync(phone, "life-variation-form");
        await phone.GotoAsync($"/agreements/{agreementId}/accession");
        await ScreenWidthTests.CheckAsync(phone, "life-accession-form");
        await phone.CloseAsync();
        await coordinator.CloseAsync();
    }

    [Fact]
    public async Task A_party_gives_notice_leaves_when_it_runs_out_and_the_partnership_records_its_view_on_carrying_on()
    {
        using var api = new SignOffApi();
        await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var title = $"Witham Community Partnership MoU {Guid.NewGuid():N}"[..40];
        var (agreementId, officers) = await AgreementInForceAsync(api, title);

        var coordinator = await SignedInAsync($"/agreements/{agreementId}");
        await coordinator.Locator("#act-notice summary").ClickAsync();
        await coordinator.GetByLabel("Which party is giving notice?").SelectOptionAsync(new SelectOptionValue { Label = "Witham Town Council" });
        await DateBoxes.FillAsync(coordinator, "givenOn", "2021-06-01");
        await coordinator.GetByLabel("Reason given (optional)").FillAsync("The town council is handing its services to the district.");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Record the notice" }).ClickAsync();
        Assert.Contains("The notice is recorded", await coordinator.Locator(".notification").InnerTextAsync(), StringComparison.Ordinal);
        var leaving = coordinator.Locator("#parties tbody tr", new() { HasText = "Witham Town Council" });
        Assert.Contains("on notice until 1 July 2021", await leaving.InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "life-05-notice-given");

        // Thirty days on, the notice has run: the party has left, the others are told, the coordinator is asked for the view.
        await api.AdvanceClockAsync("P32D", Ct);
        await WaitForAsync(api, agreementId, a => a.GetProperty("parties").EnumerateArray().Any(p => p.GetProperty("status").GetString() == "exited"), "the party gone");
        var told = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Party left: Witham Town Council", StringComparison.Ordinal), to: officers[1], ct: Ct);
        Assert.Contains("no longer bound", told.Text, StringComparison.Ordinal);
        await coordinator.GotoAsync($"/agreements/{agreementId}");
        Assert.Contains("left on 2 July 2021", await leaving.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Record the partnership's view on carrying on", await coordinator.Locator("#due").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "life-06-party-left");

        await coordinator.GetByLabel("The partnership's view", new() { Exact = true }).FillAsync("The remaining partners agreed at the July board that the partnership carries on.");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Record the view" }).ClickAsync();
        Assert.Contains("view on carrying on is recorded", await coordinator.Locator(".notification").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await coordinator.Locator("#act-continuation").CountAsync());
        Assert.Contains("the partnership carries on", await coordinator.Locator(".timeline").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("in-force", (await GetAgreementAsync(api, agreementId)).GetProperty("status").GetString());
        await CheckAsync(coordinator, "life-07-view-recorded");
        await coordinator.CloseAsync();
    }

    /// <summary>Two councils deciding at full council (no call-in) approve and sign on 1 June 2021: the agreement is in the register.</summary>
    private static async Task<(string AgreementId, string[] Officers)> AgreementInForceAsync(SignOffApi api, string title)
    {
        var slug = Guid.NewGuid().ToString("N")[..8];
        string[] officers = [$"jo.{slug}@witham.example", $"sam.{slug}@braintree.example"];
        var definition = $$"""
            agreement: { title: {{title}}, reference: E2E-LIFE-{{slug}}, notice: 30 days }
            round:
              deadline: 2021-07-30
              chairs: [ { name: Pat Morgan, email: chair.{{slug}}@partnership.example } ]
            coordinator: { name: Partnership Office, email: office.{{slug}}@partnership.example }
            partners:
              - { name: Witham Town Council, officer: { name: Jo Bloggs, email: {{officers[0]}} }, governance: { route: full-council } }
              - { name: Braintree District Council, officer: { name: Sam Smith, email: {{officers[1]}} }, governance: { route: full-council } }
            """;
        var round = await api.LaunchRoundAsync(definition, TestPdfs.WithText(title, $"draft {slug}"), "mou.pdf", ct: Ct);
        var roundId = round.GetProperty("roundId").GetString()!;
        foreach (var partner in round.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partnerId").GetString()!))
        {
            await PostAsync(api, $"api/rounds/{roundId}/partners/{partner}/decision", JsonContent(new { outcome = "approve", decidedOn = "2021-06-01", evidence = "Full council minute" }));
            await PostAsync(api, $"api/rounds/{roundId}/partners/{partner}/counterparts", new MultipartFormDataContent
            {
                { new ByteArrayContent(TestPdfs.WithText(title, "Counterpart", $"Signed by {partner}")), "file", "signed.pdf" },
                { new StringContent("Pat Chief"), "signatoryName" },
                { new StringContent("Chief Executive"), "signatoryPosition" },
                { new StringContent("2021-06-01"), "signedOn" },
            });
        }

        await WaitForAsync(api, roundId, _ => true, "the agreement in the register");
        return (roundId, officers);
    }

    private async Task<IPage> SignedInAsync(string returnUrl)
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, returnUrl);
        return page;
    }

    private static async Task SignInAsync(IPage page, string returnUrl)
    {
        await page.GotoAsync($"/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.GetByLabel("API key").FillAsync(TestEnvironment.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.EndsWith(returnUrl, page.Url, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> GetAgreementAsync(SignOffApi api, string agreementId)
    {
        using var response = await api.Http.GetAsync($"api/agreements/{agreementId}", Ct);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>(Ct) : default;
    }

    /// <summary>Polls the agreement until the condition holds: the register acts on a round's effects and on its alarms, moments after the request that caused them.</summary>
    private static async Task WaitForAsync(SignOffApi api, string agreementId, Func<JsonElement, bool> done, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var agreement = await GetAgreementAsync(api, agreementId);
            if (agreement.ValueKind == JsonValueKind.Object && done(agreement))
            {
                return;
            }

            Assert.True(waited.Elapsed < SignOffApi.DefaultTimeout, $"Waited {SignOffApi.DefaultTimeout.TotalSeconds:0} s for {what} on agreement {agreementId}.");
            await Task.Delay(250, Ct);
        }
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task PostAsync(SignOffApi api, string path, HttpContent content)
    {
        using (content)
        {
            using var response = await api.Http.PostAsync(path, content, Ct);
            Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        }
    }

    private static async Task CheckAsync(IPage page, string name)
    {
        await Screens.SaveAsync(page, name);
        await Axe.AssertNoSeriousAsync(page, name);
    }
}
