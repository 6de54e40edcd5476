using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace SignOff.Integration.Tests.Host;

/// <summary>The host's own spans and metrics, heard as an exporter would hear them, carry the round's id.</summary>
public sealed class TelemetryTests
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_launch_traces_its_transition_and_each_effect_and_counts_them()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "SignOff",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var transitions = new ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "SignOff" && instrument.Name == "signoff.round.transitions")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) => transitions.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();

        await using var host = new SignOffFactory();
        using var api = host.Api();
        await host.SetClockAsync("2021-06-01T09:00:00Z", Ct);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(ApiTests.Definition()), "definition", "round.yaml" },
            { new ByteArrayContent(Pdf) { Headers = { ContentType = new("application/pdf") } }, "draft", "draft.pdf" },
        };
        var created = await api.PostAsync("/api/rounds", form, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var roundId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roundId").GetString();
        await host.DrainAsync(Ct);

        var ours = spans.Where(s => (string?)s.GetTagItem("signoff.round_id") == roundId).ToList();
        var start = Assert.Single(ours, s => s.OperationName == "round.transition");
        Assert.Equal("StartRound", start.GetTagItem("signoff.trigger"));
        Assert.Equal("accepted", start.GetTagItem("signoff.outcome"));
        Assert.Contains(ours, s => s.OperationName == "effect.perform" && (string?)s.GetTagItem("signoff.effect") == "invitation");
        Assert.Contains(ours, s => s.OperationName == "effect.perform" && (string?)s.GetTagItem("signoff.effect") == "round.started");
        Assert.Contains(transitions, t => t.Value == 1 && (string?)t.Tags["trigger"] == "StartRound" && (string?)t.Tags["outcome"] == "accepted");
        Assert.NotNull(host.Services.GetService<TracerProvider>());
    }
}
