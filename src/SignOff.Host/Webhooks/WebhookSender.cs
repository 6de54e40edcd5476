using System.Diagnostics;
using System.Net;
using System.Text;
using SignOff.Core.Webhooks;

namespace SignOff.Host.Webhooks;

/// <summary>What one attempt came to.</summary>
/// <param name="StatusCode">The receiver's status, or null when there was no answer.</param>
/// <param name="LatencyMs">From sending to the answer (or the failure).</param>
/// <param name="Snippet">The first characters of the answer's body.</param>
/// <param name="Error">What went wrong without an answer (timeout, refused address, connection).</param>
/// <param name="RetryAfter">What a 429 or 503 asked for.</param>
public sealed record AttemptResult(int? StatusCode, long LatencyMs, string? Snippet, string? Error, TimeSpan? RetryAfter)
{
    public bool Delivered => StatusCode is >= 200 and < 300;

    public bool Gone => StatusCode == 410;
}

/// <summary>
/// Posts one signed webhook: Standard Webhooks headers, the exact stored body, a bounded wait,
/// no redirects. Every outcome is an <see cref="AttemptResult"/>; nothing here throws for a
/// receiver's failure.
/// </summary>
/// <remarks>
/// The <c>webhook-timestamp</c> is the real time of sending, not the round's clock: it exists so
/// receivers can refuse replays, and a development clock set to 2021 would make every signature
/// look stale.
/// </remarks>
public sealed class WebhookSender(HttpClient http, WebhookOptions options, SignOff.Storage.WallClock wall)
{
    private const int SnippetLength = 500;

    public async Task<AttemptResult> SendAsync(string url, string messageId, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var sentAt = wall.UtcNow;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(secrets, messageId, sentAt, body));
        request.Headers.UserAgent.ParseAdd("SignOff-Webhooks/1.0");
        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var snippet = await ReadSnippetAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            TimeSpan? retryAfter = status is 429 or 503 ? RetryAfter(response) : null;
            return new AttemptResult(status, clock.ElapsedMilliseconds, snippet,
                status is >= 300 and < 400 ? $"Redirected ({status}) to {response.Headers.Location}: webhooks follow no redirects." : null, retryAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, clock.ElapsedMilliseconds, null, $"No answer within {options.Timeout.TotalSeconds:0} s.", null);
        }
        catch (HttpRequestException ex)
        {
            var refused = ex as WebhookTargetRefusedException ?? ex.InnerException as WebhookTargetRefusedException;
            return new AttemptResult(null, clock.ElapsedMilliseconds, null, refused?.Message ?? $"{ex.Message}{(ex.InnerException is { } inner ? $" ({inner.Message})" : "")}", null);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - wall.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };

    private static async Task<string?> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[SnippetLength * 4];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        if (read == 0)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > SnippetLength ? text[..SnippetLength] : text;
    }
}
