using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignOff.Integration.Tests.Support;

/// <summary>
/// A real HTTP server on loopback that stands where a third-party API would (SendGrid, Notify):
/// it records every request and answers with the scripted responses in turn, then 202.
/// </summary>
public sealed class RecordingReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<(int Status, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan Delay)> script = new();

    private RecordingReceiver(WebApplication app) => this.app = app;

    public sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string BaseUrl => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<RecordingReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new RecordingReceiver(app);
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(http.Request.Method, http.Request.Path + http.Request.QueryString,
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
            var (status, headers, reply, delay) = receiver.script.TryDequeue(out var next) ? next : (receiver.DefaultStatus, new Dictionary<string, string>(), "", TimeSpan.Zero);
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
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The answer when nothing is scripted.</summary>
    public int DefaultStatus { get; set; } = 202;

    /// <summary>The next request gets this answer.</summary>
    public void Then(int status, string body = "", params (string Name, string Value)[] headers) =>
        script.Enqueue((status, headers.ToDictionary(h => h.Name, h => h.Value), body, TimeSpan.Zero));

    /// <summary>The next request gets this answer, after a wait.</summary>
    public void ThenAfter(TimeSpan delay, int status) => script.Enqueue((status, new Dictionary<string, string>(), "", delay));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
