using System.IO.Compression;
using System.Text.Json;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace SignOff.Deployment.Tests;

/// <summary>
/// The zip <c>./signoff package</c> builds for Azure Functions, unpacked and read as the Functions
/// host reads it: the isolated worker's files, <c>host.json</c>, and every function in
/// <c>functions.metadata</c> with its trigger and bindings.
/// </summary>
/// <remarks>
/// The Functions host cannot be installed on this machine, so what is proved here is the
/// package; that each function reaches the same code as the local host is proved in-process by
/// the integration tests (<c>Functions/</c>).
/// </remarks>
public sealed class PackageTests : IAsyncLifetime
{
    /// <summary>Every function the app must expose: its trigger, and for HTTP its route and methods (for a timer, its schedule).</summary>
    private static readonly (string Name, string Trigger, string? Route, string[] Methods)[] Expected =
    [
        ("HttpApi", "httpTrigger", "api/{*path}", ["get", "head", "post", "delete"]),
        ("HttpRounds", "httpTrigger", "rounds/{*path}", ["get", "head", "post"]),
        ("HttpAgreements", "httpTrigger", "agreements/{*path}", ["get", "head", "post"]),
        ("HttpRespond", "httpTrigger", "respond/{*path}", ["get", "head", "post"]),
        ("HttpChair", "httpTrigger", "chair/{*path}", ["get", "head"]),
        ("HttpDigest", "httpTrigger", "digest", ["get", "head"]),
        ("HttpSignIn", "httpTrigger", "sign-in/{*path}", ["get", "head", "post"]),
        ("HttpSignOut", "httpTrigger", "sign-out", ["post"]),
        ("HttpAssets", "httpTrigger", "assets/{*path}", ["get", "head"]),
        ("HttpDocs", "httpTrigger", "docs/{*path}", ["get", "head"]),
        ("HttpOpenApi", "httpTrigger", "openapi/{*path}", ["get", "head"]),
        ("HttpHealth", "httpTrigger", "health/{*path}", ["get", "head"]),
        ("round", "entityTrigger", null, []),
        ("RoundEffects", "orchestrationTrigger", null, []),
        ("RoundAlarm", "orchestrationTrigger", null, []),
        ("WebhookDelivery", "orchestrationTrigger", null, []),
        ("RecordTransition", "activityTrigger", null, []),
        ("PerformEffect", "activityTrigger", null, []),
        ("AttemptWebhook", "activityTrigger", null, []),
        ("agreement", "entityTrigger", null, []),
        ("AgreementEffects", "orchestrationTrigger", null, []),
        ("RecordAgreementTransition", "activityTrigger", null, []),
        ("PerformAgreementEffect", "activityTrigger", null, []),
        ("Sweep", "timerTrigger", "0 */10 * * * *", []),
    ];

    private string root = null!;

    public ValueTask InitializeAsync()
    {
        var zip = Environment.GetEnvironmentVariable("SIGNOFF_TEST_PACKAGE") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("SIGNOFF_TEST_PACKAGE is not set to a built package: run the tests with ./signoff test, which runs ./signoff package first.");
        root = Directory.CreateTempSubdirectory("signoff-package-").FullName;
        ZipFile.ExtractToDirectory(zip, root);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public void The_zip_is_an_isolated_worker_app_for_the_dotnet_isolated_runtime()
    {
        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "worker.config.json")));
        var description = worker.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("SignOff.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(Path.Combine(root, "SignOff.Functions.dll")));

        // The Durable extension the host loads for the worker, from the package's own .azurefunctions folder.
        using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "extensions.json")));
        var durable = Assert.Single(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "DurableTask");
        var hint = durable.GetProperty("hintPath").GetString()!;
        Assert.StartsWith("./.azurefunctions/", hint, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, hint)), $"{hint} is not in the package");
        Assert.True(File.Exists(Path.Combine(root, "workflows", "governance", "cabinet.yaml")), "the governance routes are not in the package");
        Assert.False(Directory.Exists(Path.Combine(root, "HttpApi")), "no custom-handler function.json folders remain");
    }

    [Fact]
    public void Host_json_configures_durable_functions_on_azure_storage_and_keeps_todays_urls()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        var host = hostJson.RootElement;
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.False(host.TryGetProperty("customHandler", out _), "the custom handler is gone");
        Assert.False(host.TryGetProperty("extensionBundle", out _), "an isolated worker brings its extensions in the package, not a bundle");
        var extensions = host.GetProperty("extensions");
        Assert.Equal("", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        var durable = extensions.GetProperty("durableTask");
        Assert.Equal("signoff", durable.GetProperty("hubName").GetString());
        var provider = durable.GetProperty("storageProvider");
        Assert.Equal("AzureStorage", provider.GetProperty("type").GetString());
        Assert.Equal("AzureWebJobsStorage", provider.GetProperty("connectionName").GetString()); // identity-based: AzureWebJobsStorage__accountName, no key
        var polling = TimeSpan.Parse(provider.GetProperty("maxQueuePollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(polling, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(29)); // below the 30 s a person's request waits for its round
        Assert.True(host.GetProperty("logging").GetProperty("applicationInsights").GetProperty("samplingSettings").GetProperty("isEnabled").GetBoolean());
    }

    [Fact]
    public void Functions_metadata_lists_every_function_with_its_trigger_and_bindings()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
        Assert.Equal(Expected.Select(e => e.Name).Order(StringComparer.Ordinal), functions.Keys.Order(StringComparer.Ordinal));

        foreach (var (name, triggerType, route, methods) in Expected)
        {
            var function = functions[name];
            Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
            Assert.Equal("SignOff.Functions.dll", function.GetProperty("scriptFile").GetString());
            var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = Assert.Single(bindings, b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            Assert.Equal(triggerType, trigger.GetProperty("type").GetString());
            Assert.Equal("In", trigger.GetProperty("direction").GetString());
            switch (triggerType)
            {
                case "httpTrigger":
                    Assert.Equal(route, trigger.GetProperty("route").GetString());
                    Assert.Equal(methods, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
                    Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString()); // the app authenticates: API key or Entra token, session, link token
                    Assert.Contains(bindings, b => b.GetProperty("type").GetString() == "durableClient");
                    Assert.Contains(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "Out");
                    break;
                case "timerTrigger":
                    Assert.Equal(route, trigger.GetProperty("schedule").GetString());
                    Assert.Contains(bindings, b => b.GetProperty("type").GetString() == "durableClient");
                    break;
            }
        }

        // Only the public paths are reachable: nothing routes to the development clock.
        Assert.DoesNotContain(functions.Values, f => f.GetProperty("bindings").EnumerateArray()
            .Any(b => b.TryGetProperty("route", out var r) && r.GetString()!.StartsWith("dev", StringComparison.Ordinal)));
    }
}
