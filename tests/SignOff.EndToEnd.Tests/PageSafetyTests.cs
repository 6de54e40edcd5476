using System.Net;
using System.Text;
using SignOff.EndToEnd.Tests.Support;

namespace SignOff.EndToEnd.Tests;

/// <summary>What the pages refuse: no session, no anti-forgery token, a forged link. Each refusal changes nothing and says nothing it should not.</summary>
public sealed class PageSafetyTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Coordinator_pages_send_a_stranger_to_sign_in_and_refuse_their_posts()
    {
        using var api = new SignOffApi();
        await api.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        var round = await api.LaunchRoundAsync("""
            agreement: { title: Safety Test MoU, reference: SAFE-MOU }
            round: { deadline: 2021-07-30 }
            coordinator: { name: Office, email: office@safe.example }
            partners:
              - { name: Safe District Council, officer: { name: Jo Safe, email: jo@safe.example }, governance: { route: full-council } }
            """, Encoding.ASCII.GetBytes("%PDF-1.4\n% safety\n%%EOF\n"), ct: Ct);
        var roundId = round.GetProperty("roundId").GetString()!;

        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(TestEnvironment.Host + "/") };
        var page = await stranger.GetAsync($"rounds/{roundId}", Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/sign-in?returnUrl=", page.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var cancel = await stranger.PostAsync($"rounds/{roundId}/cancel", new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "forged" }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);
        Assert.Equal("circulating", (await api.GetRoundAsync(roundId, Ct)).GetProperty("status").GetString());

        // An open redirect would let a phishing link borrow the site's name: only local paths are followed.
        var signIn = await browser.NewPageAsync();
        await signIn.GotoAsync("/sign-in?returnUrl=https://evil.example/");
        await signIn.GetByLabel("API key").FillAsync(TestEnvironment.ApiKey);
        await signIn.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Equal(TestEnvironment.Host + "/rounds", signIn.Url);

        // Signed in, a post without the page's anti-forgery token (a cross-site form) is refused.
        var forged = await signIn.APIRequest.PostAsync($"/rounds/{roundId}/cancel", new() { Form = signIn.APIRequest.CreateFormData() });
        Assert.Equal(400, forged.Status);
        Assert.Equal("circulating", (await api.GetRoundAsync(roundId, Ct)).GetProperty("status").GetString());
        await signIn.CloseAsync();
    }

    [Fact]
    public async Task A_forged_officer_link_gets_a_plain_page_that_names_nothing()
    {
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync("/respond/" + new string('A', 43));
        Assert.Equal(404, response!.Status);
        var text = await page.Locator("main").InnerTextAsync();
        Assert.Contains("This link cannot be used", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Council", text, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers["referrer-policy"]);
        await Screens.SaveAsync(page, "forged-link");
        await Axe.AssertNoSeriousAsync(page, "forged link");
        await page.CloseAsync();
    }
}
