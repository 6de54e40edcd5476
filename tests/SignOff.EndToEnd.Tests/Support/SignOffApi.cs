using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SignOff.EndToEnd.Tests.Support;

/// <summary>
/// The coordinator API of the running host (<c>SIGNOFF_TEST_HOST</c>), authenticated with
/// <c>SIGNOFF_TEST_API_KEY</c> as <c>X-Api-Key</c>, plus the development clock.
/// The host's background workers poll its queues and sweep timers every 2 s, so effects of a
/// call arrive a little later: wait for them with <see cref="WaitForAsync"/> or <see cref="MailDev.WaitForAsync"/>.
/// </summary>
public sealed class SignOffApi : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public SignOffApi()
    {
        Http = new HttpClient { BaseAddress = new Uri(TestEnvironment.Host + "/"), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", TestEnvironment.ApiKey);
    }

    /// <summary>The underlying client, for calls without a helper (relative URLs such as <c>api/rounds</c>).</summary>
    public HttpClient Http { get; }

    /// <summary>Sets the development clock (e.g. <c>2021-05-04T09:00:00Z</c>); returns the host's <c>{ now, timersFired }</c>.</summary>
    public Task<JsonElement> SetClockAsync(string iso, CancellationToken ct = default) =>
        ClockAsync(new { set = DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture) }, ct);

    /// <summary>Moves the development clock forward by an ISO 8601 duration (e.g. <c>P10D</c>) and fires whatever fell due.</summary>
    public Task<JsonElement> AdvanceClockAsync(string isoDuration, CancellationToken ct = default) =>
        ClockAsync(new { advance = isoDuration }, ct);

    /// <summary>Launches a round from a definition (YAML or JSON) and a draft; returns the round as the API shows it.</summary>
    public async Task<JsonElement> LaunchRoundAsync(string definition, byte[] draft, string draftName = "draft.pdf", string? roster = null, CancellationToken ct = default)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(definition), "definition", "round.yaml");
        var file = new ByteArrayContent(draft);
        file.Headers.ContentType = new MediaTypeHeaderValue(
            draftName.EndsWith(".docx", StringComparison.OrdinalIgnoreCase)
                ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                : "application/pdf");
        form.Add(file, "draft", draftName);
        if (roster is not null)
        {
            form.Add(new StringContent(roster), "roster", "roster.csv");
        }

        using var response = await Http.PostAsync("api/rounds", form, ct);
        return await ReadAsync(response, "POST /api/rounds", ct);
    }

    /// <summary><c>GET /api/rounds/{id}</c>.</summary>
    public async Task<JsonElement> GetRoundAsync(string roundId, CancellationToken ct = default)
    {
        using var response = await Http.GetAsync($"api/rounds/{Uri.EscapeDataString(roundId)}", ct);
        return await ReadAsync(response, $"GET /api/rounds/{roundId}", ct);
    }

    /// <summary>Polls the round (every 250 ms) until <paramref name="predicate"/> holds; on timeout fails showing the round as last seen.</summary>
    public async Task<JsonElement> WaitForAsync(
        string roundId, Func<JsonElement, bool> predicate, string what = "the expected state", TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var round = await GetRoundAsync(roundId, ct);
            if (predicate(round))
            {
                return round;
            }

            if (clock.Elapsed >= limit)
            {
                throw new TimeoutException(
                    $"Round {roundId} did not reach {what} within {limit.TotalSeconds:0.#} s. Last seen:{Environment.NewLine}{round}");
            }

            await Task.Delay(250, ct);
        }
    }

    private async Task<JsonElement> ClockAsync(object body, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync("dev/clock", body, ct);
        return await ReadAsync(response, "POST /dev/clock", ct);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string call, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{call} answered {(int)response.StatusCode} {response.ReasonPhrase}: {text}", null, response.StatusCode);
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public void Dispose() => Http.Dispose();
}
