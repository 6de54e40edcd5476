using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Functions.Http;
using SignOff.Integration.Tests.Host;
using SignOff.Host.Access;
using SignOff.Host.Hosting;

namespace SignOff.Integration.Tests.Functions;

/// <summary>
/// Every route of the local host, asked of the Functions app's HTTP functions — each invoked
/// in-process with a real <see cref="HttpContext"/> — and of the local host, over the same
/// storage: the same handler answers, with the same status, headers and body.
/// </summary>
/// <remarks>
/// The functions' application runs the workflow on the local Durable Task runtime here (the
/// Functions host cannot run on this machine); what is proved is the HTTP side: routes, filters,
/// problem details and pages, one definition for both hosts.
/// </remarks>
public sealed partial class HttpFunctionTests : IAsyncLifetime
{
    private readonly SignOffFactory local = new();
    private ServiceProvider functionsApp = null!;
    private DurableTaskTestHost durable = null!;
    private HttpFunctions functions = null!;
    private string roundId = "";
    private string partnerId = "";
    private string draftSha = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // A real Durable client for the functions' binding (their application does not use it here: see the remarks).
        durable = await DurableTaskTestHost.StartAsync(_ => { });
        functionsApp = FunctionsTestApp.Services(local.Prefix, services => services.AddLocalDurableRuntime());
        functions = functionsApp.GetRequiredService<HttpFunctions>();

        using var api = local.Api();
        var round = await local.LaunchAsync(api, Ct);
        roundId = round.GetProperty("roundId").GetString()!;
        partnerId = round.GetProperty("partners")[0].GetProperty("partnerId").GetString()!;
        draftSha = round.GetProperty("currentVersion").GetProperty("sha256").GetString()!;
        await local.DrainAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await functionsApp.DisposeAsync();
        await durable.DisposeAsync();
        await local.DisposeAsync();
    }

    /// <summary>One request per route and method of the local host; {round}, {partner} and {sha} are filled in.</summary>
    private static readonly Probe[] Probes =
    [
        new("GET", "/api/rounds", Api: true),
        new("POST", "/api/rounds", Api: true, Form: true),
        new("GET", "/api/rounds/{round}", Api: true),
        new("GET", "/api/rounds/{round}/events", Api: true),
        new("GET", "/api/rounds/{round}/documents/{sha}", Api: true),
        new("GET", "/api/rounds/{round}/completion-pack", Api: true),
        new("POST", "/api/rounds/{round}/revisions", Api: true, Form: true),
        new("POST", "/api/rounds/{round}/partners", Api: true, Json: "{}"),
        new("POST", "/api/rounds/{round}/partners/nobody/withdraw", Api: true, Json: """{"noticeOn":"2021-06-01"}"""),
        new("POST", "/api/rounds/{round}/partners/nobody/remove", Api: true, Json: """{"reason":"x"}"""),
        new("POST", "/api/rounds/{round}/partners/{partner}/conditions/accept", Api: true, Json: "{}"),
        new("POST", "/api/rounds/{round}/partners/{partner}/conditions/reject", Api: true, Json: """{"reason":"no"}"""),
        new("POST", "/api/rounds/{round}/partners/nobody/decision", Api: true, Form: true),
        new("POST", "/api/rounds/{round}/partners/{partner}/decision/correction", Api: true,
            Json: """{"outcome":"decline","reason":"r","decidedOn":"2021-06-01","evidence":"e","correctionReason":"c"}"""),
        new("POST", "/api/rounds/{round}/partners/{partner}/call-in", Api: true, Json: """{"calledInOn":"2021-06-01"}"""),
        new("POST", "/api/rounds/{round}/partners/{partner}/call-in/outcome", Api: true, Json: """{"outcome":"upheld","decidedOn":"2021-06-01"}"""),
        new("POST", "/api/rounds/{round}/partners/{partner}/counterparts", Api: true, Form: true),
        new("POST", "/api/rounds/{round}/partners/{partner}/counterpart/accept", Api: true, Json: "{}"),
        new("POST", "/api/rounds/{round}/partners/{partner}/counterpart/reject", Api: true, Json: """{"reason":"no"}"""),
        new("POST", "/api/rounds/{round}/partners/nobody/delegate", Api: true, Json: """{"name":"A","email":"a@x.example"}"""),
        new("POST", "/api/rounds/{round}/partners/nobody/dates", Api: true, Json: """{"dueOn":"2021-07-20"}"""),
        new("POST", "/api/rounds/{round}/partners/nobody/invitation/resend", Api: true),
        new("POST", "/api/rounds/{round}/partners/nobody/officer-link", Api: true),
        new("POST", "/api/rounds/{round}/cancel", Api: true, Json: """{"reason":" "}"""),
        new("GET", "/api/agreements", Api: true),
        new("GET", "/api/agreements/{round}", Api: true),
        new("POST", "/api/agreements/{round}/parties/nobody/notice", Api: true, Json: """{"givenOn":"2021-06-01","reason":"x"}"""),
        new("POST", "/api/agreements/{round}/reviews", Api: true, Json: """{"outcome":"no-change"}"""),
        new("POST", "/api/agreements/{round}/reviews", Api: true, Json: """{"outcome":"maybe"}"""),
        new("POST", "/api/agreements/{round}/continuation", Api: true, Json: """{"view":"Carry on"}"""),
        new("POST", "/api/agreements/{round}/variations", Api: true, Form: true),
        new("POST", "/api/agreements/{round}/accessions", Api: true, Json: """{"name":"Provide CIC","officerName":"Pat","officerEmail":"pat@","route":"charity-board","deadline":"2021-07-30"}"""),
        new("GET", "/api/events?max=1", Api: true),
        new("GET", "/api/events?after=nope", Api: true),
        new("GET", "/api/webhooks/event-types"),
        new("GET", "/api/webhooks", Api: true),
        new("POST", "/api/webhooks", Api: true, Json: """{"url":"http://10.0.0.7/hook"}"""),
        new("GET", "/api/webhooks/wh_nope", Api: true),
        new("DELETE", "/api/webhooks/wh_nope", Api: true),
        new("POST", "/api/webhooks/wh_nope/rotate-secret", Api: true, Json: "{}"),
        new("POST", "/api/webhooks/wh_nope/pause", Api: true),
        new("POST", "/api/webhooks/wh_nope/resume", Api: true),
        new("POST", "/api/webhooks/wh_nope/test", Api: true),
        new("GET", "/api/webhooks/wh_nope/deliveries", Api: true),
        new("POST", "/api/webhooks/wh_nope/deliveries/d1/replay", Api: true),
        new("POST", "/api/webhooks/wh_nope/replay", Api: true, Json: """{"since":"2021-01-01T00:00:00Z"}"""),
        new("GET", "/rounds"),
        new("GET", "/rounds/new"),
        new("POST", "/rounds/new", Form: true),
        new("POST", "/rounds/new/confirm", Form: true),
        new("GET", "/rounds/build"),
        new("POST", "/rounds/build", Form: true),
        new("GET", "/rounds/{round}"),
        new("GET", "/rounds/{round}/partners/{partner}"),
        new("GET", "/rounds/{round}/documents/{sha}"),
        new("GET", "/rounds/{round}/completion-pack"),
        new("POST", "/rounds/{round}/revise", Form: true),
        new("POST", "/rounds/{round}/partners", Form: true),
        new("POST", "/rounds/{round}/cancel", Form: true),
        new("POST", "/rounds/{round}/partners/{partner}/remove", Form: true),
        new("GET", "/agreements"),
        new("GET", "/agreements/{round}"),
        new("POST", "/agreements/{round}/reviews", Form: true),
        new("POST", "/agreements/{round}/notice", Form: true),
        new("POST", "/agreements/{round}/continuation", Form: true),
        new("GET", "/agreements/{round}/variation"),
        new("POST", "/agreements/{round}/variation", Form: true),
        new("GET", "/agreements/{round}/accession"),
        new("POST", "/agreements/{round}/accession", Form: true),
        new("GET", "/digest"),
        new("GET", "/sign-in"),
        new("POST", "/sign-in", Form: true),
        new("GET", "/sign-in/organisation"),
        new("POST", "/sign-out", Form: true),
        new("GET", "/respond/" + "A0b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v"),
        new("HEAD", "/respond/" + "A0b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v"),
        new("GET", "/respond/" + "A0b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v" + "/draft"),
        new("HEAD", "/respond/" + "A0b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v" + "/draft"),
        new("POST", "/respond/" + "A0b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v", Form: true),
        new("GET", "/chair/" + "A0b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v"),
        new("HEAD", "/chair/" + "A0b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v"),
        new("GET", "/openapi/v1.json"),
        new("GET", "/docs"),
        new("GET", "/docs/v1"),
        new("GET", "/docs/scalar.js"),
        new("GET", "/docs/scalar.aspnetcore.js"),
        new("GET", "/docs/favicon.svg"),
        new("GET", "/health"),
        new("GET", "/health/ready"),
        new("GET", "/assets/signoff.css"),
    ];

    /// <summary>Routes only the local host serves: the development clock, and the bare root (on Azure the app's home is /rounds).</summary>
    private static readonly string[] LocalOnly = ["/dev/clock", "/"];

    [Fact]
    public void Every_route_of_the_local_host_has_a_probe_and_a_function_that_takes_it()
    {
        var routes = local.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Method: m, Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(r => !LocalOnly.Contains(r.Pattern.TrimEnd('/') is { Length: > 0 } p ? p : "/"))
            .Distinct()
            .ToList();
        Assert.True(routes.Count > 40, $"only {routes.Count} routes found");

        var missing = routes.Where(r => !Probes.Any(p => p.Method == r.Method && Matches(r.Pattern, p.Path))).ToList();
        Assert.True(missing.Count == 0, "routes with no probe: " + string.Join(", ", missing.Select(m => $"{m.Method} {m.Pattern}")));
        Assert.All(routes, r => Assert.True(FunctionFor(r.Method, Fill(r.Pattern)) is not null, $"no HTTP function takes {r.Method} {r.Pattern}"));
    }

    [Fact]
    public async Task Every_probe_gets_the_same_answer_from_its_function_as_from_the_local_host()
    {
        using var http = local.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var differences = new List<string>();
        foreach (var probe in Probes)
        {
            var path = Fill(probe.Path);
            var expected = await AskLocalAsync(http, probe, path);
            var actual = await AskFunctionAsync(probe, path);
            if (expected != actual)
            {
                differences.Add($"{probe.Method} {path}:\n  local:    {expected}\n  function: {actual}\n  {Answer.Difference(expected, actual)}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));

        // Not vacuous: the probes met more than one kind of answer, including success and refusal.
        var statuses = new HashSet<int>();
        foreach (var probe in Probes)
        {
            statuses.Add((await AskFunctionAsync(probe, Fill(probe.Path))).Status);
        }

        Assert.Contains(200, statuses);
        Assert.Contains(statuses, s => s >= 400);
    }

    [Fact]
    public async Task A_request_to_no_function_route_is_not_taken_and_a_wrong_method_is_refused_by_the_app()
    {
        Assert.Null(FunctionFor("POST", "/dev/clock"));
        Assert.Null(FunctionFor("GET", "/"));
        var answer = await AskFunctionAsync(new("DELETE", "/api/rounds", Api: true), "/api/rounds");
        Assert.Equal(StatusCodes.Status405MethodNotAllowed, answer.Status);
    }

    private static async Task<Answer> AskLocalAsync(HttpClient http, Probe probe, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), path);
        if (probe.Api)
        {
            request.Headers.Add(ApiKeyFilter.Header, SignOffFactory.ApiKey);
        }

        request.Content = Body(probe);
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        return Answer.Of((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), response.Headers.Location?.OriginalString, body);
    }

    private async Task<Answer> AskFunctionAsync(Probe probe, string path)
    {
        var context = new DefaultHttpContext();
        var query = path.IndexOf('?', StringComparison.Ordinal);
        context.Request.Method = probe.Method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = query < 0 ? path : path[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        if (probe.Api)
        {
            context.Request.Headers[ApiKeyFilter.Header] = SignOffFactory.ApiKey;
        }

        // What Kestrel (the Functions worker's server, and the local host's) tells minimal APIs: this request may carry a body.
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new BodyDetection(probe.Json is not null || probe.Form));
        if (Body(probe) is { } content)
        {
            var bytes = await content.ReadAsByteArrayAsync(Ct);
            context.Request.ContentType = content.Headers.ContentType!.ToString();
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        var function = FunctionFor(probe.Method, path) ?? throw new InvalidOperationException($"No function takes {probe.Method} {path}.");
        var result = await (Task<IActionResult>)function.Invoke(functions, [context.Request, durable.Client])!;
        Assert.IsType<EmptyResult>(result);
        return Answer.Of(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, responseBody.ToArray());
    }

    /// <summary>The HTTP function whose trigger takes this method and path, as the Functions host routes (by the trigger's route and methods).</summary>
    private static MethodInfo? FunctionFor(string method, string path) =>
        typeof(HttpFunctions).GetMethods().FirstOrDefault(m => m.GetCustomAttribute<FunctionAttribute>() is not null
            && m.GetParameters()[0].GetCustomAttribute<HttpTriggerAttribute>() is { } trigger
            && trigger.Methods!.Contains(method, StringComparer.OrdinalIgnoreCase)
            && RouteTakes(trigger.Route!, path.Split('?')[0]));

    private static bool RouteTakes(string route, string path)
    {
        var literal = route.Replace("/{*path}", "", StringComparison.Ordinal);
        var trimmed = path.TrimStart('/');
        return route.EndsWith("{*path}", StringComparison.Ordinal)
            ? trimmed == literal || trimmed.StartsWith(literal + "/", StringComparison.Ordinal)
            : trimmed == literal;
    }

    /// <summary>Whether a probe's path is an instance of a route pattern.</summary>
    private static bool Matches(string pattern, string probePath)
    {
        var regex = "^" + RouteParameter().Replace(Regex.Escape(pattern.TrimEnd('/')), "[^/]+(/[^/]+)*") + "/?$";
        return Regex.IsMatch(probePath.Split('?')[0], regex);
    }

    private string Fill(string path) => RouteParameter().Replace(path.Replace("{round}", roundId, StringComparison.Ordinal)
        .Replace("{partner}", partnerId, StringComparison.Ordinal).Replace("{sha}", draftSha, StringComparison.Ordinal)
        .Replace("{roundId}", roundId, StringComparison.Ordinal).Replace("{partnerId}", partnerId, StringComparison.Ordinal)
        .Replace("{sha256}", draftSha, StringComparison.Ordinal), "x");

    private static HttpContent? Body(Probe probe) =>
        probe.Json is { } json ? new StringContent(json, Encoding.UTF8, "application/json")
        : probe.Form ? new FormUrlEncodedContent([new("field", "value")])
        : null;

    [GeneratedRegex(@"\\\{[^}]*\}")]
    private static partial Regex RouteParameter();

    private sealed class BodyDetection(bool canHaveBody) : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody { get; } = canHaveBody;
    }

    private sealed record Probe(string Method, string Path, bool Api = false, string? Json = null, bool Form = false);

    /// <summary>What came back, with what differs by design between two requests (anti-forgery tokens, trace ids) taken out.</summary>
    private sealed partial record Answer(int Status, string? ContentType, string? Location, string Body)
    {
        public static Answer Of(int status, string? contentType, string? location, byte[] body) =>
            new(status, contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType).ToString(), location, Normalise(Encoding.UTF8.GetString(body)));

        /// <summary>Where two answers' bodies first part, for the failure message.</summary>
        public static string Difference(Answer a, Answer b)
        {
            var at = 0;
            while (at < a.Body.Length && at < b.Body.Length && a.Body[at] == b.Body[at])
            {
                at++;
            }

            string Around(string s) => s.Substring(Math.Max(0, at - 60), Math.Min(s.Length - Math.Max(0, at - 60), 160));
            return $"first difference at {at}: «{Around(a.Body)}» vs «{Around(b.Body)}»";
        }

        /// <remarks>
        /// Random by design in every answer: anti-forgery tokens, a form's one-time submission id,
        /// a problem's trace id, and a PDF's own ids (its font subsets' tags, its document and instance ids)
        /// and its creation time, which is the clock's second when each host made it.
        /// </remarks>
        private static string Normalise(string body) =>
            PdfTime().Replace(XmpTime().Replace(PdfIdentity(body), ">(time)<"), "(D:(time))");

        private static string PdfIdentity(string body) =>
            PdfId().Replace(Uuid().Replace(FontSubset().Replace(Submission().Replace(TraceId().Replace(Token().Replace(body, "value=\"(token)\""), "\"traceId\":\"(trace)\""), "name=\"__submission\" value=\"(once)\""), "/XXXXXX+"), "uuid:(id)"), "/ID[(id)]");

        [GeneratedRegex(@"\(D:\d{14}[^)]*\)")]
        private static partial Regex PdfTime();

        [GeneratedRegex(@">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[^<]*<")]
        private static partial Regex XmpTime();

        [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
        private static partial Regex Token();

        [GeneratedRegex("name=\"__submission\" value=\"[0-9a-f]+\"")]
        private static partial Regex Submission();

        [GeneratedRegex("/[A-Z]{6}\\+")]
        private static partial Regex FontSubset();

        [GeneratedRegex("uuid:[0-9a-f-]{36}")]
        private static partial Regex Uuid();

        [GeneratedRegex(@"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]")]
        private static partial Regex PdfId();

        [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
        private static partial Regex TraceId();

        public override string ToString() => $"{Status} {ContentType} {Location} {(Body.Length > 300 ? Body[..300] + "…" : Body)}";
    }
}
