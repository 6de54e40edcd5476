using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SignOff.Integration.Tests.Support;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// Coordinators sign in to the pages with their organisation's account: the real OpenID Connect
/// authorisation code flow with PKCE, against a provider on a loopback port, the browser's
/// redirects followed one by one with its cookies kept.
/// </summary>
public sealed class OrganisationSignInTests : IAsyncLifetime
{
    private static readonly byte[] BearerKey = RandomNumberGenerator.GetBytes(32);
    private LoopbackOpenIdProvider provider = null!;
    private SignOffFactory host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        provider = await LoopbackOpenIdProvider.StartAsync("signoff-pages", "pages-secret-3c1e");
        host = new SignOffFactory(extra: new Dictionary<string, string?>
        {
            ["Auth:Oidc:Authority"] = provider.Authority,
            ["Auth:Oidc:ClientId"] = provider.ClientId,
            ["Auth:Oidc:ClientSecret"] = provider.ClientSecret,
            ["Auth:Jwt:SigningKey"] = Convert.ToBase64String(BearerKey),
            ["Auth:Jwt:Issuer"] = "https://login.example/tenant/v2.0",
            ["Auth:Jwt:Audience"] = "api://signoff",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await provider.DisposeAsync();
    }

    private HttpClient Browser() => host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>Asks for <paramref name="path"/>, is sent to the provider, and comes back with the code; the callback's answer.</summary>
    private async Task<HttpResponseMessage> SignInThroughProviderAsync(HttpClient browser, string path)
    {
        var asked = await browser.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var authorize = asked.Headers.Location!;
        Assert.StartsWith(provider.Authority + "/authorize?", authorize.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString("http://localhost/sign-in/oidc"), authorize.Query, StringComparison.Ordinal);

        // The provider is another site: the browser's SignOff cookies do not go there.
        using var outside = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var authorized = await outside.GetAsync(authorize, Ct);
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        var callback = authorized.Headers.Location!;
        Assert.Equal("/sign-in/oidc", callback.AbsolutePath);
        return await browser.GetAsync(callback, Ct);
    }

    [Fact]
    public async Task A_coordinator_signs_in_with_their_organisation_account_and_acts_under_their_name()
    {
        using var api = host.Api();
        var roundId = (await host.LaunchAsync(api, Ct)).GetProperty("roundId").GetString()!;
        using var browser = Browser();

        var back = await SignInThroughProviderAsync(browser, "/rounds");
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal("/rounds", back.Headers.Location!.OriginalString);
        Assert.Equal(1, provider.Redeemed);
        Assert.Contains("Signed in as Sam Organiser", WebUtility.HtmlDecode(await browser.GetStringAsync("/rounds", Ct)), StringComparison.Ordinal);

        var path = $"/rounds/{roundId}/partners/maldon-district-council";
        var page = await browser.GetStringAsync(path, Ct);
        var moved = await browser.PostAsync($"{path}/dates", new FormUrlEncodedContent(new Dictionary<string, string>(ApiTests.Hidden(page, "/dates")) { ["newMeetingOn"] = "2021-07-07" }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var log = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var by = log.GetProperty("events").EnumerateArray().First(e => e.GetProperty("type").GetString() == "PartnerDatesChanged").GetProperty("data").GetProperty("by");
        Assert.Equal(("Sam Organiser", "sam.organiser@alliance.example"), (by.GetProperty("name").GetString(), by.GetProperty("email").GetString()));
    }

    [Fact]
    public async Task A_signed_in_person_without_the_coordinator_role_gets_a_page_saying_so_and_no_session()
    {
        provider.SignsIn = new("Robin Reader", "robin@alliance.example", ["SignOff.Reader"]);
        using var browser = Browser();

        var refused = await SignInThroughProviderAsync(browser, "/rounds");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var text = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct));
        Assert.Contains("Your account cannot use SignOff", text, StringComparison.Ordinal);
        Assert.Contains("You signed in as Robin Reader, but your organisation has not given your account SignOff's coordinator role (SignOff.Coordinator).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Signed in as", text, StringComparison.Ordinal);

        // Not signed in: the pages send them to the provider again, rather than in a circle.
        var again = await browser.GetAsync("/rounds", Ct);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith(provider.Authority + "/authorize?", again.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_organisation_account_and_still_the_key()
    {
        using var browser = Browser();
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync("/sign-in?returnUrl=%2Fdigest", Ct));
        Assert.Contains("<a href=\"/sign-in/organisation?returnUrl=%2Fdigest\" class=\"button\" role=\"button\" draggable=\"false\">Sign in with your organisation's account</a>", page, StringComparison.Ordinal);
        Assert.Contains("Or sign in with your API key", page, StringComparison.Ordinal);

        var start = await browser.GetAsync("/sign-in/organisation?returnUrl=%2Fdigest", Ct);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(provider.Authority + "/authorize?", start.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);

        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(ApiTests.Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/rounds", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_callback_with_no_sign_in_under_way_says_sign_in_did_not_finish()
    {
        using var browser = Browser();
        var stray = await browser.GetAsync("/sign-in/oidc?code=made-up&state=made-up", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, stray.StatusCode);
        Assert.Contains("Sign in did not finish", await stray.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_authority_without_a_client_id_stops_the_host_at_start_up_with_the_reason()
    {
        await using var misconfigured = new SignOffFactory(extra: new Dictionary<string, string?> { ["Auth:Oidc:Authority"] = provider.Authority });
        var failure = Assert.IsType<InvalidOperationException>(Record.Exception(() => misconfigured.CreateClient()));
        Assert.Contains("Auth:Oidc:Authority is set but Auth:Oidc:ClientId is not", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_apis_bearer_tokens_still_work_beside_the_organisation_sign_in_and_name_the_person()
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://login.example/tenant/v2.0",
            Audience = "api://signoff",
            Expires = DateTime.UtcNow.AddMinutes(10),
            Subject = new ClaimsIdentity([new Claim("oid", "3f1c"), new Claim("name", "Ali Service"), new Claim("preferred_username", "ali@alliance.example"), new Claim("roles", "SignOff.Coordinator")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(BearerKey), SecurityAlgorithms.HmacSha256),
        });
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var roundId = (await host.LaunchAsync(client, Ct)).GetProperty("roundId").GetString()!;
        var log = await client.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var by = log.GetProperty("events").EnumerateArray().First(e => e.GetProperty("type").GetString() == "RoundStarted").GetProperty("data").GetProperty("by");
        Assert.Equal(("Ali Service", "ali@alliance.example"), (by.GetProperty("name").GetString(), by.GetProperty("email").GetString()));
    }
}
