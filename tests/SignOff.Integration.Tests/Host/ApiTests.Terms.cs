using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SignOff.Integration.Tests.Host;

/// <summary>The terms the agreement is kept to once in force, stated in the definition and shown on the round page.</summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task A_definition_states_the_review_cycle_and_notice_period_and_the_round_page_shows_them()
    {
        var definition = Definition().Replace("agreement: { title: Test Alliance MoU, reference: TEST-MOU }",
            "agreement: { title: Test Alliance MoU, reference: TEST-TERMS, review: { every: 6 months, from: 2022-07-01 }, notice: 20 operational days }", StringComparison.Ordinal);
        var refused = await api.PostAsync("/api/rounds", Upload(definition.Replace("20 operational days", "a month", StringComparison.Ordinal), Pdf), Ct);
        var problem = await ProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("agreement.notice", problem.GetRawText(), StringComparison.Ordinal);

        var launched = await api.PostAsync("/api/rounds", Upload(definition, Pdf), Ct);
        Assert.Equal(HttpStatusCode.Created, launched.StatusCode);
        var roundId = (await launched.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString()!;

        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync("/sign-in", Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>(Hidden(signIn)) { ["apiKey"] = SignOffFactory.ApiKey }), Ct)).StatusCode);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/rounds/{roundId}", Ct));
        Assert.Contains("Reviewed every 6 months from 1 July 2022. A party leaving gives 20 operational days' notice.", page, StringComparison.Ordinal);
    }
}
