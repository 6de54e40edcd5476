using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SignOff.EndToEnd.Tests.Support;

namespace SignOff.EndToEnd.Tests;

/// <summary>
/// A coordinator builds a round on the form in Chromium, without writing YAML: adds a partner row,
/// is told in plain words what is missing and where, imports a roster, keeps the definition as a
/// YAML download, checks the round and sends it. Every page is checked with axe-core and kept as a
/// screenshot, and the form is checked at phone width.
/// </summary>
public sealed partial class RoundBuilderTests(BrowserFixture browser)
{
    private const string Roster = """
        organisation,officer name,officer email,governance route,meeting date
        Braintree District Council,Jordan Ellis,jordan.ellis@braintree.example,cabinet,2021-06-21
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_coordinator_builds_a_round_on_the_form_and_sends_it()
    {
        using var api = new SignOffApi();
        await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var coordinator = await browser.NewPageAsync();
        await SignInAsync(coordinator);

        // The alternative to uploading a file, from the rounds page.
        await coordinator.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Build a round on a form" }).ClickAsync();
        Assert.Equal("Build a round", await coordinator.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        await CheckAsync(coordinator, "b01-build");

        await coordinator.Locator("#agreement-title").FillAsync("Braintree & Maldon: Shared Services MoU");
        await coordinator.Locator("#agreement-reference").FillAsync("E2E-BUILD");
        await DateBoxes.FillAsync(coordinator, "round-deadline", "2021-07-30");
        await coordinator.Locator("#coordinator-name").FillAsync("Alliance Programme Office");
        await coordinator.Locator("#coordinator-email").FillAsync("office@alliance.example");
        await coordinator.Locator("#round-chairs-0-name").FillAsync("Pat Morgan");
        await coordinator.Locator("#round-chairs-0-email").FillAsync("pat.chair@alliance.example");
        await FillPartnerAsync(coordinator, 0, "Maldon District Council", "Jo Bloggs", "jo@maldon.example", "full-council");
        await coordinator.SetInputFilesAsync("#draft", new FilePayload
        {
            Name = "draft.pdf",
            MimeType = "application/pdf",
            Buffer = SignOff.Testing.TestPdfs.WithText("Braintree & Maldon: Shared Services MoU", $"draft {Guid.NewGuid():N}"),
        });

        // One more row, everything typed kept; the second partner's officer email left empty.
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Add another partner" }).ClickAsync();
        Assert.Equal("Maldon District Council", await coordinator.Locator("#partners-0-name").InputValueAsync());
        Assert.Equal("30 7 2021", await DateBoxes.ValueAsync(coordinator, "round-deadline"));
        Assert.Equal(3, await coordinator.Locator("fieldset.builder-row legend", new() { HasTextRegex = PartnerLegend() }).CountAsync());
        Assert.Contains("Using draft.pdf", await coordinator.Locator("#draft-hint").InnerTextAsync(), StringComparison.Ordinal); // kept: browsers forget chosen files
        await FillPartnerAsync(coordinator, 1, "Chelmsford City Council", "Sam Smith", "", "cabinet");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Check the round" }).ClickAsync();

        var summary = await coordinator.Locator(".error-summary").InnerTextAsync();
        Assert.Contains("Partner 2: the officer's email is missing", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Partner 3", summary, StringComparison.Ordinal); // the empty row is skipped, not an error
        Assert.Equal("true", await coordinator.Locator("#partners-1-officer-email").GetAttributeAsync("aria-invalid"));
        Assert.Contains("Partner 2: the officer's email is missing", await coordinator.Locator("#partners-1-officer-email-error").InnerTextAsync(), StringComparison.Ordinal);
        await coordinator.Locator(".error-summary").GetByRole(AriaRole.Link, new() { Name = "Partner 2: the officer's email is missing" }).ClickAsync();
        Assert.EndsWith("#partners-1-officer-email", coordinator.Url, StringComparison.Ordinal);
        await CheckAsync(coordinator, "b02-build-problems");

        // Fixed, and a third partner from a roster.
        await coordinator.Locator("#partners-1-officer-email").FillAsync("sam@chelmsford.example");
        await coordinator.SetInputFilesAsync("#roster", new FilePayload { Name = "roster.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Roster) });
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Import the roster" }).ClickAsync();
        Assert.Contains("1 partner added from the roster.", await coordinator.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("sam@chelmsford.example", await coordinator.Locator("#partners-1-officer-email").InputValueAsync());
        Assert.Equal("Braintree District Council", await coordinator.Locator("#partners-2-name").InputValueAsync());
        Assert.Equal(0, await coordinator.Locator(".error-summary").CountAsync());
        await CheckAsync(coordinator, "b03-build-imported");

        // Kept as YAML, to upload another time.
        var download = await coordinator.RunAndWaitForDownloadAsync(() => coordinator.GetByRole(AriaRole.Button, new() { Name = "Download as YAML" }).ClickAsync());
        Assert.Equal("E2E-BUILD.yaml", download.SuggestedFilename);
        var yaml = await File.ReadAllTextAsync(await download.PathAsync(), Ct);
        Assert.Contains("title: 'Braintree & Maldon: Shared Services MoU'", yaml, StringComparison.Ordinal);
        foreach (var partner in new[] { "Maldon District Council", "Chelmsford City Council", "Braintree District Council" })
        {
            Assert.Contains($"- name: {partner}", yaml, StringComparison.Ordinal);
        }

        // The form at phone width: no sideways scrolling, with or without problems shown.
        var phone = await browser.NewPhonePageAsync();
        await SignInAsync(phone);
        await phone.GotoAsync("/rounds/build");
        await CheckAsync(phone, "b04-build-phone");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The build page scrolls sideways at 390 px.");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Check the round" }).ClickAsync();
        Assert.Contains("Enter the deadline", await phone.Locator(".error-summary").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(phone, "b04b-build-phone-problems");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The build page with problems scrolls sideways at 390 px.");
        await phone.CloseAsync();

        // The draft chosen at the start is still held: the same preview an upload gets, and the round sent.
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Check the round" }).ClickAsync();
        Assert.Equal("Check the round before sending", await coordinator.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        var preview = await coordinator.Locator("main").InnerTextAsync();
        Assert.Contains("3 partners", preview, StringComparison.Ordinal);
        Assert.Contains("Braintree District Council", preview, StringComparison.Ordinal);
        await CheckAsync(coordinator, "b05-build-preview");

        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Send the invitations" }).ClickAsync();
        Assert.Matches(RoundPage(), coordinator.Url);
        Assert.Contains("The round is launched", await coordinator.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        var round = await coordinator.Locator("main").InnerTextAsync();
        foreach (var partner in new[] { "Maldon District Council", "Chelmsford City Council", "Braintree District Council" })
        {
            Assert.Contains(partner, round, StringComparison.Ordinal);
        }

        Assert.Equal(3, await coordinator.Locator("#partners tbody tr").CountAsync());
        await CheckAsync(coordinator, "b06-build-launched");
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/rounds");
        await page.GetByLabel("API key").FillAsync(TestEnvironment.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.EndsWith("/rounds", page.Url, StringComparison.Ordinal);
    }

    private static async Task FillPartnerAsync(IPage page, int row, string name, string officer, string email, string route)
    {
        await page.Locator($"#partners-{row}-name").FillAsync(name);
        await page.Locator($"#partners-{row}-officer-name").FillAsync(officer);
        await page.Locator($"#partners-{row}-officer-email").FillAsync(email);
        await page.Locator($"#partners-{row}-governance-route").SelectOptionAsync(route);
    }

    private static async Task CheckAsync(IPage page, string name)
    {
        await Screens.SaveAsync(page, name);
        await Axe.AssertNoSeriousAsync(page, name);
    }

    [GeneratedRegex("^Partner [0-9]+$")]
    private static partial Regex PartnerLegend();

    [GeneratedRegex("/rounds/e2e-build[^/?#]*\\?done=launched$")]
    private static partial Regex RoundPage();
}
