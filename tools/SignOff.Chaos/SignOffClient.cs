using System.Net.Http.Headers;

namespace SignOff.Chaos;

/// <summary>An answer, after however many attempts it took.</summary>
/// <param name="Status">The final HTTP status (0: no answer at all).</param>
/// <param name="Body">The final answer's body.</param>
/// <param name="Attempts">Requests sent.</param>
/// <param name="Failures">Attempts that got no answer (the host was killed under them) or a 5xx.</param>
internal sealed record Answer(int Status, string Body, int Attempts, int Failures)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>Counters for the summary; every field is updated with <see cref="Interlocked"/>.</summary>
internal sealed class Stats
{
    public long Sent;
    public long Ok;
    public long NoAnswer;
    public long ServerErrors;
    public long InFlight;
    public long MutationsInFlight;
    public long KillsMidRequest;
    public long KillsMidMutation;
}

/// <summary>
/// The API over HTTP with the run's key. A request that gets no answer because the host died
/// under it (or a 5xx) is sent again, identically — same Idempotency-Key, same body — once a
/// host is back.
/// </summary>
internal sealed class SignOffClient(HostUnderTest host, Stats stats) : IDisposable
{
    private const int MaxAttempts = 30;
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
    {
        BaseAddress = new Uri(host.BaseUrl),
        Timeout = TimeSpan.FromMinutes(3),
        DefaultRequestHeaders = { { "X-Api-Key", host.ApiKey } },
    };

    /// <summary>Sends a request built afresh for each attempt; with <paramref name="retry"/> false, a single attempt.</summary>
    public async Task<Answer> SendAsync(Func<HttpRequestMessage> make, CancellationToken ct, bool retry = true)
    {
        var failures = 0;
        for (var attempt = 1; ; attempt++)
        {
            await host.WhenReadyAsync(ct);
            var generation = host.Generation;
            Interlocked.Increment(ref stats.Sent);
            Interlocked.Increment(ref stats.InFlight);
            using var request = make();
            var mutation = request.Headers.Contains("Idempotency-Key");
            if (mutation)
            {
                Interlocked.Increment(ref stats.MutationsInFlight);
            }

            try
            {
                using var response = await http.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                var status = (int)response.StatusCode;
                if (status < 500)
                {
                    if (status is >= 200 and < 300)
                    {
                        Interlocked.Increment(ref stats.Ok);
                    }

                    return new Answer(status, body, attempt, failures);
                }

                Interlocked.Increment(ref stats.ServerErrors);
                failures++;
                if (!retry || attempt == MaxAttempts)
                {
                    return new Answer(status, body, attempt, failures);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                Interlocked.Increment(ref stats.NoAnswer);
                failures++;
                if (!retry || attempt == MaxAttempts)
                {
                    return new Answer(0, ex.Message, attempt, failures);
                }
            }
            finally
            {
                Interlocked.Decrement(ref stats.InFlight);
                if (mutation)
                {
                    Interlocked.Decrement(ref stats.MutationsInFlight);
                }
            }

            await WaitForNextHostAsync(generation, ct);
        }
    }

    /// <summary>One attempt, without waiting for a host: for clock requests, which must never be repeated blindly.</summary>
    public async Task<Answer> SendOnceAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Interlocked.Increment(ref stats.Sent);
        Interlocked.Increment(ref stats.InFlight);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                Interlocked.Increment(ref stats.Ok);
            }
            else if (status >= 500)
            {
                Interlocked.Increment(ref stats.ServerErrors);
            }

            return new Answer(status, body, 1, status >= 500 ? 1 : 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            Interlocked.Increment(ref stats.NoAnswer);
            return new Answer(0, ex.Message, 1, 1);
        }
        finally
        {
            Interlocked.Decrement(ref stats.InFlight);
            request.Dispose();
        }
    }

    public void Dispose() => http.Dispose();

    public static HttpRequestMessage Post(string path, HttpContent content, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public static ByteArrayContent Pdf(byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return file;
    }

    /// <summary>Waits for a host after the one that failed; if that one is still up (a 5xx, a timeout), a short pause.</summary>
    private async Task WaitForNextHostAsync(int generation, CancellationToken ct)
    {
        for (var waited = 0; waited < 2000 && host.Generation == generation && host.IsReady; waited += 50)
        {
            await Task.Delay(50, ct);
        }
    }
}
