using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignOff.Integration.Tests.Support;
using SignOff.Storage.Blobs;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>Counterparts uploaded through the API are checked: each refusal in words, and what an accepted one records.</summary>
public sealed class CounterpartCheckTests : IAsyncLifetime
{
    private readonly SignOffFactory host = new();
    private HttpClient api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await host.DisposeAsync();
    }

    /// <summary>Launches a round and records Maldon's approval (full council: authorised at once); returns the round and Maldon's id.</summary>
    private async Task<(string RoundId, string Maldon)> AuthorisedAsync(string review = "none")
    {
        var definition = ApiTests.Definition().Replace("  chairs:", $"  counterparts: {{ review: {review} }}\n  chairs:", StringComparison.Ordinal);
        var launched = await api.PostAsync("/api/rounds", ApiTests.Upload(definition, ApiTests.Pdf), Ct);
        Assert.Equal(HttpStatusCode.Created, launched.StatusCode);
        var round = await launched.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var roundId = round.GetProperty("roundId").GetString()!;
        var maldon = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        var decided = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/decision",
            new { outcome = "approve", evidence = "Minutes of full council", decidedOn = "2021-06-01" }, Ct);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        return (roundId, maldon);
    }

    private Task<HttpResponseMessage> UploadAsync(string roundId, string partnerId, byte[] file, string name = "signed.pdf") =>
        api.PostAsync($"/api/rounds/{roundId}/partners/{partnerId}/counterparts", new MultipartFormDataContent
        {
            { new ByteArrayContent(file), "file", name },
            { new StringContent("Pat Chief"), "signatoryName" },
            { new StringContent("Chief Executive"), "signatoryPosition" },
            { new StringContent("2021-06-01"), "signedOn" },
        }, Ct);

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string type, string detail)
    {
        var problem = await ApiTests.ProblemAsync(response, status);
        Assert.Equal($"https://signoff.example/problems/{type}", problem.GetProperty("type").GetString());
        Assert.Equal("file", problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unsigned_draft_another_agreement_and_a_tampered_signature_are_refused_in_words()
    {
        var (roundId, maldon) = await AuthorisedAsync();

        await AssertRefusedAsync(await UploadAsync(roundId, maldon, ApiTests.Pdf), HttpStatusCode.UnprocessableEntity, "unsigned-draft",
            "This file is the unsigned draft of version 1");
        await AssertRefusedAsync(await UploadAsync(roundId, maldon, TestPdfs.Counterpart("Sefton Collaboration Agreement", "Maldon")),
            HttpStatusCode.UnprocessableEntity, "not-this-agreement", "The file does not name this agreement");
        var signed = TestCounterparts.Signed(TestPdfs.Counterpart("Test Alliance MoU", "Maldon"), "CN=Pat Chief, O=Maldon District Council");
        await AssertRefusedAsync(await UploadAsync(roundId, maldon, TestCounterparts.Tampered(signed)), HttpStatusCode.UnprocessableEntity, "signature-broken",
            "The file's digital signature does not hold");

        var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal("authorised", round.GetProperty("partners")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_verified_signature_is_recorded_with_its_signer_and_the_file_cannot_serve_another_round()
    {
        var (roundId, maldon) = await AuthorisedAsync();
        var signed = TestCounterparts.Signed(TestPdfs.Counterpart("Test Alliance MoU", "Maldon"), "CN=Pat Chief, O=Maldon District Council");

        var accepted = await UploadAsync(roundId, maldon, signed);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var signature = (await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("partners")[0].GetProperty("counterpart").GetProperty("signature");
        Assert.Equal("digitally-signed", signature.GetProperty("kind").GetString());
        Assert.Equal("CN=Pat Chief, O=Maldon District Council", signature.GetProperty("signer").GetString());
        Assert.True(signature.GetProperty("verified").GetBoolean());

        // The same agreement launched again (a second round): the file is Maldon's counterpart of the first.
        var (second, maldonAgain) = await AuthorisedAsync();
        await AssertRefusedAsync(await UploadAsync(second, maldonAgain, signed), HttpStatusCode.UnprocessableEntity, "counterpart-reused",
            "This file is already recorded as Maldon District Council's counterpart in the round for TEST-MOU");
    }

    [Fact]
    public async Task A_photo_of_the_signed_page_is_taken_as_a_pdf_for_review()
    {
        var (roundId, maldon) = await AuthorisedAsync();

        var accepted = await UploadAsync(roundId, maldon, TestCounterparts.Jpeg, "signature-page.jpg");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var counterpart = (await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("partners")[0].GetProperty("counterpart");
        Assert.Equal("signature-page.pdf", counterpart.GetProperty("fileName").GetString());
        Assert.Equal("photo", counterpart.GetProperty("signature").GetProperty("kind").GetString());
        Assert.False(counterpart.GetProperty("signature").GetProperty("verified").GetBoolean());
        var stored = await api.GetAsync($"/api/rounds/{roundId}/documents/{counterpart.GetProperty("sha256").GetString()}", Ct);
        Assert.Equal("application/pdf", stored.Content.Headers.ContentType?.MediaType);

        // The same photo for a partner of another round: its PDF would differ, the photo does not.
        var (second, maldonAgain) = await AuthorisedAsync();
        await AssertRefusedAsync(await UploadAsync(second, maldonAgain, TestCounterparts.Jpeg, "signature-page.jpg"), HttpStatusCode.UnprocessableEntity,
            "counterpart-reused", "This file is already recorded as Maldon District Council's counterpart in the round for TEST-MOU");
    }

    [Fact]
    public async Task Under_review_the_coordinator_rejects_a_photo_with_a_reason_and_accepts_the_next()
    {
        var (roundId, maldon) = await AuthorisedAsync(review: "unverified");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(roundId, maldon, TestCounterparts.Png, "page.png")).StatusCode);
        var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal("counterpart-in-review", round.GetProperty("partners")[0].GetProperty("status").GetString());

        var noReason = await ApiTests.ProblemAsync(await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/counterpart/reject", new { reason = " " }, Ct),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal("https://signoff.example/problems/missing-detail", noReason.GetProperty("type").GetString());
        var rejected = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/counterpart/reject", new { reason = "The signature page is cut off" }, Ct);
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var partner = (await rejected.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("partners")[0];
        Assert.Equal("authorised", partner.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, partner.GetProperty("counterpart").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(roundId, maldon, TestCounterparts.Jpeg, "page.jpg")).StatusCode);
        var accepted = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/counterpart/accept", new { note = "Checked against the register" }, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("signed", (await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("partners")[0].GetProperty("status").GetString());
        var again = await ApiTests.ProblemAsync(await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{maldon}/counterpart/accept", new { }, Ct), HttpStatusCode.Conflict);
        Assert.Equal("https://signoff.example/problems/no-counterpart-in-review", again.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_claim_is_the_first_partners_and_the_same_partner_may_offer_its_file_again()
    {
        var registry = new CounterpartRegistry(host.Storage.Tables.GetTableClient(host.Prefix + "counterparts"));
        await host.Storage.Tables.GetTableClient(host.Prefix + "counterparts").CreateIfNotExistsAsync(Ct);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        var maldon = new CounterpartClaim("round-a", "maldon", "Maldon District Council", "TEST-MOU");

        Assert.Null(await registry.ClaimAsync(sha, maldon, Ct));
        Assert.Null(await registry.ClaimAsync(sha, maldon, Ct)); // a re-upload after a crash
        Assert.Equal(maldon, await registry.ClaimAsync(sha, maldon with { PartnerId = "braintree", PartnerName = "Braintree District Council" }, Ct));
        Assert.Equal(maldon, await registry.ClaimAsync(sha, maldon with { RoundId = "round-b" }, Ct));
    }
}
