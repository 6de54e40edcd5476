using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignOff.Integration.Tests.Support;

namespace SignOff.Integration.Tests.Host;

/// <summary>An officer signs the counterpart in SignOff, through the emailed link: nothing is recorded without every detail and the statement, and what is recorded is a sealed PDF.</summary>
public sealed class SigningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_authorised_partner_signs_in_SignOff_and_its_counterpart_is_a_sealed_pdf_recorded_as_signed_in_SignOff()
    {
        await using var host = new SignOffFactory();
        using var api = host.Api();
        var round = await host.LaunchAsync(api, Ct);
        var roundId = round.GetProperty("roundId").GetString()!;
        var maldon = round.GetProperty("partners").EnumerateArray().First(p => p.GetProperty("name").GetString() == "Maldon District Council").GetProperty("partnerId").GetString()!;
        (await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/decision",
            new { outcome = "approve", decidedOn = "2021-06-01", evidence = "Minutes of Full Council, item 7" }, Ct)).EnsureSuccessStatusCode();
        await host.DrainAsync(Ct);
        var request = (await MailDevInbox.ForRoundAsync(roundId, Ct)).First(m => m.To == "jo@maldon.example" && m.Subject.StartsWith("Please sign", StringComparison.Ordinal));
        var path = ApiTests.LinkPattern().Match(request.Text).Groups[1].Value;
        using var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });

        var page = await browser.GetStringAsync(path, Ct);
        Assert.Contains("Sign Maldon District Council", System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);

        // Without the statement of authority nothing is signed.
        var refused = await browser.PostAsync(path, Form(page, confirmed: false), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("Confirm that you are authorised to sign for Maldon District Council", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("authorised", await StatusAsync(api, roundId, maldon));

        var signed = await browser.PostAsync(path, Form(page, confirmed: true), Ct);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Contains("Counterpart signed", await signed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("signed", await StatusAsync(api, roundId, maldon));

        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        var received = events.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "CounterpartReceived")
            .GetProperty("data").GetProperty("counterpart");
        Assert.Equal("signed-in-sign-off", received.GetProperty("check").GetProperty("kind").GetString());
        Assert.Equal("Richard Holmes", received.GetProperty("signatoryName").GetString());
        var sha = received.GetProperty("document").GetProperty("sha256").GetString();
        var pdf = await api.GetByteArrayAsync($"/api/rounds/{roundId}/documents/{sha}", Ct);
        var seal = Assert.IsType<SignOff.Host.Documents.PdfSignatureResult.Verified>(SignOff.Host.Documents.PdfSignatures.Verify(pdf));
        Assert.Equal(["CN=SignOff service seal, O=SignOff"], seal.Signers);
    }

    /// <summary>The signing form's post, through the same reader of a page's forms as the decision tests.</summary>
    private static FormUrlEncodedContent Form(string page, bool confirmed)
    {
        var answers = new Dictionary<string, string>
        {
            ["form"] = "sign",
            ["signName"] = "Richard Holmes",
            ["signPosition"] = "Chief Executive",
            ["signature"] = "Richard Holmes",
        };
        if (confirmed)
        {
            answers["authority"] = "yes";
        }

        return ApiTests.Form(page, answers);
    }

    private static async Task<string?> StatusAsync(HttpClient api, string roundId, string partnerId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct)).GetProperty("partners").EnumerateArray()
            .Single(p => p.GetProperty("partnerId").GetString() == partnerId).GetProperty("status").GetString();
}
