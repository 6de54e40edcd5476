using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using SignOff.Testing;

namespace SignOff.Integration.Tests.Support;

/// <summary>
/// A real HTTP server on loopback that stands where a third-party API would (SendGrid, Notify):
/// it records every request and answers with the scripted responses in turn, then 202.
/// </summary>
public sealed class RecordingReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan Delay)> script = new();
    private LoopbackServer server = null!;

    private RecordingReceiver()
    {
    }

    public sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string BaseUrl => server.BaseUrl;

    public static async Task<RecordingReceiver> StartAsync()
    {
        var receiver = new RecordingReceiver();
        receiver.server = await LoopbackServer.StartAsync(receiver.AnswerAsync);
        return receiver;
    }

    /// <summary>The answer when nothing is scripted.</summary>
    public int DefaultStatus { get; set; } = 202;

    /// <summary>The next request gets this answer.</summary>
    public void Then(int status, string body = "", params (string Name, string Value)[] headers) =>
        script.Enqueue((status, headers.ToDictionary(h => h.Name, h => h.Value), body, TimeSpan.Zero));

    /// <summary>The next request gets this answer, after a wait.</summary>
    public void ThenAfter(TimeSpan delay, int status) => script.Enqueue((status, new Dictionary<string, string>(), "", delay));

    public ValueTask DisposeAsync() => server.DisposeAsync();

    private async Task AnswerAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        Requests.Enqueue(new Received(http.Request.Method, http.Request.Path + http.Request.QueryString,
            http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
        var (status, headers, reply, delay) = script.TryDequeue(out var next) ? next : (DefaultStatus, new Dictionary<string, string>(), "", TimeSpan.Zero);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, http.RequestAborted);
        }

        http.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            http.Response.Headers[name] = value;
        }

        await http.Response.WriteAsync(reply);
    }
}
