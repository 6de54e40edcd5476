using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Core.Rounds;
using SignOff.Host.Api;
using SignOff.Host.Commands;
using SignOff.Storage.Blobs;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// The edges: one answer for every oversized upload, a typed answer for every failure, and an
/// OpenAPI document that describes every request body a client must send.
/// </summary>
public sealed class EdgeTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    // The host allows 64 KB documents (SignOffFactory), so a request may be 64 KB + 2 MB: three MB is over by far.
    private static readonly byte[] Huge = [.. Pdf, .. new byte[3 * 1024 * 1024]];
    private static readonly int[] RefusalStatuses = [404, 409, 422];
    private static readonly int[] DocumentStatuses = [413, 415];
    private readonly SignOffFactory host = new();
    private HttpClient api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        api = host.Api();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await host.DisposeAsync();
    }

    public static TheoryData<string, string> UploadEndpoints() => new()
    {
        { "/api/rounds", "draft" },
        { "/api/rounds/some-round/revisions", "draft" },
        { "/api/rounds/some-round/partners/some-partner/counterparts", "file" },
    };

    [Theory]
    [MemberData(nameof(UploadEndpoints))]
    public async Task An_upload_over_the_limit_gets_413_document_too_large_and_stores_nothing(string path, string part)
    {
        using var form = new MultipartFormDataContent { { new StringContent(ApiTests.Definition()), "definition", "round.yaml" }, { File(Huge), part, "big.pdf" } };

        var response = await api.PostAsync(path, form, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("https://signoff.example/problems/document-too-large", problem.GetProperty("type").GetString());
        Assert.Contains("a document may be up to 64 KB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await BlobCountAsync());
    }

    [Fact]
    public async Task An_upload_that_does_not_say_its_length_is_cut_off_at_the_limit_with_the_same_answer()
    {
        // Chunked: no Content-Length, so the form reader's own limit stops it as it streams in.
        using var form = new MultipartFormDataContent { { new StringContent(ApiTests.Definition()), "definition", "round.yaml" }, { new StreamContent(new MemoryStream(Huge)), "draft", "big.pdf" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rounds") { Content = new StreamContent(await form.ReadAsStreamAsync(Ct)) };
        request.Content.Headers.ContentType = form.Headers.ContentType;
        request.Headers.TransferEncodingChunked = true;

        var response = await api.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("https://signoff.example/problems/document-too-large", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());
        Assert.Equal(0, await BlobCountAsync());
    }

    [Fact]
    public async Task A_person_uploading_too_large_a_file_gets_a_plain_page_that_says_so()
    {
        using var form = new MultipartFormDataContent { { File(Huge), "draft", "big.pdf" } };

        var response = await api.PostAsync("/rounds/new", form, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("The file is too large", page, StringComparison.Ordinal);
        Assert.Contains("nothing has been saved", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_refusal_the_core_can_make_has_its_own_answer()
    {
        foreach (var code in Enum.GetValues<RejectionCode>())
        {
            var answer = FailureAnswers.For(new CommandFailure.Refused(code, "Because."));
            Assert.Contains(answer.Status, RefusalStatuses);
            Assert.Equal(RoundProcess.Kebab(code), answer.Type);
            Assert.False(string.IsNullOrWhiteSpace(answer.Title));
        }

        Assert.Equal(404, FailureAnswers.For(RejectionCode.RoundNotFound).Status);
        Assert.Equal(409, FailureAnswers.For(RejectionCode.StaleVersion).Status);
        Assert.Equal(422, FailureAnswers.For(RejectionCode.InvalidDate).Status);
        Assert.All(Enum.GetValues<InputProblem>(), p => Assert.InRange(FailureAnswers.For(p).Status, 400, 499));
        // A file refused for what it is (size, type) is 413/415; a counterpart of the right type refused for what it says
        // (another agreement, a broken signature, another partner's file) is 422, like the core's refusals.
        DocumentProblem[] contentProblems = [DocumentProblem.NotThisAgreement, DocumentProblem.SignatureBroken, DocumentProblem.CounterpartUsedElsewhere];
        Assert.All(Enum.GetValues<DocumentProblem>().Except(contentProblems), p => Assert.Contains(FailureAnswers.For(p).Status, DocumentStatuses));
        Assert.All(contentProblems, p => Assert.Equal(422, FailureAnswers.For(p).Status));
    }

    [Fact]
    public void A_refusal_shows_beside_its_field_on_a_page_and_names_its_part_in_the_api()
    {
        var document = new CommandFailure.DocumentRefused(DocumentProblem.NotPdfOrDocx, "The file is not a PDF or a Word (.docx) document.", "draft");
        var page = SignOff.Host.Pages.Forms.From(document);
        var date = SignOff.Host.Pages.Forms.From(new CommandFailure.Refused(RejectionCode.InvalidDate, "The decision date is in the future."), "decidedOn");

        Assert.Equal("draft", Assert.Single(page.Items).Field);
        Assert.Equal("The file is not a PDF or a Word (.docx) document", page.Items[0].Message);
        Assert.Equal("decidedOn", Assert.Single(date.Items).Field);
        var problem = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>(Problems.From(document));
        Assert.Equal(415, problem.StatusCode);
        Assert.Equal("'draft': The file is not a PDF or a Word (.docx) document.", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_multipart_body()
    {
        using var document = JsonDocument.Parse(await api.GetStringAsync("/openapi/v1.json", Ct));
        var root = document.RootElement;

        AssertForm(root, "/api/rounds", "definition", "draft", "roster");
        AssertForm(root, "/api/rounds/{roundId}/revisions", "draft", "kind", "note");
        AssertForm(root, "/api/rounds/{roundId}/partners/{partnerId}/counterparts", "file", "signatoryName", "signatoryPosition", "signedOn", "version");

        // Every operation has a summary, the inline ones too.
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.True(operation.Value.TryGetProperty("summary", out var summary) && summary.GetString() is { Length: > 0 }, $"{operation.Name} {path.Name} has no summary");
            }
        }
    }

    [Fact]
    public async Task The_api_reads_dates_outcomes_and_evidence_as_the_pages_do_and_says_which_field_is_wrong()
    {
        var (roundId, partnerId) = await LaunchAsync();

        using var counterpart = new MultipartFormDataContent
        {
            { File(Pdf), "file", "signed.pdf" }, { new StringContent("A Signatory"), "signatoryName" }, { new StringContent("Chief Executive"), "signatoryPosition" },
            { new StringContent("30/06/2021"), "signedOn" },
        };
        var badDate = await ProblemAsync(await api.PostAsync($"/api/rounds/{roundId}/partners/{partnerId}/counterparts", counterpart, Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("https://signoff.example/problems/bad-date", badDate.GetProperty("type").GetString());
        Assert.Equal("signedOn", badDate.GetProperty("field").GetString());
        Assert.Equal("The date it was signed must be a real date, like 2021-06-30.", badDate.GetProperty("detail").GetString());

        var noEvidence = await ProblemAsync(await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision", new { outcome = "approved" }, Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("evidence", noEvidence.GetProperty("field").GetString());
        var badOutcome = await ProblemAsync(await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision", new { outcome = "yes", evidence = "Minutes" }, Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("outcome", badOutcome.GetProperty("field").GetString());

        // The past participle is read as the verb, by the API as by the pages.
        var decided = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision", new { outcome = "approved", evidence = "Minutes", decidedOn = "2021-06-01" }, Ct);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
    }

    [Fact]
    public async Task A_json_body_with_the_wrong_types_gets_400_naming_the_field()
    {
        var (roundId, partnerId) = await LaunchAsync();
        using var body = new StringContent("""{"noticeOn": 12}""", Encoding.UTF8, "application/json");

        var problem = await ProblemAsync(await api.PostAsync($"/api/rounds/{roundId}/partners/{partnerId}/withdraw", body, Ct), HttpStatusCode.BadRequest);

        Assert.Equal("https://signoff.example/problems/invalid-request", problem.GetProperty("type").GetString());
        Assert.Contains("noticeOn", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var broken = new StringContent("""{"reason": """, Encoding.UTF8, "application/json");
        Assert.Equal("https://signoff.example/problems/invalid-request",
            (await ProblemAsync(await api.PostAsync($"/api/rounds/{roundId}/cancel", broken, Ct), HttpStatusCode.BadRequest)).GetProperty("type").GetString());
        var round = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal("circulating", round.GetProperty("status").GetString()); // nothing happened
    }

    private async Task<(string RoundId, string PartnerId)> LaunchAsync()
    {
        var round = await host.LaunchAsync(api, Ct);
        return (round.GetProperty("roundId").GetString()!, round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!);
    }

    private static Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status) => ApiTests.ProblemAsync(response, status);

    private static void AssertForm(JsonElement root, string path, params string[] fields)
    {
        var body = root.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        var schema = body.TryGetProperty("$ref", out var reference)
            ? root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : body;
        var properties = schema.GetProperty("properties");
        foreach (var field in fields)
        {
            Assert.True(properties.TryGetProperty(field, out _), $"{path}: no '{field}' in the multipart body ({properties})");
        }
    }

    private static ByteArrayContent File(byte[] content)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return file;
    }

    private async Task<int> BlobCountAsync()
    {
        var count = 0;
        await foreach (var _ in host.Storage.Documents.GetBlobsAsync(cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }
}
