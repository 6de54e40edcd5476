using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Host.Hosting;

namespace SignOff.Integration.Tests.Host;

/// <summary>
/// The Azure Functions custom-handler contract, as the Functions host would use it: timer invocations posted to <c>/{FunctionName}</c> with <c>Data</c> and <c>Metadata</c>, answered
/// with <c>Outputs</c>, <c>Logs</c> and <c>ReturnValue</c> — against real Azurite and MailDev.
/// </summary>
public sealed class FunctionInvocationTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private readonly SignOffFactory host = new(extra: new Dictionary<string, string?> { ["Functions:Invocations"] = "true" });
    private HttpClient api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_sweep_timer_invocation_fires_the_timers_that_fell_due()
    {
        var roundId = await LaunchAsync();
        await host.DrainAsync(Ct);

        // The round clock passes the first reminders (16 July, 09:00 London) without the development clock's own sweep.
        host.Services.GetRequiredService<ManualClock>().Set(new DateTimeOffset(2021, 7, 16, 8, 30, 0, TimeSpan.Zero));
        var response = await api.PostAsJsonAsync("/Sweep", TimerInvocation(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("Logs")[0].GetString();
        Assert.Matches(@"^Sweep: [1-9]\d* timer\(s\) fired", log);
        await host.DrainAsync(Ct);
        var reminders = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.Subject.StartsWith("Reminder:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reminders.Count);
    }

    [Fact]
    public async Task The_invocation_paths_do_not_exist_outside_the_functions_host()
    {
        await using var local = new SignOffFactory();
        using var client = local.Api();

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/Sweep", TimerInvocation(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/Digests", TimerInvocation(), Ct)).StatusCode);
    }

    private static object TimerInvocation() => new
    {
        Data = new { timer = new { Schedule = new { AdjustForDST = true }, ScheduleStatus = (object?)null, IsPastDue = false } },
        Metadata = new { sys = new { MethodName = "Sweep", UtcNow = "2021-07-16T08:30:00Z" } },
    };

    private async Task<string> LaunchAsync()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(ApiTests.Definition()), "definition", "round.yaml" },
            { new ByteArrayContent(Pdf) { Headers = { ContentType = new("application/pdf") } }, "draft", "draft.pdf" },
        };
        var response = await api.PostAsync("/api/rounds", form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString()!;
    }
}
