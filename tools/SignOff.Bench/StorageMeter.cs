using System.Diagnostics.Metrics;
using SignOff.Storage;

namespace SignOff.Bench;

/// <summary>Listens to <c>signoff.storage.requests</c> — the pipeline policy on every Azure SDK client — and keeps totals by service.</summary>
public sealed class StorageMeter : IDisposable
{
    private readonly MeterListener listener = new();
    private long table;
    private long queue;
    private long blob;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> byResource = new(StringComparer.Ordinal);

    public StorageMeter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.Name && instrument.Name == "signoff.storage.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? service = null, resource = null, method = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "service": service = tag.Value as string; break;
                    case "resource": resource = tag.Value as string; break;
                    case "method": method = tag.Value as string; break;
                }
            }

            switch (service)
            {
                case "table": Interlocked.Add(ref table, value); break;
                case "queue": Interlocked.Add(ref queue, value); break;
                case "blob": Interlocked.Add(ref blob, value); break;
            }

            byResource.AddOrUpdate($"{method} {service}:{resource}", value, (_, n) => n + value);
        });
        listener.Start();
    }

    public sealed record Counts(long Table, long Queue, long Blob)
    {
        public long Total => Table + Queue + Blob;

        public static Counts operator -(Counts a, Counts b) => new(a.Table - b.Table, a.Queue - b.Queue, a.Blob - b.Blob);
    }

    public Counts Now => new(Interlocked.Read(ref table), Interlocked.Read(ref queue), Interlocked.Read(ref blob));

    /// <summary>Totals so far by method, service and resource (e.g. <c>GET table:b1a2timers</c>).</summary>
    public IReadOnlyDictionary<string, long> ByResource => new Dictionary<string, long>(byResource, StringComparer.Ordinal);

    /// <summary>The busiest resources between two readings of <see cref="ByResource"/>, as one line.</summary>
    public static string Busiest(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, int top = 5) =>
        string.Join(", ", after.Select(a => (a.Key, Count: a.Value - before.GetValueOrDefault(a.Key)))
            .Where(x => x.Count > 0).OrderByDescending(x => x.Count).Take(top).Select(x => $"{x.Key} {x.Count}"));

    public void Dispose() => listener.Dispose();
}
