using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SignOff.EndToEnd.Tests.Support;

namespace SignOff.EndToEnd.Tests;

/// <summary>
/// A person's path through the running system: a coordinator launches a round in Chromium, the
/// invitations arrive in MailDev, officers act through their emailed links, the coordinator
/// accepts conditions, the clock moves through a call-in, and the agreement takes effect with
/// its completion pack. Every page is checked with axe-core and kept as a screenshot.
/// </summary>
public sealed partial class JourneyTests(BrowserFixture browser)
{
    private static readonly string Definition = """
        agreement: { title: Mid Essex Test Alliance MoU, reference: E2E-MOU }
        round:
          deadline: 2021-07-30
          chairs: [ { name: Pat Morgan, email: pat.chair@alliance.example } ]
        coordinator: { name: Alliance Programme Office, email: office@alliance.example }
        partners:
          - { name: Maldon District Council, officer: { name: Jo Bloggs, email: jo@maldon.example }, governance: { route: full-council, meeting: 2021-06-30 } }
          - { name: Chelmsford City Council, officer: { name: Sam Smith, email: sam@chelmsford.example }, governance: { route: cabinet, meeting: 2021-06-30 } }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A readable PDF naming the agreement: a counterpart must name its agreement to be taken.
    private static byte[] Pdf(string text) => SignOff.Testing.TestPdfs.WithText("Mid Essex Test Alliance MoU", text);

    [Fact]
    public async Task A_round_goes_from_upload_to_effective_through_the_pages_and_emails()
    {
        using var api = new SignOffApi();
        await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);

        // The coordinator signs in: a wrong key is refused at the field, the right one lands on the rounds.
        var coordinator = await browser.NewPageAsync();
        await coordinator.GotoAsync("/rounds");
        Assert.Contains("/sign-in", coordinator.Url, StringComparison.Ordinal);
        await CheckAsync(coordinator, "01-sign-in");
        await coordinator.GetByLabel("API key").FillAsync("not-the-key");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Contains("That API key is not recognised", await coordinator.Locator(".error-summary").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "02-sign-in-refused");
        await coordinator.GetByLabel("API key").FillAsync(TestEnvironment.ApiKey);
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.EndsWith("/rounds", coordinator.Url, StringComparison.Ordinal);
        await CheckAsync(coordinator, "03-rounds");

        // A broken definition: every problem listed at the field, with its line; nothing launched.
        await coordinator.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Launch a round" }).ClickAsync();
        await CheckAsync(coordinator, "04-launch");
        await coordinator.SetInputFilesAsync("#definition", new FilePayload { Name = "round.yaml", MimeType = "text/yaml", Buffer = Encoding.UTF8.GetBytes(Definition.Replace("route: cabinet,", "route: cabinet-membr,", StringComparison.Ordinal).Replace("office@alliance.example", "office@", StringComparison.Ordinal)) });
        await coordinator.SetInputFilesAsync("#draft", new FilePayload { Name = "draft.pdf", MimeType = "application/pdf", Buffer = Pdf("draft v1") });
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Check the round" }).ClickAsync();
        Assert.Contains("The round definition has 2 problems", await coordinator.Locator(".error-summary").InnerTextAsync(), StringComparison.Ordinal);
        var problems = await coordinator.Locator("#definition-problems li").AllInnerTextsAsync();
        Assert.Contains(problems, p => p.StartsWith("Line 5,", StringComparison.Ordinal) && p.Contains("coordinator.email", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Line 8,", StringComparison.Ordinal) && p.Contains("unknown governance route 'cabinet-membr'", StringComparison.Ordinal));
        await CheckAsync(coordinator, "05-launch-problems");

        // The real launch: first the round as it will run (nothing sent yet), then the round page with both partners.
        await coordinator.SetInputFilesAsync("#definition", new FilePayload { Name = "round.yaml", MimeType = "text/yaml", Buffer = Encoding.UTF8.GetBytes(Definition) });
        await coordinator.SetInputFilesAsync("#draft", new FilePayload { Name = "draft.pdf", MimeType = "application/pdf", Buffer = Pdf("draft v1") });
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Check the round" }).ClickAsync();
        Assert.Equal("Check the round before sending", await coordinator.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        var preview = await coordinator.Locator("main").InnerTextAsync();
        Assert.Contains("Maldon District Council", preview, StringComparison.Ordinal);
        Assert.Contains("Chelmsford City Council", preview, StringComparison.Ordinal);
        Assert.Contains("Call-in ends", preview, StringComparison.Ordinal); // Chelmsford's cabinet decision is subject to call-in
        await CheckAsync(coordinator, "05b-launch-preview");
        var previewPhone = await browser.NewPhonePageAsync();
        await previewPhone.SetContentAsync(await coordinator.ContentAsync());
        Assert.True(await previewPhone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The preview scrolls sideways at 390 px.");
        await previewPhone.CloseAsync();
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Send the invitations" }).ClickAsync();
        var roundId = RoundIdPattern().Match(coordinator.Url).Groups[1].Value;
        Assert.NotEmpty(roundId);
        Assert.Contains("The round is launched", await coordinator.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await coordinator.Locator("#partners tbody tr").CountAsync());
        await CheckAsync(coordinator, "06-round-launched");

        // The same files again: the preview names the round already launched, and nothing is sent without saying so.
        await coordinator.GotoAsync("/rounds/new");
        await coordinator.SetInputFilesAsync("#definition", new FilePayload { Name = "round.yaml", MimeType = "text/yaml", Buffer = Encoding.UTF8.GetBytes(Definition) });
        await coordinator.SetInputFilesAsync("#draft", new FilePayload { Name = "draft.pdf", MimeType = "application/pdf", Buffer = Pdf("draft v1") });
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Check the round" }).ClickAsync();
        Assert.Contains("A round for E2E-MOU with this draft was launched on", await coordinator.Locator(".warning-panel").InnerTextAsync(), StringComparison.Ordinal);
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Send the invitations" }).ClickAsync();
        Assert.Contains("Confirm that you want a second round for E2E-MOU", await coordinator.Locator(".error-summary").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "06b-launch-duplicate-refused");
        using (var launched = JsonDocument.Parse(await api.Http.GetStringAsync("api/rounds", Ct)))
        {
            Assert.Single(launched.RootElement.EnumerateArray(), r => r.GetProperty("roundId").GetString()!.StartsWith("e2e-mou", StringComparison.Ordinal));
        }

        // Invitations arrive with the draft and a calendar entry.
        var joInvite = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Please take", StringComparison.Ordinal), roundId: roundId, to: "jo@maldon.example", ct: Ct);
        var samInvite = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Please take", StringComparison.Ordinal), roundId: roundId, to: "sam@chelmsford.example", ct: Ct);
        Assert.Contains("draft.pdf", joInvite.Attachments);
        Assert.Contains(joInvite.Attachments, a => a.EndsWith(".ics", StringComparison.Ordinal));

        // A mail scanner fetching the link (GET twice, then HEAD) changes nothing.
        var joLink = MailDev.RespondLink(joInvite);
        var eventsBefore = await EventCountAsync(api, roundId);
        using (var scanner = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync(joLink, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync(joLink, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await scanner.SendAsync(new HttpRequestMessage(HttpMethod.Head, joLink), Ct)).StatusCode);
        }

        Assert.Equal(eventsBefore, await EventCountAsync(api, roundId));

        // Meeting day. Maldon's officer records full council's approval (no call-in: authorised at once).
        await api.SetClockAsync("2021-06-30T15:00:00Z", Ct);
        var jo = await browser.NewPageAsync();
        await jo.GotoAsync(joLink);
        await CheckAsync(jo, "07-officer-decision");
        var joPhone = await browser.NewPhonePageAsync();
        await joPhone.GotoAsync(joLink);
        await CheckAsync(joPhone, "07-officer-decision-phone");
        await joPhone.CloseAsync();
        await jo.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        var summary = await jo.Locator(".error-summary").InnerTextAsync();
        Assert.Contains("Choose what Maldon District Council decided", summary, StringComparison.Ordinal);
        Assert.Contains("Enter the date of the decision", summary, StringComparison.Ordinal);
        await CheckAsync(jo, "08-officer-decision-errors");
        await jo.Locator("#outcome").CheckAsync();
        await DateBoxes.FillAsync(jo, "decidedOn", "2021-06-30");
        await jo.GetByLabel("Minute or decision reference (optional)").FillAsync("FC 45/2021");
        await jo.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await CheckAsync(jo, "08b-officer-check-answers");
        await jo.GetByRole(AriaRole.Button, new() { Name = "Confirm and record" }).ClickAsync();
        Assert.Equal("Decision recorded", await jo.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        Assert.Contains("authorised", await jo.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(jo, "09-officer-decision-recorded");

        // The counterpart request: a Word file that is not one is refused beside the field; the signed PDF is taken.
        var joRequest = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Please sign", StringComparison.Ordinal), roundId: roundId, to: "jo@maldon.example", ct: Ct);
        await jo.GotoAsync(MailDev.RespondLink(joRequest));
        await CheckAsync(jo, "10-officer-counterpart");
        await FillCounterpartAsync(jo, new FilePayload { Name = "signed.docx", MimeType = "application/octet-stream", Buffer = Encoding.UTF8.GetBytes("this is not a Word document") }, "Richard Holmes");
        Assert.Equal("file-error", await jo.Locator(".form-group-error .error-message").First.GetAttributeAsync("id"));
        await CheckAsync(jo, "11-officer-counterpart-refused");
        await FillCounterpartAsync(jo, new FilePayload { Name = "maldon-signed.pdf", MimeType = "application/pdf", Buffer = Pdf("signed by Maldon") }, "Richard Holmes");
        Assert.Equal("Counterpart received", await jo.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        await CheckAsync(jo, "12-officer-counterpart-received");

        // Chelmsford's officer hands over to a colleague: the old link stops working, the colleague gets their own.
        var samLink = MailDev.RespondLink(samInvite);
        var sam = await browser.NewPageAsync();
        await sam.GotoAsync(samLink);
        await sam.GetByText("Hand this over to a colleague").ClickAsync();
        await sam.GetByLabel("Colleague's name").FillAsync("Alex Rahman");
        await sam.GetByLabel("Colleague's email address").FillAsync("alex@chelmsford.example");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Hand over" }).ClickAsync();
        Assert.Equal("Handed over", await sam.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        var stale = await sam.GotoAsync(samLink);
        Assert.Equal(404, stale!.Status);
        Assert.Equal("This link cannot be used", await sam.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        await CheckAsync(sam, "13-link-cannot-be-used");

        var alexMail = await MailDev.WaitForAsync(m => m.Subject.Contains("handed over", StringComparison.Ordinal), roundId: roundId, to: "alex@chelmsford.example", ct: Ct);
        var alex = await browser.NewPageAsync();
        await alex.GotoAsync(MailDev.RespondLink(alexMail));
        await alex.Locator("#outcome-approve-with-conditions").CheckAsync();
        await DateBoxes.FillAsync(alex, "decidedOn", "2021-06-30");
        await alex.GetByLabel("Conditions", new() { Exact = true }).FillAsync("Subject to the data-sharing annex being agreed by the Alliance Board.");
        await alex.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await alex.GetByRole(AriaRole.Button, new() { Name = "Confirm and record" }).ClickAsync();
        Assert.Equal("Decision recorded", await alex.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());

        // The coordinator reviews the conditions on the partner's page and accepts them: the call-in starts.
        await coordinator.GotoAsync($"/rounds/{roundId}");
        await coordinator.GetByRole(AriaRole.Link, new() { Name = "Chelmsford City Council", Exact = true }).ClickAsync();
        Assert.Contains("data-sharing annex", await coordinator.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "14-partner-conditions");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Accept the conditions" }).ClickAsync();
        Assert.Contains("The conditions are accepted", await coordinator.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(coordinator, "15-partner-conditions-accepted");
        await api.WaitForAsync(roundId, r => Partner(r, "chelmsford-city-council").GetProperty("status").GetString() == "call-in", "Chelmsford in call-in", ct: Ct);

        // Ten days on: the call-in has ended (Chelmsford is authorised) and Monday's digest went to the chair.
        await api.AdvanceClockAsync("P10D", Ct);
        await api.WaitForAsync(roundId, r => Partner(r, "chelmsford-city-council").GetProperty("status").GetString() == "authorised", "Chelmsford authorised", ct: Ct);
        var digest = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Status of", StringComparison.Ordinal), roundId: roundId, to: "pat.chair@alliance.example", ct: Ct);
        var chair = await browser.NewPageAsync();
        await chair.GotoAsync(ChairLinkPattern().Match(digest.Text).Value);
        Assert.Contains("Mid Essex Test Alliance MoU", await chair.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("1 of 2 partners signed", await chair.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(chair, "16-chair-digest");

        // The colleague's chief executive signs in SignOff (no PDF-signing tool needed); the agreement takes effect.
        var alexRequest = await MailDev.WaitForAsync(m => m.Subject.StartsWith("Please sign", StringComparison.Ordinal), roundId: roundId, to: "alex@chelmsford.example", ct: Ct);
        await alex.GotoAsync(MailDev.RespondLink(alexRequest));
        await CheckAsync(alex, "17a-officer-sign");
        var alexPhone = await browser.NewPhonePageAsync();
        await alexPhone.GotoAsync(MailDev.RespondLink(alexRequest));
        await CheckAsync(alexPhone, "17a-officer-sign-phone");
        await alexPhone.CloseAsync();
        await alex.GetByRole(AriaRole.Button, new() { Name = "Sign the counterpart" }).ClickAsync();
        var signErrors = await alex.Locator(".error-summary").InnerTextAsync();
        Assert.Contains("Enter your full name", signErrors, StringComparison.Ordinal);
        Assert.Contains("Confirm that you are authorised to sign for Chelmsford City Council", signErrors, StringComparison.Ordinal);
        await CheckAsync(alex, "17b-officer-sign-errors");
        await alex.GetByLabel("Your full name").FillAsync("Nick Eveleigh");
        await alex.GetByLabel("Your position").FillAsync("Chief Executive");
        await alex.GetByLabel("Signature", new() { Exact = true }).FillAsync("Nick Eveleigh");
        await alex.GetByLabel("I am authorised to sign this agreement on behalf of Chelmsford City Council").CheckAsync();
        await alex.GetByRole(AriaRole.Button, new() { Name = "Sign the counterpart" }).ClickAsync();
        Assert.Equal("Counterpart signed", await alex.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        Assert.Contains("took effect", await alex.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(alex, "17-officer-agreement-effective");
        var events = await api.Http.GetStringAsync($"api/rounds/{roundId}/events?max=1000", Ct);
        Assert.Contains("\"signed-in-sign-off\"", events, StringComparison.Ordinal); // recorded as executed in SignOff, not uploaded

        var round = await api.WaitForAsync(roundId, r => r.GetProperty("status").GetString() == "effective", "effective", ct: Ct);
        Assert.Equal(JsonValueKind.String, round.GetProperty("effectiveOn").ValueKind);
        var effective = await MailDev.WaitForAsync(m => m.Subject.Contains("took effect", StringComparison.Ordinal), roundId: roundId, to: "office@alliance.example", ct: Ct);
        Assert.Contains("e2e-mou-completion-pack.pdf", effective.Attachments);

        // The coordinator sees it effective and downloads the completion pack.
        await coordinator.GotoAsync($"/rounds/{roundId}");
        Assert.Contains("effective", await coordinator.Locator(".summary-list").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await coordinator.Locator("#partners tbody tr").GetByText("signed", new() { Exact = true }).CountAsync());
        await CheckAsync(coordinator, "18-round-effective");
        var download = await coordinator.RunAndWaitForDownloadAsync(() => coordinator.GetByRole(AriaRole.Link, new() { Name = "Download the completion pack (PDF)" }).ClickAsync());
        var pack = Path.Combine(TestEnvironment.Artifacts, "e2e-completion-pack.pdf");
        await download.SaveAsAsync(pack);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(File.ReadAllBytes(pack), 0, 4), StringComparison.Ordinal);

        foreach (var page in new[] { coordinator, jo, sam, alex, chair })
        {
            await page.CloseAsync();
        }
    }

    private static async Task FillCounterpartAsync(IPage page, FilePayload file, string signatory)
    {
        await page.SetInputFilesAsync("#file", file);
        await page.GetByLabel("Signatory's name").FillAsync(signatory);
        await page.GetByLabel("Signatory's position").FillAsync("Chief Executive");
        await DateBoxes.FillAsync(page, "signedOn", "2021-06-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload the counterpart" }).ClickAsync();
    }

    private static async Task CheckAsync(IPage page, string name)
    {
        await Screens.SaveAsync(page, name);
        await Axe.AssertNoSeriousAsync(page, name);
    }

    private static async Task<int> EventCountAsync(SignOffApi api, string roundId)
    {
        var page = await api.Http.GetStringAsync($"api/rounds/{roundId}/events?max=1000", Ct);
        using var json = JsonDocument.Parse(page);
        return json.RootElement.GetProperty("events").GetArrayLength();
    }

    private static JsonElement Partner(JsonElement round, string partnerId) =>
        round.GetProperty("partners").EnumerateArray().Single(p => p.GetProperty("partnerId").GetString() == partnerId);

    [GeneratedRegex("/rounds/([a-z0-9-]+)")]
    private static partial Regex RoundIdPattern();

    [GeneratedRegex(@"https?://[^\s""'<>]+/chair/[A-Za-z0-9_-]+")]
    private static partial Regex ChairLinkPattern();
}
