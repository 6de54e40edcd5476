using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SignOff.Host.Access;
using SignOff.Testing;
using SignOff.Host.Hosting;

namespace SignOff.Bench;

/// <summary>A SignOff host in this process on a real loopback port (Kestrel), against the Azurite and MailDev the script started.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string ApiKey = "bench-coordinator-key-0123456789abcdef";

    private BenchHost(WebApplication app, string url)
    {
        App = app;
        Url = url;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        Http.DefaultRequestHeaders.Add(ApiKeyFilter.Header, ApiKey);
    }

    public WebApplication App { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<BenchHost> StartAsync(BenchSettings settings, string prefix, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = settings.Storage,
            ["Storage:Prefix"] = prefix,
            ["Mail:SmtpPort"] = settings.SmtpPort,
            ["SignOff:ApiKeyHashes:0"] = ApiKeyFilter.HashOf(ApiKey),
            ["SignOff:PublicBaseUrl"] = "http://127.0.0.1",
            ["SignOff:WorkflowsFolder"] = Path.Combine(settings.Root, "workflows"),
            // Production's cadence, not Development's demo cadence: the idle figure must be the real one.
            ["Clock:Manual"] = "true",
            ["Webhooks:AllowHttp"] = "true",
            ["Webhooks:AllowedHosts:0"] = "localhost",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:SignOff.Host.Mail"] = "Warning",
        });
        if (extra is not null)
        {
            builder.Configuration.AddInMemoryCollection(extra);
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddSignOff();
        var app = builder.Build();
        await app.UseSignOffAsync();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchHost(app, url);
    }

    public Task SetClockAsync(DateTimeOffset at)
    {
        Services.GetRequiredService<ManualClock>().Set(at);
        return Task.CompletedTask;
    }

    /// <summary>Waits until every transition's effects have run and no webhook delivery is due.</summary>
    public async Task SettleAsync(TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var engine = Services.GetRequiredService<SignOff.Host.Durable.DurableRoundEngine>();
        var webhooks = Services.GetRequiredService<SignOff.Storage.Webhooks.WebhookStore>();
        while (clock.Elapsed < limit)
        {
            if (await engine.SettleAsync(limit - clock.Elapsed, ct) && !(await webhooks.PendingDeliveriesAsync(ct)).Any(d => d.NextAttemptAt is not null))
            {
                return;
            }

            await Task.Delay(250, ct);
        }
    }

    /// <summary>Launches a round of full-council partners; returns its id and partner ids.</summary>
    public async Task<(string RoundId, IReadOnlyList<string> Partners)> LaunchAsync(string reference, int partners, CancellationToken ct)
    {
        var definition = new StringBuilder($"""
            agreement: {"{"} title: Bench agreement {reference}, reference: {reference} {"}"}
            round:
              deadline: 2021-07-30
              chairs: [ {"{"} name: Chair, email: chair@{reference.ToLowerInvariant()}.example {"}"} ]
            coordinator: {"{"} name: Office, email: office@{reference.ToLowerInvariant()}.example {"}"}
            partners:

            """);
        for (var i = 1; i <= partners; i++)
        {
            definition.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                $"  - {{ name: Partner {i:D3} Council, officer: {{ name: Officer {i}, email: officer{i}@{reference.ToLowerInvariant()}.example }}, governance: {{ route: full-council }} }}");
        }

        using var form = new MultipartFormDataContent
        {
            { new StringContent(definition.ToString()), "definition", "round.yaml" },
            { new ByteArrayContent(Encoding.ASCII.GetBytes($"%PDF-1.4\n% {reference}\n%%EOF\n")) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "draft", "draft.pdf" },
        };
        using var response = await Http.PostAsync("/api/rounds", form, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Launch failed: {(int)response.StatusCode} {text}");
        }

        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("roundId").GetString()!,
            [.. json.RootElement.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partnerId").GetString()!)]);
    }

    /// <summary>Records an approval on the partner's behalf; returns when the API answered (after the commit).</summary>
    public async Task DecideAsync(string roundId, string partnerId, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync($"/api/rounds/{roundId}/partners/{partnerId}/decision",
            new { outcome = "approve", decidedOn = "2021-06-30", body = "Full Council", evidence = "bench" }, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Decision failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    public async Task CounterpartAsync(string roundId, string reference, string partnerId, CancellationToken ct)
    {
        // A readable PDF that names the agreement (its reference) and is this partner's alone: uploads are checked for both.
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestPdfs.Counterpart($"Bench agreement {reference}", $"{partnerId} of {roundId}")) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", "signed.pdf" },
            { new StringContent("Chief Executive Name"), "signatoryName" },
            { new StringContent("Chief Executive"), "signatoryPosition" },
            { new StringContent("2021-06-30"), "signedOn" },
        };
        using var response = await Http.PostAsync($"/api/rounds/{roundId}/partners/{partnerId}/counterparts", form, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Counterpart failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A webhook receiver on loopback that notes when each partner's decision arrived.</summary>
public sealed class DecisionReceiver : IAsyncDisposable
{
    private SignOff.Testing.LoopbackServer server = null!;

    private DecisionReceiver()
    {
    }

    /// <summary>Arrival timestamps (<see cref="Stopwatch"/> ticks) by "round/partner".</summary>
    public ConcurrentDictionary<string, long> Arrivals { get; } = new(StringComparer.Ordinal);

    public string Url => server.LocalhostUrl("/hook");

    public static async Task<DecisionReceiver> StartAsync()
    {
        var receiver = new DecisionReceiver();
        receiver.server = await SignOff.Testing.LoopbackServer.StartAsync(async http =>
        {
            var at = Stopwatch.GetTimestamp();
            using var json = await JsonDocument.ParseAsync(http.Request.Body);
            var data = json.RootElement.GetProperty("data");
            if (json.RootElement.GetProperty("type").GetString() == "partner.decided")
            {
                receiver.Arrivals.TryAdd($"{data.GetProperty("roundId").GetString()}/{data.GetProperty("partnerId").GetString()}", at);
            }

            http.Response.StatusCode = StatusCodes.Status200OK;
        });
        return receiver;
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
