using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using SignOff.Functions;
using SignOff.Functions.Durable;
using SignOff.Functions.Http;
using SignOff.Integration.Tests.Host;
using SignOff.Host.Access;

namespace SignOff.Integration.Tests.Functions;

/// <summary>
/// The Functions app's classes, composed as its <c>Program</c> composes them, over the Azurite and
/// MailDev of the tests — everything but the Functions host, which cannot run here.
/// </summary>
internal static class FunctionsTestApp
{
    /// <summary>The settings a test host uses, for one storage prefix.</summary>
    public static IConfiguration Configuration(string prefix) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = Environment.GetEnvironmentVariable("SIGNOFF_TEST_STORAGE")
            ?? throw new InvalidOperationException("SIGNOFF_TEST_STORAGE is not set: run the tests with ./signoff test, which starts Azurite."),
        ["Storage:Prefix"] = prefix,
        ["Mail:SmtpPort"] = Environment.GetEnvironmentVariable("SIGNOFF_TEST_SMTP_PORT") ?? "1025",
        ["SignOff:ApiKeyHashes:0"] = ApiKeyFilter.HashOf(SignOffFactory.ApiKey),
        ["SignOff:MaxDocumentBytes"] = "65536",
        ["SignOff:PublicBaseUrl"] = "http://localhost",
        ["Clock:Manual"] = "true",
        ["Webhooks:AllowHttp"] = "true",
        ["Webhooks:AllowedHosts:0"] = "localhost",
    }).Build();

    /// <summary>The worker's container as <see cref="FunctionsProgram.AddSignOffFunctions"/> fills it.</summary>
    /// <param name="prefix">The storage prefix.</param>
    /// <param name="durable">The Durable seams, when not the Functions ones (see <see cref="SignOffWebHost"/>).</param>
    public static ServiceProvider Services(string prefix, Action<IServiceCollection>? durable = null)
    {
        var configuration = Configuration(prefix);
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = "Development", ApplicationName = "SignOff.Functions", ContentRootPath = AppContext.BaseDirectory });
        services.AddLogging();
        FunctionsProgram.AddSignOffFunctions(services, configuration);
        if (durable is not null)
        {
            services.AddSingleton(sp => new SignOffWebHost(configuration, sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<DurableClients>(), durable));
        }

        return services.BuildServiceProvider();
    }
}
