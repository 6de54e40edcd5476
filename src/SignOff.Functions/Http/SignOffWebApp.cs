using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Host.Hosting;

namespace SignOff.Functions.Http;

/// <summary>
/// SignOff's web application — the same composition and the same endpoint set as the local host —
/// running inside the Functions worker, with HTTP triggers in place of Kestrel.
/// </summary>
/// <remarks>
/// <para>One definition of every handler: the endpoints are mapped by the host's own
/// <c>UseSignOffAsync</c>, and an HTTP function hands its request to the application's pipeline
/// (exception handling, authentication, anti-forgery, routing, the endpoint), which answers on
/// the function's own response. So a route, a filter or an error page cannot differ between the
/// two hosts.</para>
/// <para>The application's services are SignOff's; the Functions worker's container only holds
/// this. Its Durable seams (<c>IRoundEngine</c>, <c>IWebhookRuns</c>) are the Functions ones,
/// reaching Durable Functions through the client of the invocation in hand.</para>
/// </remarks>
public sealed class SignOffWebApp : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly FunctionsServer server;

    private SignOffWebApp(WebApplication app, FunctionsServer server)
    {
        this.app = app;
        this.server = server;
    }

    /// <summary>SignOff's services.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>Builds and starts the application.</summary>
    /// <param name="configuration">The Functions app's configuration (app settings, environment), layered over SignOff's <c>appsettings.json</c>.</param>
    /// <param name="environment">The environment name (Production on Azure).</param>
    /// <param name="durable">Registers the Durable seams this host reaches the workflow through.</param>
    public static async Task<SignOffWebApp> StartAsync(IConfiguration configuration, string environment, Action<IServiceCollection> durable)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(SignOffHosting).Assembly.GetName().Name,
        });
        builder.Configuration.AddConfiguration(configuration);
        var server = new FunctionsServer();
        builder.WebHost.UseServer(server);
        builder.AddSignOff(DurableRuntime.External);
        durable(builder.Services);
        var app = builder.Build();
        await app.UseSignOffAsync();
        await app.StartAsync();
        return new SignOffWebApp(app, server);
    }

    /// <summary>Answers a request that reached an HTTP function, on that function's own response.</summary>
    public Task ServeAsync(HttpContext request) => server.ServeAsync(request);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>
    /// The application's server: it listens on nothing, and runs each request it is handed through
    /// the application, over the request's own features (its body, its response stream).
    /// </summary>
    private sealed class FunctionsServer : IServer
    {
        private Func<IFeatureCollection, Task>? application;

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> httpApplication, CancellationToken cancellationToken)
            where TContext : notnull
        {
            application = async features =>
            {
                var context = httpApplication.CreateContext(features);
                try
                {
                    await httpApplication.ProcessRequestAsync(context);
                    httpApplication.DisposeContext(context, null);
                }
                catch (Exception ex)
                {
                    httpApplication.DisposeContext(context, ex);
                    throw;
                }
            };
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            application = null;
            return Task.CompletedTask;
        }

        /// <remarks>
        /// The request's features are layered, not copied: what the application sets for itself
        /// (its request services, its routing) stays in its layer, and everything it reads and
        /// writes (the body, the status, the headers) is the function's.
        /// </remarks>
        public Task ServeAsync(HttpContext request) =>
            (application ?? throw new InvalidOperationException("SignOff's web application is not running."))(new FeatureCollection(request.Features));

        public void Dispose()
        {
        }
    }
}
