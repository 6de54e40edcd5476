using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>Variations and joiners: rounds the register launches on an agreement in force.</summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task A_variation_goes_to_every_party_and_once_all_have_signed_the_varied_version_is_in_force()
    {
        var agreementId = await AgreementInForceAsync();
        var parties = (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct)).GetProperty("parties").EnumerateArray()
            .Select(p => p.GetProperty("partyId").GetString()).ToList();
        var varied = TestPdfs.WithText("Test Alliance MoU", "Variation: clause 4 (notice) replaced");

        // Bad requests launch nothing.
        await ProblemAsync(await api.PostAsync($"/api/agreements/{agreementId}/variations", Variation(null, "2021-07-30"), Ct), HttpStatusCode.BadRequest);
        var badDate = await ProblemAsync(await api.PostAsync($"/api/agreements/{agreementId}/variations", Variation(varied, "2021-02-30"), Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("deadline", badDate.GetProperty("field").GetString());
        await ProblemAsync(await api.PostAsync($"/api/agreements/{agreementId}/variations", Variation(System.Text.Encoding.ASCII.GetBytes("Minutes of the meeting, not a PDF"), "2021-07-30"), Ct), HttpStatusCode.UnsupportedMediaType);
        await ProblemAsync(await api.PostAsync("/api/agreements/no-such-agreement/variations", Variation(varied, "2021-07-30"), Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await api.PostAsJsonAsync($"/api/agreements/{agreementId}/variations", new { deadline = "2021-07-30" }, Ct), HttpStatusCode.BadRequest);
        Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/rounds", Ct)).EnumerateArray());

        // The variation is a round to every party, under the ids the register knows them by.
        var unknownRoute = Variation(varied, "2021-07-30");
        unknownRoute.Add(new StringContent("parish-meeting"), $"route-{parties[1]}");
        Assert.Equal($"route-{parties[1]}", (await ProblemAsync(await api.PostAsync($"/api/agreements/{agreementId}/variations", unknownRoute, Ct), HttpStatusCode.UnprocessableEntity))
            .GetProperty("field").GetString());
        var notAParty = Variation(varied, "2021-07-30");
        notAParty.Add(new StringContent("cabinet"), "route-provide-cic");
        await ProblemAsync(await api.PostAsync($"/api/agreements/{agreementId}/variations", notAParty, Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/rounds", Ct)).EnumerateArray());

        // Chelmsford's cabinet delegated minor variations to an officer: its decision on this one goes that way.
        var key = $"variation-{Guid.NewGuid():N}";
        var launched = await LaunchVariationAsync(agreementId, varied, key, (parties[1]!, "delegated-officer"));
        var roundId = launched.GetProperty("roundId").GetString()!;
        Assert.NotEqual(agreementId, roundId);
        Assert.Equal(parties, launched.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partnerId").GetString()));
        Assert.Equal(["full-council", "delegated-officer"], launched.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("route").GetString()));
        Assert.Equal(("variation", 1), (launched.GetProperty("changeOf").GetProperty("kind").GetString(), launched.GetProperty("changeOf").GetProperty("baseVersion").GetInt32()));

        // The same request again is the same round; another variation while it goes round is refused.
        Assert.Equal(roundId, (await LaunchVariationAsync(agreementId, varied, key)).GetProperty("roundId").GetString());
        var crossing = await ProblemAsync(await api.PostAsync($"/api/agreements/{agreementId}/variations", Variation(varied, "2021-07-30"), Ct), HttpStatusCode.Conflict);
        Assert.Equal("agreement-change-in-flight", crossing.GetProperty("type").GetString()!.Split('/')[^1]);
        Assert.Contains(roundId, crossing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stranger = await ProblemAsync(await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners",
            new { name = "Provide CIC", officer = new { name = "Pat Jones", email = "pat@provide.example" }, route = "charity-board" }, Ct), HttpStatusCode.Conflict);
        Assert.Equal("partners-fixed-by-agreement", stranger.GetProperty("type").GetString()!.Split('/')[^1]);
        await host.DrainAsync(Ct);
        var invitations = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.Subject.StartsWith("Please take", StringComparison.Ordinal)).ToList();
        Assert.Equal(["jo@maldon.example", "sam@chelmsford.example"], invitations.Select(m => m.To).Order());
        Assert.All(invitations, m => Assert.Equal("Please take a variation of Test Alliance MoU through governance by 30 July 2021", m.Subject));
        Assert.All(invitations, m => Assert.Contains("stays in force as it is", m.Text, StringComparison.Ordinal));

        // Until the last party signs, the agreement stays as it was.
        await SignEveryoneAsync(roundId, "Variation 1");
        var agreement = await EventuallyAsync(() => api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct),
            a => a.GetProperty("version").GetProperty("number").GetInt32() == 2);
        Assert.Equal([1, 2], agreement.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal((roundId, "2021-06-29"), (agreement.GetProperty("version").GetProperty("roundId").GetString(), agreement.GetProperty("version").GetProperty("effectiveOn").GetString()));
        Assert.Equal(launched.GetProperty("currentVersion").GetProperty("sha256").GetString(), agreement.GetProperty("version").GetProperty("sha256").GetString());
        Assert.Equal(parties, agreement.GetProperty("parties").EnumerateArray().Select(p => p.GetProperty("partyId").GetString()));
        Assert.Contains("AgreementVaried", agreement.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var told = await EventuallyAsync(() => MailDevInbox.ForAgreementAsync(agreementId, Ct), m => m.Count(x => x.Subject.StartsWith("Version 2 now in force", StringComparison.Ordinal)) >= 3);
        Assert.Equal(["chair@alliance.example", "jo@maldon.example", "sam@chelmsford.example"], told.Where(m => m.Subject == "Version 2 now in force: Test Alliance MoU").Select(m => m.To).Order());
    }

    [Fact]
    public async Task An_organisation_joins_by_its_own_round_signing_the_version_in_force_and_nobody_else_signs_again()
    {
        var agreementId = await AgreementInForceAsync();
        var inForce = (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct)).GetProperty("version");

        var badEmail = await ProblemAsync(await api.PostAsJsonAsync($"/api/agreements/{agreementId}/accessions",
            Joiner("Provide CIC", "pat@"), Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("officerEmail", badEmail.GetProperty("field").GetString());
        var noRoute = await ProblemAsync(await api.PostAsJsonAsync($"/api/agreements/{agreementId}/accessions",
            Joiner("Provide CIC", "pat@provide.example") with { Route = "parish-meeting" }, Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("route", noRoute.GetProperty("field").GetString());
        var already = await ProblemAsync(await api.PostAsJsonAsync($"/api/agreements/{agreementId}/accessions",
            Joiner("maldon district council", "new@maldon.example"), Ct), HttpStatusCode.Conflict);
        Assert.Equal("agreement-duplicate-party", already.GetProperty("type").GetString()!.Split('/')[^1]);
        Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/rounds", Ct)).EnumerateArray());

        var response = await api.PostAsJsonAsync($"/api/agreements/{agreementId}/accessions", Joiner("Provide CIC", "pat@provide.example"), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var launched = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var roundId = launched.GetProperty("roundId").GetString()!;
        var joiner = Assert.Single(launched.GetProperty("partners").EnumerateArray());
        Assert.Equal(("Provide CIC", "delegated-officer"), (joiner.GetProperty("name").GetString(), joiner.GetProperty("route").GetString()));
        Assert.Equal(inForce.GetProperty("sha256").GetString(), launched.GetProperty("currentVersion").GetProperty("sha256").GetString());
        Assert.Equal("accession", launched.GetProperty("changeOf").GetProperty("kind").GetString());
        await host.DrainAsync(Ct);
        var invitation = Assert.Single(await MailDevInbox.ForRoundAsync(roundId, Ct), m => m.To == "pat@provide.example");
        Assert.Equal("Please take joining Test Alliance MoU through governance by 30 July 2021", invitation.Subject);
        var twice = await ProblemAsync(await api.PostAsJsonAsync($"/api/agreements/{agreementId}/accessions", Joiner("Provide CIC", "pat@provide.example"), Ct), HttpStatusCode.Conflict);
        Assert.Equal("agreement-change-in-flight", twice.GetProperty("type").GetString()!.Split('/')[^1]);

        await SignEveryoneAsync(roundId, "Accession");
        var agreement = await EventuallyAsync(() => api.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}", Ct),
            a => a.GetProperty("parties").GetArrayLength() == 3);
        var joined = Party(agreement, joiner.GetProperty("partnerId").GetString()!);
        Assert.Equal(("bound", roundId, "2021-06-29"), (joined.GetProperty("status").GetString(), joined.GetProperty("joinedBy").GetString(), joined.GetProperty("joinedOn").GetString()));
        Assert.Equal(1, agreement.GetProperty("version").GetProperty("number").GetInt32());
        var told = await EventuallyAsync(() => MailDevInbox.ForAgreementAsync(agreementId, Ct), m => m.Count(x => x.Subject.Contains("Provide CIC", StringComparison.Ordinal)) >= 3);
        Assert.Equal(["chair@alliance.example", "jo@maldon.example", "sam@chelmsford.example"],
            told.Where(m => m.Subject.Contains("Provide CIC", StringComparison.Ordinal)).Select(m => m.To).Order());
    }

    private static AccessionRequestBody Joiner(string name, string email) => new(name, "Pat Jones", email, "delegated-officer", null, "2021-07-30");

    private sealed record AccessionRequestBody(string Name, string OfficerName, string OfficerEmail, string Route, string? MeetingOn, string Deadline);

    private async Task<JsonElement> LaunchVariationAsync(string agreementId, byte[] draft, string idempotencyKey, params (string PartyId, string Route)[] routes)
    {
        var form = Variation(draft, "2021-07-30");
        foreach (var (partyId, route) in routes)
        {
            form.Add(new StringContent(route), $"route-{partyId}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/agreements/{agreementId}/variations") { Content = form };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await api.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static MultipartFormDataContent Variation(byte[]? draft, string deadline)
    {
        var form = new MultipartFormDataContent { { new StringContent(deadline), "deadline" } };
        if (draft is not null)
        {
            var file = new ByteArrayContent(draft);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "draft", "varied.pdf");
        }

        return form;
    }

    /// <summary>Launches the two-partner round (or one from this definition) and signs it, so its agreement is in the register (effective 15 June 2021).</summary>
    private async Task<string> AgreementInForceAsync(string? definition = null)
    {
        var launched = await api.PostAsync("/api/rounds", Upload(definition ?? Definition(), Pdf), Ct);
        Assert.Equal(HttpStatusCode.Created, launched.StatusCode);
        var roundId = (await launched.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString()!;
        await SignEveryoneAsync(roundId, "Original");
        await EventuallyAsync(async () => (await api.GetAsync($"/api/agreements/{roundId}", Ct)).StatusCode, s => s == HttpStatusCode.OK);
        return roundId;
    }

    /// <summary>Every partner of a round approves, the call-in runs out (14 days), and each signs a counterpart of its own.</summary>
    private async Task SignEveryoneAsync(string roundId, string copy)
    {
        var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        var partners = round.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partnerId").GetString()!).ToList();
        var today = host.Today();
        foreach (var partner in partners)
        {
            var decided = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partner}/decision",
                new { outcome = "approve", evidence = "Published decision notice", decidedOn = today }, Ct);
            Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        }

        await host.AdvanceClockAsync("P14D", Ct);
        var signedOn = host.Today();
        foreach (var partner in partners)
        {
            var counterpart = new MultipartFormDataContent
            {
                { new ByteArrayContent(TestPdfs.WithText("Test Alliance MoU", $"{copy} counterpart signature page", $"Signed by {partner}")), "file", "signed.pdf" },
                { new StringContent("Pat Chief"), "signatoryName" },
                { new StringContent("Chief Executive"), "signatoryPosition" },
                { new StringContent(signedOn), "signedOn" },
            };
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/rounds/{roundId}/partners/{partner}/counterparts", counterpart, Ct)).StatusCode);
        }

        await host.DrainAsync(Ct);
    }
}
