using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace SignOff.Deployment.Tests;

/// <summary>
/// The zip <c>./signoff package</c> builds for Azure Functions, unpacked and checked as the
/// Functions host would read it — and its executable started as the host starts a custom
/// handler, with every function's invocation answered by the app inside.
/// </summary>
public sealed class PackageTests : IAsyncLifetime
{
    /// <summary>A path each HTTP function forwards, to ask the packaged app for. A new HTTP function needs one here.</summary>
    private static readonly Dictionary<string, string> SamplePaths = new(StringComparer.Ordinal)
    {
        ["HttpApi"] = "/api/rounds",
        ["HttpRounds"] = "/rounds",
        ["HttpRespond"] = "/respond/" + new string('A', 43),
        ["HttpChair"] = "/chair/" + new string('A', 43),
        ["HttpDigest"] = "/digest",
        ["HttpSignIn"] = "/sign-in",
        ["HttpSignOut"] = "/sign-out",
        ["HttpAssets"] = "/assets/signoff.css",
        ["HttpDocs"] = "/docs",
        ["HttpOpenApi"] = "/openapi/v1.json",
        ["HttpHealth"] = "/health/ready",
    };

    private string root = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    public void Host_json_names_the_executable_and_forwards_http()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        var host = hostJson.RootElement;
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var handler = host.GetProperty("customHandler");
        var executable = Path.Combine(root, handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString()!);
        Assert.True(File.Exists(executable), $"{executable} is not in the package");
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), "the custom handler is not executable");
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.False(host.GetProperty("extensions").TryGetProperty("queues", out _), "no queue triggers of ours remain: rounds run on Durable Task");
        Assert.True(File.Exists(Path.Combine(root, "workflows", "governance", "cabinet.yaml")), "the governance routes are not in the package");
    }

    [Fact]
    public void Every_function_json_is_valid_and_binds_what_the_app_uses()
    {
        var functions = Functions();
        Assert.Contains("Sweep", functions.Keys);
        Assert.Contains("Digests", functions.Keys);
        foreach (var (name, bindings) in functions)
        {
            var trigger = bindings.Single(b => b.GetProperty("direction").GetString() == "in");
            switch (trigger.GetProperty("type").GetString())
            {
                case "httpTrigger":
                    Assert.StartsWith("Http", name, StringComparison.Ordinal);
                    Assert.Equal("anonymous", trigger.GetProperty("authLevel").GetString());
                    Assert.Contains(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "out");
                    Assert.DoesNotContain("{*", trigger.GetProperty("route").GetString()!.Split('/')[0], StringComparison.Ordinal);
                    break;
                case "timerTrigger":
                    Assert.Equal(6, trigger.GetProperty("schedule").GetString()!.Split(' ').Length);
                    break;
                default:
                    Assert.Fail($"{name} has an unexpected trigger {trigger}");
                    break;
            }
        }
    }

    [Fact]
    public async Task The_packaged_executable_answers_every_function_as_the_functions_host_calls_it()
    {
        var storage = Environment.GetEnvironmentVariable("SIGNOFF_TEST_STORAGE")
            ?? throw new InvalidOperationException("SIGNOFF_TEST_STORAGE is not set: run the tests with ./signoff test.");
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(root, "SignOff.Host")) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__ConnectionString"] = storage;
        start.Environment["Storage__Prefix"] = "pkg";
        start.Environment["Mail__SmtpPort"] = Environment.GetEnvironmentVariable("SIGNOFF_TEST_SMTP_PORT") ?? "1025";
        start.Environment["Webhooks__SecretKey"] = Convert.ToBase64String(new byte[32]);
        using var app = Process.Start(start)!;
        var output = new StringBuilder();
        app.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        app.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForReadyAsync(http, app, output);

            foreach (var (name, bindings) in Functions())
            {
                var trigger = bindings.Single(b => b.GetProperty("direction").GetString() == "in");
                var type = trigger.GetProperty("type").GetString();
                if (type == "httpTrigger")
                {
                    Assert.True(SamplePaths.TryGetValue(name, out var path), $"{name} has no sample path in this test");
                    var route = trigger.GetProperty("route").GetString()!.Replace("{*rest}", "", StringComparison.Ordinal).TrimEnd('/');
                    Assert.StartsWith("/" + route, path, StringComparison.Ordinal);
                    using var response = await http.GetAsync(path, Ct);
                    var page = await response.Content.ReadAsStringAsync(Ct);

                    // A routing miss is an empty 404; the app's own refusals (a forged link) are pages.
                    Assert.False(response.StatusCode == HttpStatusCode.NotFound && page.Length == 0, $"{name}: GET {path} reached no endpoint in the app");
                    continue;
                }

                var invocation = type == "timerTrigger"
                    ? """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"IsPastDue":false}},"Metadata":{}}"""
                    : """{"Data":{"message":"{}"},"Metadata":{"DequeueCount":1}}""";
                using var answer = await http.PostAsync($"/{name}", new StringContent(invocation, Encoding.UTF8, "application/json"), Ct);
                Assert.True(answer.StatusCode != HttpStatusCode.NotFound, $"{name}: the app has no invocation handler at /{name}");
                using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
                Assert.True(body.RootElement.TryGetProperty("Logs", out var logs) && logs.GetArrayLength() > 0, $"{name}: the answer is not an invocation result");
                Assert.True(type == "queueTrigger" || answer.IsSuccessStatusCode, $"{name}: {(int)answer.StatusCode} {logs}");
            }
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(Ct);
        }
    }

    private Dictionary<string, IReadOnlyList<JsonElement>> Functions() =>
        Directory.EnumerateFiles(root, "function.json", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetFileName(Path.GetDirectoryName(f)!), f =>
            {
                using var json = JsonDocument.Parse(File.ReadAllText(f));
                return (IReadOnlyList<JsonElement>)[.. json.RootElement.GetProperty("bindings").EnumerateArray().Select(b => b.Clone())];
            });

    private static async Task WaitForReadyAsync(HttpClient http, Process app, StringBuilder output)
    {
        for (var i = 0; i < 150; i++)
        {
            Assert.False(app.HasExited, $"the packaged host exited: {output}");
            try
            {
                if ((await http.GetAsync("/health/ready", Ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail($"the packaged host did not become ready: {output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
