using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SignOff.Core.Rounds;
using SignOff.Functions.Durable;
using SignOff.Functions.Http;
using SignOff.Host.Durable;

namespace SignOff.Functions;

/// <summary>The Functions isolated worker: SignOff's HTTP endpoints and workflow classes, with Durable Functions on Azure Storage.</summary>
public static class FunctionsProgram
{
    public static void Main(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        AddSignOffFunctions(builder.Services, builder.Configuration);
        builder.Build().Run();
    }

    /// <summary>What the functions need from the worker's container.</summary>
    public static void AddSignOffFunctions(IServiceCollection services, IConfiguration configuration)
    {
        // Every input, output and entity state through the round's own JSON shape — the same as the
        // local host's converter — so a task hub written by either host is read by the other.
        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(RoundJson.Options));
        services.AddSingleton<DurableClients>();
        services.AddSingleton<SignOffWebHost>();
        services.AddSingleton((configuration.GetSection("Durable").Get<DurableOptions>() ?? new DurableOptions()).RetryPolicy);
        services.AddSingleton<HttpFunctions>();
        services.AddSingleton<WorkflowFunctions>();
    }
}
