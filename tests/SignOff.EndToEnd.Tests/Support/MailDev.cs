using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SignOff.EndToEnd.Tests.Support;

/// <summary>A message as MailDev received it.</summary>
public sealed record Mail(
    string Id,
    string Subject,
    string Text,
    string Html,
    IReadOnlyList<string> To,
    string? RoundId,
    string? EffectId,
    IReadOnlyList<string> Attachments)
{
    /// <summary>The first recipient's address.</summary>
    public string FirstTo => To.Count > 0 ? To[0] : "";

    public bool IsTo(string address) => To.Any(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// MailDev's REST API (<c>SIGNOFF_TEST_MAILDEV</c>). The MailDev is shared with the other test
/// projects, so filter by round (the <c>X-SignOff-Round</c> header) or recipient.
/// </summary>
public static partial class MailDev
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every message received so far, oldest first, optionally only a round's and/or one recipient's.</summary>
    public static async Task<IReadOnlyList<Mail>> ListAsync(string? roundId = null, string? to = null, CancellationToken ct = default)
    {
        var all = await Http.GetFromJsonAsync<JsonElement>($"{TestEnvironment.MailDev}/api/email", ct);
        return [.. all.EnumerateArray()
            .Select(Parse)
            .Where(m => roundId is null || m.RoundId == roundId)
            .Where(m => to is null || m.IsTo(to))];
    }

    /// <summary>
    /// Polls (every 250 ms) until a message matching <paramref name="predicate"/> arrives (among
    /// the round's and/or recipient's, when given) and returns the first such; on timeout fails
    /// listing the subjects that did arrive.
    /// </summary>
    public static async Task<Mail> WaitForAsync(
        Func<Mail, bool> predicate, TimeSpan? timeout = null, string? roundId = null, string? to = null, CancellationToken ct = default)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<Mail> seen;
        while (true)
        {
            seen = await ListAsync(roundId, to, ct);
            if (seen.FirstOrDefault(predicate) is { } match)
            {
                return match;
            }

            if (clock.Elapsed >= limit)
            {
                break;
            }

            await Task.Delay(PollInterval, ct);
        }

        var scope = (roundId, to) switch
        {
            (null, null) => "in MailDev",
            (not null, null) => $"for round {roundId}",
            (null, not null) => $"to {to}",
            _ => $"for round {roundId} to {to}",
        };
        var subjects = seen.Count == 0
            ? " none."
            : string.Concat(seen.Select(m => $"{Environment.NewLine}  \"{m.Subject}\" to {string.Join(", ", m.To)}"));
        throw new TimeoutException($"No matching mail arrived within {limit.TotalSeconds:0.#} s. Mail seen {scope} ({seen.Count}):{subjects}");
    }

    /// <summary>The first <c>http(s)://…/respond/TOKEN</c> link in the message's plain-text part (else its HTML).</summary>
    public static string RespondLink(Mail mail) =>
        (RespondLinkPattern().Match(mail.Text) is { Success: true } inText ? inText
            : RespondLinkPattern().Match(mail.Html) is { Success: true } inHtml ? inHtml
            : null)?.Value
        ?? throw new InvalidOperationException($"The mail \"{mail.Subject}\" to {string.Join(", ", mail.To)} has no /respond/ link. Its text:{Environment.NewLine}{mail.Text}");

    private static Mail Parse(JsonElement m) => new(
        Str(m, "id") ?? "",
        Str(m, "subject") ?? "",
        Str(m, "text") ?? "",
        Str(m, "html") ?? "",
        m.TryGetProperty("to", out var to) && to.ValueKind == JsonValueKind.Array
            ? [.. to.EnumerateArray().Select(a => Str(a, "address") ?? "")]
            : [],
        m.TryGetProperty("headers", out var h) ? Str(h, "x-signoff-round") : null,
        m.TryGetProperty("headers", out h) ? Str(h, "x-signoff-effect") : null,
        m.TryGetProperty("attachments", out var a) && a.ValueKind == JsonValueKind.Array
            ? [.. a.EnumerateArray().Select(x => Str(x, "filename") ?? "")]
            : []);

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex(@"https?://[^\s""'<>]+/respond/[A-Za-z0-9_-]+")]
    private static partial Regex RespondLinkPattern();
}
