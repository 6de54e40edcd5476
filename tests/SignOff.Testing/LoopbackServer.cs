using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignOff.Testing;

/// <summary>
/// A real HTTP server on a free loopback port, in the process that starts it, handing every
/// request to one handler: what the tests, the chaos run and the benchmark stand up where a
/// webhook subscriber or a mail provider's API would be.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackServer(WebApplication app) => this.app = app;

    /// <summary>The server's address, <c>http://127.0.0.1:{port}</c>.</summary>
    public string BaseUrl => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>A path on this server under the name <c>localhost</c>, the name Development allows a webhook target to resolve to loopback.</summary>
    public string LocalhostUrl(string path) => BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + path;

    /// <summary>Starts a server that answers every request with <paramref name="handle"/>.</summary>
    public static async Task<LoopbackServer> StartAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return new LoopbackServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
