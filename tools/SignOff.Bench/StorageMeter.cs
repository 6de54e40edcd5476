using System.Diagnostics.Metrics;
using SignOff.Storage;

namespace SignOff.Bench;

/// <summary>
/// Counts every request this process sends to Azurite — the Durable Task Framework's own (the
/// task hub's queues, tables and blobs) and SignOff's — from the .NET HTTP client's own meter,
/// by the port each storage service listens on; and, apart, SignOff's own requests from the
/// pipeline policy on its SDK clients (<c>signoff.storage.requests</c>).
/// </summary>
public sealed class StorageMeter : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Dictionary<int, string> services;
    private long table;
    private long queue;
    private long blob;
    private long ours;

    /// <param name="connectionString">Azurite's connection string: its endpoints say which port is which service.</param>
    public StorageMeter(string connectionString)
    {
        services = new Dictionary<int, string>();
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].EndsWith("Endpoint", StringComparison.Ordinal) && Uri.TryCreate(kv[1], UriKind.Absolute, out var uri))
            {
                services[uri.Port] = kv[0].Replace("Endpoint", "", StringComparison.Ordinal).ToLowerInvariant();
            }
        }

        listener.InstrumentPublished = (instrument, l) =>
        {
            if ((instrument.Meter.Name == "System.Net.Http" && instrument.Name == "http.client.request.duration")
                || (instrument.Meter.Name == Telemetry.Name && instrument.Name == "signoff.storage.requests"))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "server.port" && tag.Value is int port && services.TryGetValue(port, out var service))
                {
                    switch (service)
                    {
                        case "table": Interlocked.Increment(ref table); break;
                        case "queue": Interlocked.Increment(ref queue); break;
                        case "blob": Interlocked.Increment(ref blob); break;
                    }
                }
            }
        });
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref ours, value));
        listener.Start();
    }

    /// <summary>Requests so far, all in, by service; and how many of them were SignOff's own.</summary>
    public sealed record Counts(long Table, long Queue, long Blob, long Ours)
    {
        public long Total => Table + Queue + Blob;

        /// <summary>The task hub's share: the Durable Task Framework's own requests.</summary>
        public long Backend => Total - Ours;

        public static Counts operator -(Counts a, Counts b) => new(a.Table - b.Table, a.Queue - b.Queue, a.Blob - b.Blob, a.Ours - b.Ours);
    }

    public Counts Now => new(Interlocked.Read(ref table), Interlocked.Read(ref queue), Interlocked.Read(ref blob), Interlocked.Read(ref ours));

    public void Dispose() => listener.Dispose();
}
