using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignOff.Integration.Tests.Support;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Host;

/// <summary>The agreement register: a round that takes effect is kept in it, and its parties can leave on notice.</summary>
public sealed partial class ApiTests
{
    [Fact]
    public async Task A_signed_round_is_kept_in_the_register_and_a_party_leaves_when_its_notice_runs_out()
    {
        var round = await LaunchAsync();
        var roundId = round.GetProperty("roundId").GetString()!;
        var maldon = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        var chelmsford = round.GetProperty("partners")[1].GetProperty("partnerId").GetString()!;
        await SignEveryoneAsync(roundId, "Original");

        // The round's effects include opening the agreement; once they have run, the register lists it.
        await host.DrainAsync(Ct);
        var listed = Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/agreements", Ct)).EnumerateArray(), a => a.GetProperty("agreementId").GetString() == roundId);
        Assert.Equal("Test Alliance MoU", listed.GetProperty("title").GetString());
        Assert.Equal("TEST-MOU", listed.GetProperty("reference").GetString());
        Assert.Equal("in-force", listed.GetProperty("status").GetString());
        Assert.Equal(2, listed.GetProperty("partiesBound").GetInt32());
        Assert.Equal(1, listed.GetProperty("version").GetInt32());
        Assert.Equal("2021-06-15", listed.GetProperty("effectiveOn").GetString());
        var agreement = await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{roundId}", Ct);
        Assert.Equal([maldon, chelmsford], agreement.GetProperty("parties").EnumerateArray().Select(p => p.GetProperty("partyId").GetString()));
        Assert.All(agreement.GetProperty("parties").EnumerateArray(), p => Assert.Equal("bound", p.GetProperty("status").GetString()));
        Assert.Equal("AgreementTookEffect", agreement.GetProperty("history")[0].GetProperty("type").GetString());
        Assert.Equal(0, agreement.GetProperty("deliveryFailures").GetArrayLength()); // every email and webhook of it went

        // Maldon gives notice: bound for thirty days more.
        var notice = await api.PostAsJsonAsync($"/api/agreements/{roundId}/parties/{maldon}/notice", new { givenOn = "2021-06-15", reason = "Services merging into the county" }, Ct);
        Assert.Equal(HttpStatusCode.OK, notice.StatusCode);
        var onNotice = Party(await notice.Content.ReadFromJsonAsync<JsonElement>(Ct), maldon);
        Assert.Equal("on-notice", onNotice.GetProperty("status").GetString());
        Assert.Equal("2021-07-15", onNotice.GetProperty("boundUntil").GetString());
        await ProblemAsync(await api.PostAsJsonAsync($"/api/agreements/{roundId}/parties/{maldon}/notice", new { givenOn = "2021-06-15" }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await api.PostAsJsonAsync($"/api/agreements/{roundId}/parties/no-such-party/notice", new { }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await api.GetAsync("/api/agreements/no-such-agreement", Ct), HttpStatusCode.NotFound);

        // Past the notice: Maldon has left, the agreement goes on for Chelmsford.
        await host.AdvanceClockAsync("P31D", Ct);
        var after = await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{roundId}", Ct);
        var gone = Party(after, maldon);
        Assert.Equal("exited", gone.GetProperty("status").GetString());
        Assert.Equal("2021-07-16", gone.GetProperty("exitedOn").GetString());
        Assert.Equal("bound", Party(after, chelmsford).GetProperty("status").GetString());
        Assert.Equal("in-force", after.GetProperty("status").GetString());
        Assert.Equal([maldon], after.GetProperty("continuationViewsDue").EnumerateArray().Select(p => p.GetString()));

        // The remaining party, the chair and the coordinator were told, each by its own email; Maldon is not told it left.
        // MailDev shows messages as it has parsed them, not in the order they were sent: wait for both kinds.
        const string NoticeSubject = "Notice given: Maldon District Council is leaving Test Alliance MoU";
        var mails = await EventuallyAsync(() => MailDevInbox.ForAgreementAsync(roundId, Ct),
            m => m.Count(x => x.Subject.Contains("left", StringComparison.Ordinal)) >= 3 && m.Count(x => x.Subject == NoticeSubject) >= 3);
        var noticeMails = mails.Where(m => m.Subject == NoticeSubject).Select(m => m.To).Order().ToList();
        Assert.Equal(["chair@alliance.example", "office@alliance.example", "sam@chelmsford.example"], noticeMails);
        var leftMails = mails.Where(m => m.Subject.Contains("left", StringComparison.Ordinal)).ToList();
        Assert.Equal(["chair@alliance.example", "office@alliance.example", "sam@chelmsford.example"], leftMails.Select(m => m.To).Order());
        Assert.Contains(leftMails, m => m.To == "sam@chelmsford.example" && m.Subject == "Party left: Maldon District Council is no longer bound by Test Alliance MoU");
        Assert.Contains(leftMails, m => m.To == "office@alliance.example" && m.Subject.StartsWith("Record the view on carrying on", StringComparison.Ordinal));
        Assert.All(mails, m => Assert.True(m.Subject.Length <= 80, m.Subject));
        Assert.All(leftMails, m => Assert.Contains("no longer bound", m.Text, StringComparison.Ordinal));
        Assert.DoesNotContain(mails, m => m.To == "jo@maldon.example");

        // The event feed carries the agreement's history as its own stream, in order, with no gap.
        var fed = await EventuallyAsync(async () =>
        {
            var page = await api.GetFromJsonAsync<JsonElement>("/api/events?max=1000", Ct);
            return page.GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("stream").GetString() == "agreement" && e.GetProperty("streamId").GetString() == roundId).ToList();
        }, f => f.Any(e => e.GetProperty("type").GetString() == "PartyExited"));
        Assert.Equal(Enumerable.Range(1, fed.Count).Select(i => (long)i), fed.Select(e => e.GetProperty("sequence").GetInt64()));
        var types = fed.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("AgreementTookEffect", types[0]);
        Assert.True(types.IndexOf("NoticeGiven") < types.IndexOf("PartyExited"), string.Join(", ", types));
        var history = (await api.GetFromJsonAsync<JsonElement>($"/api/agreements/{roundId}", Ct)).GetProperty("history").EnumerateArray().Select(e => e.GetProperty("type").GetString());
        Assert.Equal(types, history);
    }

    [Fact]
    public async Task The_register_and_the_feed_are_in_the_openapi_document_with_their_bodies_answers_and_problems()
    {
        using var document = JsonDocument.Parse(await api.GetStringAsync("/openapi/v1.json", Ct));
        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        var schemas = root.GetProperty("components").GetProperty("schemas");

        // What each operation answers: the register's views, by name.
        Assert.Equal("#/components/schemas/AgreementSummary", Success(paths, "/api/agreements", "get").GetProperty("items").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/AgreementView", Success(paths, "/api/agreements/{agreementId}", "get").GetProperty("$ref").GetString());
        foreach (var change in new[] { "/api/agreements/{agreementId}/parties/{partyId}/notice", "/api/agreements/{agreementId}/reviews", "/api/agreements/{agreementId}/continuation" })
        {
            Assert.Equal("#/components/schemas/AgreementView", Success(paths, change, "post").GetProperty("$ref").GetString());
        }

        Assert.Equal("#/components/schemas/FeedPageView", Success(paths, "/api/events", "get").GetProperty("$ref").GetString());
        Assert.Superset(new HashSet<string> { "agreementId", "status", "version", "versions", "parties", "history", "deliveryFailures" }, Properties(schemas, "AgreementView"));
        Assert.Superset(new HashSet<string> { "at", "channel", "what", "destination", "reason", "reference", "stoppedSubscription" }, Properties(schemas, "AgreementDeliveryFailureView"));
        Assert.Superset(new HashSet<string> { "partyId", "status", "boundUntil", "exitedOn" }, Properties(schemas, "PartyView"));
        Assert.Superset(new HashSet<string> { "position", "cursor", "stream", "streamId", "sequence", "type", "data" }, Properties(schemas, "FeedEventView"));

        // What each change takes.
        Assert.Equal(["givenOn", "reason"], Body(paths, schemas, "/api/agreements/{agreementId}/parties/{partyId}/notice"));
        Assert.Equal(["note", "outcome", "reviewedOn"], Body(paths, schemas, "/api/agreements/{agreementId}/reviews"));
        Assert.Equal(["view"], Body(paths, schemas, "/api/agreements/{agreementId}/continuation"));
        Assert.Equal("date", schemas.GetProperty("NoticeRequest").GetProperty("properties").GetProperty("givenOn").GetProperty("format").GetString());

        // How each fails, as problem details: no key, a token without the role; what the route names not there; a change refused or wrong.
        Assert.Equal(["401", "403"], Problems(paths, "/api/agreements", "get"));
        Assert.Equal(["401", "403", "404"], Problems(paths, "/api/agreements/{agreementId}", "get"));
        Assert.Equal(["400", "401", "403", "404", "409", "422"], Problems(paths, "/api/agreements/{agreementId}/parties/{partyId}/notice", "post"));
        Assert.Equal(["400", "401", "403", "404", "409", "422"], Problems(paths, "/api/agreements/{agreementId}/reviews", "post"));
        Assert.Equal(["400", "401", "403", "404", "409", "422"], Problems(paths, "/api/agreements/{agreementId}/continuation", "post"));
        Assert.Equal(["400", "401", "403", "422"], Problems(paths, "/api/events", "get"));
        Assert.Contains("agreement", paths.GetProperty("/api/events").GetProperty("get").GetProperty("description").GetString(), StringComparison.Ordinal);

        // The rounds the register launches: a variation sent as a form with its draft (as a launch is), an accession as JSON; each answers with the new round.
        var variation = paths.GetProperty("/api/agreements/{agreementId}/variations").GetProperty("post");
        Assert.Contains("multipart", variation.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/RoundView", variation.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(["400", "401", "403", "404", "409", "413", "415", "422"], Problems(paths, "/api/agreements/{agreementId}/variations", "post"));
        Assert.Equal(["deadline", "meetingOn", "name", "officerEmail", "officerName", "route"], Body(paths, schemas, "/api/agreements/{agreementId}/accessions"));
        Assert.Equal(["400", "401", "403", "404", "409", "422"], Problems(paths, "/api/agreements/{agreementId}/accessions", "post"));
        Assert.Superset(new HashSet<string> { "agreementId", "kind", "baseVersion" }, Properties(schemas, "AgreementChangeView"));
    }

    private static JsonElement Success(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");

    private static HashSet<string> Properties(JsonElement schemas, string name) =>
        [.. schemas.GetProperty(name).GetProperty("properties").EnumerateObject().Select(p => p.Name)];

    private static List<string> Body(JsonElement paths, JsonElement schemas, string path)
    {
        var reference = paths.GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!;
        return [.. Properties(schemas, reference["#/components/schemas/".Length..]).Order(StringComparer.Ordinal)];
    }

    private static List<string> Problems(JsonElement paths, string path, string method) =>
        [.. paths.GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject()
            .Where(r => r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _))
            .Select(r => r.Name).Order(StringComparer.Ordinal)];

    private static JsonElement Party(JsonElement agreement, string partyId) =>
        agreement.GetProperty("parties").EnumerateArray().Single(p => p.GetProperty("partyId").GetString() == partyId);

    private static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done) => Eventually.ReadAsync(read, done, Ct);
}
