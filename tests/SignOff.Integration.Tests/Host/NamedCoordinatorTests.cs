using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SignOff.Host.Access;

namespace SignOff.Integration.Tests.Host;

/// <summary>Coordinators with keys of their own: the audit log names the person, not the key.</summary>
public sealed class NamedCoordinatorTests : IAsyncLifetime
{
    private const string JoKey = "jo-coordinator-own-key-5f2d9c0b7a614e38";
    private readonly SignOffFactory host = new(extra: new Dictionary<string, string?>
    {
        ["SignOff:Coordinators:0:Name"] = "Jo Coordinator",
        ["SignOff:Coordinators:0:Email"] = "jo.coordinator@alliance.example",
        ["SignOff:Coordinators:0:KeyHash"] = ApiKeyFilter.HashOf(JoKey).ToUpperInvariant(),
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    private HttpClient ApiAs(string key)
    {
        var client = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(ApiKeyFilter.Header, key);
        return client;
    }

    /// <summary>The actor of the round's first event of <paramref name="type"/>, as the events API shows it.</summary>
    private static async Task<(string Name, string Email)> ActorOfAsync(HttpClient api, string roundId, string type)
    {
        var log = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var by = log.GetProperty("events").EnumerateArray().First(e => e.GetProperty("type").GetString() == type).GetProperty("data").GetProperty("by");
        return (by.GetProperty("name").GetString()!, by.GetProperty("email").GetString()!);
    }

    [Fact]
    public async Task A_round_launched_with_a_named_key_records_the_person_on_its_event()
    {
        using var jo = ApiAs(JoKey);
        var roundId = (await host.LaunchAsync(jo, Ct)).GetProperty("roundId").GetString()!;
        Assert.Equal(("Jo Coordinator", "jo.coordinator@alliance.example"), await ActorOfAsync(jo, roundId, "RoundStarted"));
    }

    [Fact]
    public async Task An_unnamed_key_still_works_and_is_recorded_by_its_id()
    {
        using var api = host.Api();
        var roundId = (await host.LaunchAsync(api, Ct)).GetProperty("roundId").GetString()!;
        Assert.Equal(($"Coordinator (key {ApiKeyFilter.HashOf(SignOffFactory.ApiKey)[..8]})", "coordinator@signoff.invalid"), await ActorOfAsync(api, roundId, "RoundStarted"));
        using var stranger = ApiAs("nobody-has-this-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/rounds", Ct)).StatusCode);
    }

    [Fact]
    public async Task Signed_in_to_the_pages_with_a_named_key_the_header_names_the_person_and_their_acts_are_recorded_under_their_name()
    {
        using var api = host.Api();
        var roundId = (await host.LaunchAsync(api, Ct)).GetProperty("roundId").GetString()!;

        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.DoesNotContain("organisation's account", signIn, StringComparison.Ordinal);
        var signedIn = await browser.PostAsync("/sign-in?returnUrl=%2Frounds", new FormUrlEncodedContent(new Dictionary<string, string>(ApiTests.Hidden(signIn)) { ["apiKey"] = JoKey }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("Signed in as Jo Coordinator", WebUtility.HtmlDecode(await browser.GetStringAsync("/rounds", Ct)), StringComparison.Ordinal);

        var path = $"/rounds/{roundId}/partners/maldon-district-council";
        var page = await browser.GetStringAsync(path, Ct);
        var moved = await browser.PostAsync($"{path}/dates", new FormUrlEncodedContent(new Dictionary<string, string>(ApiTests.Hidden(page, "/dates")) { ["newMeetingOn"] = "2021-07-07" }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(("Jo Coordinator", "jo.coordinator@alliance.example"), await ActorOfAsync(api, roundId, "PartnerDatesChanged"));
        Assert.Contains("– Jo Coordinator", WebUtility.HtmlDecode(await browser.GetStringAsync($"/rounds/{roundId}", Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_in_with_an_unnamed_key_the_header_names_the_key()
    {
        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(ApiTests.Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        Assert.Contains($"Signed in as Coordinator (key {ApiKeyFilter.HashOf(SignOffFactory.ApiKey)[..8]})", WebUtility.HtmlDecode(await browser.GetStringAsync("/rounds", Ct)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SignOff:Coordinators:0:KeyHash", "abc123", "SignOff:Coordinators:0:KeyHash is not a SHA-256 hash (64 hex digits)")]
    [InlineData("SignOff:Coordinators:0:Name", "", "SignOff:Coordinators:0:Name is missing")]
    [InlineData("SignOff:Coordinators:0:KeyHash", "same-as-the-unnamed-key", "is configured more than once")]
    public async Task A_misconfigured_key_stops_the_host_at_start_up_with_the_reason(string setting, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SignOff:Coordinators:0:Name"] = "Jo Coordinator",
            ["SignOff:Coordinators:0:KeyHash"] = ApiKeyFilter.HashOf(JoKey),
        };
        settings[setting] = value == "same-as-the-unnamed-key" ? ApiKeyFilter.HashOf(SignOffFactory.ApiKey) : value;
        await using var misconfigured = new SignOffFactory(extra: settings);
        var failure = Record.Exception(() => misconfigured.CreateClient());
        var invalid = Assert.IsType<OptionsValidationException>(failure is AggregateException { InnerExceptions: [var only] } ? only : failure);
        Assert.Contains(message, invalid.Message, StringComparison.Ordinal);
    }
}
