using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using SignOff.Core.Rounds;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>The API as a coordinator uses it, against real Azurite and MailDev.</summary>
public sealed partial class ApiTests : IAsyncLifetime
{
    internal static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private readonly SignOffFactory host = new();
    private HttpClient api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Definition(string partners = "") => $$"""
        agreement: { title: Test Alliance MoU, reference: TEST-MOU }
        round:
          deadline: 2021-07-30
          chairs: [ { name: Chair, email: chair@alliance.example } ]
        coordinator: { name: Programme Office, email: office@alliance.example }
        partners:
          - { name: Maldon District Council, officer: { name: Jo Bloggs, email: jo@maldon.example }, governance: { route: full-council } }
          - { name: Chelmsford City Council, officer: { name: Sam Smith, email: sam@chelmsford.example }, governance: { route: cabinet } }
        {{partners}}
        """;

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

    internal static MultipartFormDataContent Upload(string? definition, byte[]? draft, string draftName = "draft.pdf")
    {
        var form = new MultipartFormDataContent();
        if (definition is not null)
        {
            form.Add(new StringContent(definition), "definition", "round.yaml");
        }

        if (draft is not null)
        {
            var file = new ByteArrayContent(draft);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "draft", draftName);
        }

        return form;
    }

    private async Task<JsonElement> LaunchAsync()
    {
        var response = await api.PostAsync("/api/rounds", Upload(Definition(), Pdf), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private async Task<int> RowCountAsync(string table)
    {
        var count = 0;
        await foreach (var _ in host.Storage.Tables.GetTableClient(host.Prefix + table).QueryAsync<TableEntity>(cancellationToken: Ct))
        {
            count++;
        }

        return count;
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

    private async Task AssertNothingStoredAsync()
    {
        Assert.Equal(0, await RowCountAsync("rounds"));
        Assert.Equal(0, await BlobCountAsync());
    }

    /// <summary>The problem details of a response that must have this status.</summary>
    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [Fact]
    public async Task Launching_a_round_stores_it_sends_invitations_and_shows_it()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        await host.DrainAsync(Ct);

        Assert.Equal("circulating", round.GetProperty("status").GetString());
        Assert.Equal(2, round.GetProperty("partners").GetArrayLength());
        var mails = await MailDevInbox.ForRoundAsync(roundId, Ct);
        Assert.Equal(["jo@maldon.example", "sam@chelmsford.example"], mails.Select(m => m.To).Order());
        Assert.All(mails, m => Assert.Contains("http://localhost/respond/", m.Text));
        Assert.All(mails, m => Assert.Equal(["signoff.ics", "draft.pdf"], m.Attachments));
        Assert.All(mails, m => Assert.Contains("Attached: signoff.ics, draft.pdf.", m.Text));
        Assert.All(await MailDevInbox.ReplyTosAsync(roundId, Ct), r => Assert.Equal("Programme Office <office@alliance.example>", r)); // replies reach the coordinator, who is asking

        var fetched = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal(round.GetProperty("currentVersion").GetProperty("sha256").GetString(), fetched.GetProperty("currentVersion").GetProperty("sha256").GetString());
        var list = await api.GetFromJsonAsync<JsonElement>("/api/rounds?status=circulating", Ct);
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("roundId").GetString() == roundId);
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=2", Ct);
        Assert.Equal(2, events.GetProperty("events").GetArrayLength());
        Assert.Equal(3, events.GetProperty("nextFrom").GetInt64());
        Assert.Equal(200, (int)(await api.GetAsync("/openapi/v1.json", Ct)).StatusCode);
    }

    [Fact]
    public async Task Health_and_readiness_answer_without_a_key()
    {
        using var anonymous = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health", Ct)).StatusCode);
        var ready = await anonymous.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/docs", Ct)).StatusCode);
    }

    [Fact]
    public async Task Without_an_api_key_the_api_refuses()
    {
        using var anonymous = host.CreateClient();
        var problem = await ProblemAsync(await anonymous.GetAsync("/api/rounds", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal("https://signoff.example/problems/unauthorised", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_malformed_definition_lists_every_problem_and_stores_nothing()
    {
        var response = await api.PostAsync("/api/rounds", Upload(Definition().Replace("jo@maldon.example", "jo@").Replace("route: cabinet", "route: cabinett"), Pdf), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var problems = problem.GetProperty("problems").EnumerateArray().Select(p => $"{p.GetProperty("field").GetString()}: {p.GetProperty("message").GetString()}").ToList();
        Assert.Contains("partners[0].officer.email: 'jo@' is not a valid email address", problems);
        Assert.Contains(problems, p => p.StartsWith("partners[1].governance.route: unknown governance route 'cabinett'", StringComparison.Ordinal));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Duplicate_partners_are_refused_and_nothing_is_stored()
    {
        var response = await api.PostAsync("/api/rounds",
            Upload(Definition("  - { name: maldon district council, officer: { name: X, email: x@maldon.example }, governance: { route: full-council } }"), Pdf), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("'maldon district council' is listed more than once", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_text_file_named_pdf_is_refused_and_nothing_is_stored()
    {
        var response = await api.PostAsync("/api/rounds", Upload(Definition(), Encoding.UTF8.GetBytes("This is not really a PDF."), "contract.pdf"), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("'draft': The file is not a PDF or a Word (.docx) document.", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_oversized_upload_is_refused_and_nothing_is_stored()
    {
        var big = new byte[70_000];
        Pdf.CopyTo(big, 0);

        var response = await api.PostAsync("/api/rounds", Upload(Definition(), big), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("'draft': The file is larger than the limit of 64 KB.", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Missing_parts_and_non_multipart_requests_get_a_clear_answer()
    {
        var missing = await ProblemAsync(await api.PostAsync("/api/rounds", Upload(Definition(), null), Ct), HttpStatusCode.BadRequest);
        Assert.Equal("Missing 'draft': a round needs a definition file and a draft.", missing.GetProperty("detail").GetString());
        var json = await ProblemAsync(await api.PostAsJsonAsync("/api/rounds", new { title = "x" }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal("https://signoff.example/problems/multipart-required", json.GetProperty("type").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_unknown_round_is_404()
    {
        var problem = await ProblemAsync(await api.GetAsync("/api/rounds/no-such-round", Ct), HttpStatusCode.NotFound);
        Assert.Equal("There is no round 'no-such-round'.", problem.GetProperty("detail").GetString());
        await ProblemAsync(await api.PostAsJsonAsync("/api/rounds/no-such-round/cancel", new { reason = "x" }, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_decision_on_a_withdrawn_partner_is_409_and_changes_nothing()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        var partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        (await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/withdraw", new { reason = "30 days' notice" }, Ct)).EnsureSuccessStatusCode();
        await host.DrainAsync(Ct); // the read side records the withdrawal after it is answered
        var rows = await RowCountAsync("rounds");

        var response = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision",
            new { outcome = "approve", evidence = "Minutes of 1 June 2021, item 7" }, Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("https://signoff.example/problems/partner-withdrawn", problem.GetProperty("type").GetString());
        Assert.Equal("Maldon District Council has withdrawn from the round.", problem.GetProperty("detail").GetString());
        Assert.Equal(rows, await RowCountAsync("rounds"));
    }

    [Fact]
    public async Task A_repeated_request_with_the_same_idempotency_key_records_once()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        var partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rounds/{roundId}/partners/{partnerId}/decision")
            {
                Content = JsonContent.Create(new { outcome = "approve", evidence = "Minute 12", minuteReference = "12/2021" }),
            };
            request.Headers.Add("Idempotency-Key", "decision form #1 / ü");
            (await api.SendAsync(request, Ct)).EnsureSuccessStatusCode();
        }

        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}/events?max=1000", Ct);
        Assert.Single(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == nameof(DecisionRecorded));
    }

    [Fact]
    public async Task A_launch_retried_with_the_same_idempotency_key_answers_with_the_first_round()
    {
        // A client whose first launch died mid-flight (a crash, a dropped connection) sends it again.
        async Task<JsonElement> LaunchWithKeyAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rounds") { Content = Upload(Definition(), Pdf) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await api.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }

        var first = (await LaunchWithKeyAsync("launch #1")).GetProperty("roundId").GetString();
        var again = (await LaunchWithKeyAsync("launch #1")).GetProperty("roundId").GetString();
        var other = (await LaunchWithKeyAsync("launch #2")).GetProperty("roundId").GetString();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        var listed = await api.GetFromJsonAsync<JsonElement>("/api/rounds", Ct);
        Assert.Equal(2, listed.EnumerateArray().Count(r => r.GetProperty("reference").GetString() == "TEST-MOU"));
        var events = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{first}/events", Ct);
        Assert.Single(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "RoundStarted");
    }

    [Fact]
    public async Task From_launch_to_effective_through_the_api_with_a_minor_revision_on_the_way()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        var maldon = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        var chelmsford = round.GetProperty("partners")[1].GetProperty("partnerId").GetString()!;

        foreach (var partner in new[] { maldon, chelmsford })
        {
            var decided = await api.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partner}/decision",
                new { outcome = "approve", evidence = "Published decision notice", decidedOn = "2021-06-01" }, Ct);
            Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        }

        var revision = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n% with the updated annex\n%%EOF\n")), "draft", "draft-v2.pdf" },
            { new StringContent("minor"), "kind" },
            { new StringContent("Updated Annex 6"), "note" },
        };
        var revised = await (await api.PostAsync($"/api/rounds/{roundId}/revisions", revision, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, revised.GetProperty("currentVersion").GetProperty("number").GetInt32());

        // Chelmsford's cabinet decision is subject to call-in: move the clock past it.
        await host.AdvanceClockAsync("P14D", Ct);
        foreach (var partner in new[] { maldon, chelmsford })
        {
            var counterpart = new MultipartFormDataContent
            {
                { new ByteArrayContent(TestPdfs.Counterpart("Test Alliance MoU", partner)), "file", "signed.pdf" },
                { new StringContent("Pat Chief"), "signatoryName" },
                { new StringContent("Chief Executive"), "signatoryPosition" },
                { new StringContent("2021-06-15"), "signedOn" },
            };
            var signed = await api.PostAsync($"/api/rounds/{roundId}/partners/{partner}/counterparts", counterpart, Ct);
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        }

        var final = await api.GetFromJsonAsync<JsonElement>($"/api/rounds/{roundId}", Ct);
        Assert.Equal("effective", final.GetProperty("status").GetString());
        Assert.Equal("2021-06-15", final.GetProperty("effectiveOn").GetString());
        var sha = final.GetProperty("partners")[0].GetProperty("counterpart").GetProperty("sha256").GetString()!;
        var download = await api.GetAsync($"/api/rounds/{roundId}/documents/{sha}", Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(sha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await download.Content.ReadAsByteArrayAsync(Ct))));
        await ProblemAsync(await api.GetAsync($"/api/rounds/{roundId}/documents/{new string('0', 64)}", Ct), HttpStatusCode.NotFound);

        var pack = await api.GetAsync($"/api/rounds/{roundId}/completion-pack", Ct);
        Assert.Equal(HttpStatusCode.OK, pack.StatusCode);
        Assert.Equal("application/pdf", pack.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(await pack.Content.ReadAsByteArrayAsync(Ct))[..5]);
        await host.DrainAsync(Ct);
        var effectiveMails = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.Subject.Contains("took effect", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(effectiveMails);
        Assert.All(effectiveMails, m => Assert.Contains("test-mou-completion-pack.pdf", m.Attachments));

        await ProblemAsync(await api.PostAsJsonAsync($"/api/rounds/{roundId}/cancel", new { reason = "Too late" }, Ct), HttpStatusCode.Conflict);
    }
}
