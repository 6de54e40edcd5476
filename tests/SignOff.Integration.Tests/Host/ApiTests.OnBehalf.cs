using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SignOff.Integration.Tests.Host;

/// <summary>The coordinator records a decision on a partner's behalf: checked first, like the officer's, with the evidence shown.</summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task The_coordinator_checks_a_decision_recorded_on_a_partners_behalf_before_it_is_recorded()
    {
        var roundId = (await LaunchAsync()).GetProperty("roundId").GetString()!;
        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        var path = $"/rounds/{roundId}/partners/maldon-district-council";
        var page = await browser.GetStringAsync(path, Ct);
        var events = await EventCountAsync(roundId);

        var answers = new Dictionary<string, string>(Hidden(page, "/decision"))
        {
            ["outcome"] = "approve", ["decidedOn"] = "2021-06-01", ["minuteReference"] = "FC 12/2021", ["evidence"] = "https://maldon.example/minutes/fc-12",
        };
        var check = await browser.PostAsync($"{path}/decision", new FormUrlEncodedContent(answers), Ct);
        var checkPage = WebUtility.HtmlDecode(await check.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Contains("Check your answers before recording the decision", checkPage, StringComparison.Ordinal);
        Assert.Contains("https://maldon.example/minutes/fc-12", checkPage, StringComparison.Ordinal);
        Assert.Contains("You are recording this on Maldon District Council's behalf", checkPage, StringComparison.Ordinal);
        Assert.Equal(events, await EventCountAsync(roundId)); // nothing recorded yet

        // "Change" returns to the partner's page with the answers kept and the form open.
        var change = CoordinatorChangeLink().Match(checkPage).Groups[1].Value;
        Assert.StartsWith(path + "?", change, StringComparison.Ordinal);
        var changed = WebUtility.HtmlDecode(await browser.GetStringAsync(change, Ct));
        Assert.Contains("value=\"FC 12/2021\"", changed, StringComparison.Ordinal);
        Assert.Contains("<details id=\"act-decision\" open", changed, StringComparison.Ordinal);

        // Confirmed: recorded once, with the evidence, however often the confirmation is posted.
        var confirm = Hidden(checkPage, "/decision");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"{path}/decision", new FormUrlEncodedContent(confirm), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"{path}/decision", new FormUrlEncodedContent(confirm), Ct)).StatusCode);
        var log = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var recorded = Assert.Single(log.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "DecisionRecorded");
        Assert.Contains("https://maldon.example/minutes/fc-12", recorded.GetRawText(), StringComparison.Ordinal);
    }

    [GeneratedRegex("<a href=\"(/rounds/[^\"]+)\">Change")]
    private static partial Regex CoordinatorChangeLink();
}
