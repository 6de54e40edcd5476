using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SignOff.Functions.Durable;
using SignOff.Host.Commands;
using SignOff.Host.Hosting;
using SignOff.Host.Webhooks;

namespace SignOff.Functions.Http;

/// <summary>Starts SignOff's web application once, on first use, with the Functions app's Durable seams.</summary>
/// <remarks>
/// Lazily, not as a hosted service: the worker may take its first invocation before hosted
/// services have run, and a function awaiting this simply waits for the start in progress.
/// </remarks>
/// <param name="configuration">The Functions app's configuration.</param>
/// <param name="environment">The Functions app's environment.</param>
/// <param name="clients">The invocations' Durable clients, for the seams.</param>
/// <param name="durable">
/// Registers the Durable seams: by default the Functions ones, through <paramref name="clients"/>.
/// (The tests that prove the HTTP functions reach the local host's handlers pass the local runtime
/// instead, since the Functions host itself cannot run here.)
/// </param>
public sealed class SignOffWebHost(IConfiguration configuration, IHostEnvironment environment, DurableClients clients, Action<IServiceCollection>? durable = null)
    : IAsyncDisposable
{
    private readonly Lazy<Task<SignOffWebApp>> app = new(() => SignOffWebApp.StartAsync(configuration, environment.EnvironmentName, durable ?? (services =>
    {
        services.AddSingleton(clients);
        services.AddSingleton<DurableClientRoundEngine>();
        services.AddSingleton<IRoundEngine>(sp => sp.GetRequiredService<DurableClientRoundEngine>());
        services.AddAgreementRegister<DurableClientAgreementEngine>();
        services.AddSingleton<IWebhookRuns, DurableClientWebhookRuns>();
    })));

    /// <summary>The running application.</summary>
    public Task<SignOffWebApp> ReadyAsync() => app.Value;

    public async ValueTask DisposeAsync()
    {
        if (app.IsValueCreated)
        {
            await (await app.Value).DisposeAsync();
        }
    }
}
