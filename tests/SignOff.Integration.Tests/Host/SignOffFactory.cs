using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Storage;
using SignOff.Host.Access;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// The real host, in-process, against the Azurite and MailDev that <c>./signoff test</c> started.
/// Each factory has its own storage prefix (pass one in to "restart" over the same data).
/// The webhook worker is off (tests drive deliveries); rounds run on the Durable Task worker in the host.
/// </summary>
public sealed class SignOffFactory(string? prefix = null, IReadOnlyDictionary<string, string?>? extra = null) : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-coordinator-key-0123456789abcdef";

    private string environment = "Development";

    public string Prefix { get; } = prefix ?? "h" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Runs the host in another environment (e.g. Production, to see what Development relaxes).</summary>
    public SignOffFactory WithEnvironment(string name)
    {
        environment = name;
        return this;
    }

    public static string MailDev => Environment.GetEnvironmentVariable("SIGNOFF_TEST_MAILDEV")
        ?? throw new InvalidOperationException("SIGNOFF_TEST_MAILDEV is not set: run the tests with ./signoff test, which starts MailDev.");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        // UseSetting, not ConfigureAppConfiguration: the host reads its settings while it is being built.
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Environment.GetEnvironmentVariable("SIGNOFF_TEST_STORAGE")
                ?? throw new InvalidOperationException("SIGNOFF_TEST_STORAGE is not set: run the tests with ./signoff test, which starts Azurite."),
            ["Storage:Prefix"] = Prefix,
            ["Mail:SmtpPort"] = Environment.GetEnvironmentVariable("SIGNOFF_TEST_SMTP_PORT") ?? "1025",
            ["SignOff:ApiKeyHashes:0"] = ApiKeyFilter.HashOf(ApiKey),
            ["SignOff:MaxDocumentBytes"] = "65536",
            ["SignOff:PublicBaseUrl"] = "http://localhost",
            ["Clock:Manual"] = "true",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient Api()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(ApiKeyFilter.Header, ApiKey);
        return client;
    }

    public StorageClients Storage => Services.GetRequiredService<StorageClients>();

    /// <summary>Waits until every transition's effects have run, the rounds' and then the register's (the Durable Task worker runs in the host).</summary>
    /// <remarks>Rounds first: a round taking effect opens its agreement as one of its effects, so the agreement's transitions exist once the round's have settled.</remarks>
    public async Task DrainAsync(CancellationToken ct)
    {
        Assert.True(await Services.GetRequiredService<SignOff.Host.Durable.DurableRoundEngine>().SettleAsync(TimeSpan.FromMinutes(2), ct),
            "The rounds' effects did not settle within two minutes.");
        Assert.True(await Services.GetRequiredService<SignOff.Host.Durable.DurableAgreementEngine>().SettleAsync(TimeSpan.FromMinutes(2), ct),
            "The register's effects did not settle within two minutes.");
    }

    public async Task SetClockAsync(string iso, CancellationToken ct)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/dev/clock", new { set = iso }, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Launches the test round (<see cref="ApiTests.Definition"/> and a one-page PDF) over the API, on 1 June 2021; the round as the API answered.</summary>
    public async Task<JsonElement> LaunchAsync(HttpClient api, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(api);
        await SetClockAsync("2021-06-01T09:00:00Z", ct);
        using var draft = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"));
        draft.Headers.ContentType = new("application/pdf");
        using var form = new MultipartFormDataContent { { new StringContent(ApiTests.Definition()), "definition", "round.yaml" }, { draft, "draft", "draft.pdf" } };
        var response = await api.PostAsync("/api/rounds", form, ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    /// <summary>Today in London by the host's development clock, as YYYY-MM-DD.</summary>
    public string Today() => SignOff.Core.Rounds.LondonTime.DateOf(Services.GetRequiredService<TimeProvider>().GetUtcNow())
        .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<JsonElement> AdvanceClockAsync(string duration, CancellationToken ct)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/dev/clock", new { advance = duration }, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }
}

/// <summary>Reads what MailDev received, through its REST API.</summary>
public static class MailDevInbox
{
    private static readonly HttpClient Http = new();

    public sealed record Mail(string Subject, string Text, string To, string EffectId, string RoundId, IReadOnlyList<string> Attachments);

    /// <summary>The Reply-To header of each of a round's emails, read from the raw message (MailDev's list does not show it).</summary>
    public static async Task<IReadOnlyList<string?>> ReplyTosAsync(string roundId, CancellationToken ct)
    {
        var all = await Http.GetFromJsonAsync<JsonElement>($"{SignOffFactory.MailDev}/api/email", ct);
        var replyTos = new List<string?>();
        foreach (var m in all.EnumerateArray().Where(m => m.GetProperty("headers").TryGetProperty("x-signoff-round", out var r) && r.GetString() == roundId))
        {
            var source = await Http.GetStringAsync($"{SignOffFactory.MailDev}/api/email/{m.GetProperty("id").GetString()}/source", ct);
            var header = source.Split("\r\n\r\n", 2)[0].Split("\r\n").FirstOrDefault(l => l.StartsWith("Reply-To:", StringComparison.OrdinalIgnoreCase));
            replyTos.Add(header?["Reply-To:".Length..].Trim());
        }

        return replyTos;
    }

    /// <summary>The agreement register's emails about one agreement (tagged with the agreement, not a round).</summary>
    public static async Task<IReadOnlyList<Mail>> ForAgreementAsync(string agreementId, CancellationToken ct)
    {
        var all = await Http.GetFromJsonAsync<JsonElement>($"{SignOffFactory.MailDev}/api/email", ct);
        return [.. all.EnumerateArray()
            .Where(m => m.GetProperty("headers").TryGetProperty("x-signoff-agreement", out var r) && r.GetString() == agreementId)
            .Select(m => new Mail(
                m.GetProperty("subject").GetString() ?? "",
                m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "",
                m.GetProperty("to")[0].GetProperty("address").GetString() ?? "",
                m.GetProperty("headers").GetProperty("x-signoff-effect").GetString() ?? "",
                agreementId,
                []))];
    }

    public static async Task<IReadOnlyList<Mail>> ForRoundAsync(string roundId, CancellationToken ct)
    {
        var all = await Http.GetFromJsonAsync<JsonElement>($"{SignOffFactory.MailDev}/api/email", ct);
        return [.. all.EnumerateArray()
            .Where(m => m.GetProperty("headers").TryGetProperty("x-signoff-round", out var r) && r.GetString() == roundId)
            .Select(m => new Mail(
                m.GetProperty("subject").GetString() ?? "",
                m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "",
                m.GetProperty("to")[0].GetProperty("address").GetString() ?? "",
                m.GetProperty("headers").GetProperty("x-signoff-effect").GetString() ?? "",
                roundId,
                m.TryGetProperty("attachments", out var a) && a.ValueKind == JsonValueKind.Array
                    ? [.. a.EnumerateArray().Select(x => x.GetProperty("filename").GetString() ?? "")]
                    : []))];
    }
}
