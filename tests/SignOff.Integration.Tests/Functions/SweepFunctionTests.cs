using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using SignOff.Functions.Durable;
using SignOff.Functions.Http;
using SignOff.Host.Hosting;
using SignOff.Integration.Tests.Host;

namespace SignOff.Integration.Tests.Functions;

/// <summary>The Functions app's safety-net timer fires the timers that fell due, as the custom handler's sweep did.</summary>
/// <remarks>The app's round engine is the local runtime's here (the Functions host cannot run on this machine); the wrapper and what it reaches are the app's.</remarks>
public sealed class SweepFunctionTests : IAsyncLifetime
{
    private readonly SignOffFactory local = new();
    private ServiceProvider functionsApp = null!;
    private DurableTaskTestHost durable = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        durable = await DurableTaskTestHost.StartAsync(_ => { });
        functionsApp = FunctionsTestApp.Services(local.Prefix, services => services.AddLocalDurableRuntime());
    }

    public async ValueTask DisposeAsync()
    {
        await functionsApp.DisposeAsync();
        await durable.DisposeAsync();
        await local.DisposeAsync();
    }

    [Fact]
    public async Task The_sweep_timer_fires_the_timers_that_fell_due()
    {
        using var api = local.Api();
        var roundId = (await local.LaunchAsync(api, Ct)).GetProperty("roundId").GetString()!;
        await local.DrainAsync(Ct);

        // Both hosts' round clocks pass the first reminders (16 July, 09:00 London) without the
        // development clock's own wake-up: only the sweep can fire them now.
        var app = await functionsApp.GetRequiredService<SignOffWebHost>().ReadyAsync();
        foreach (var clock in new[] { local.Services.GetRequiredService<ManualClock>(), app.Services.GetRequiredService<ManualClock>() })
        {
            clock.Set(new DateTimeOffset(2021, 7, 16, 8, 30, 0, TimeSpan.Zero));
        }

        var fired = await functionsApp.GetRequiredService<WorkflowFunctions>().Sweep(new TimerInfo(), durable.Client, Ct);

        Assert.True(fired >= 2, $"{fired} timer(s) fired"); // the two reminders, and a digest if one fell due too
        await local.DrainAsync(Ct);
        var reminders = (await MailDevInbox.ForRoundAsync(roundId, Ct)).Where(m => m.Subject.StartsWith("Reminder:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reminders.Count);
        Assert.Equal(0, await functionsApp.GetRequiredService<WorkflowFunctions>().Sweep(new TimerInfo(), durable.Client, Ct)); // nothing left due
    }
}
