using System.Collections.Concurrent;
using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using SignOff.Core.Rounds;
using SignOff.Host.Pages;
using SignOff.Host.Webhooks;
using SignOff.Storage;
using SignOff.Storage.Execution;
using SignOff.Storage.Rounds;

namespace SignOff.Bench;

/// <summary>
/// The benchmark: each phase measures one claim against real Azurite, and the figures are
/// printed beside their targets. Storage transactions are counted by the pipeline policy on the
/// SDK clients (<see cref="StorageRequestCounter"/>), not estimated.
/// </summary>
public sealed class Bench(BenchSettings settings, TextWriter log) : IDisposable
{
    private static readonly string[] DecidedOnly = ["partner.decided"];
    private const int PacedRounds = 10;
    private const int PacedDecisions = 100;
    private const int PacedRate = 10;

    private readonly List<Figure> figures = [];
    private readonly StorageMeter meter = new();

    public async Task<IReadOnlyList<Figure>> RunAsync(CancellationToken ct)
    {
        var run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        var baseline = await BaselineAsync(run, ct);
        await using (var accounting = await BenchHost.StartAsync(settings, $"a{run}", runWorkers: false))
        {
            await accounting.SetClockAsync(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero));
            await TransactionsAsync(accounting, ct);
            await DigestsAsync(accounting, ct);
        }

        await using (var host = await BenchHost.StartAsync(settings, $"b{run}", runWorkers: true))
        {
            await host.SetClockAsync(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero));
            await StartLargeRoundAsync(host, ct);
            await SustainedAsync(host, baseline, ct);
            await IdleAsync(host, ct);
        }

        await ProcessAsync(run, ct);
        return figures;
    }

    public void Dispose() => meter.Dispose();

    private void Say(string text) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

    /// <summary>The least storage work one decision needs: a point read and one conditional entity-group write.</summary>
    private async Task<double> BaselineAsync(string run, CancellationToken ct)
    {
        Say($"Baseline: {settings.BaselineOps} point reads + entity-group writes on raw Azurite, {settings.Concurrency} at a time…");
        var table = new TableClient(settings.Storage, $"base{run}");
        await table.CreateIfNotExistsAsync(ct);
        var partitions = Math.Max(settings.Concurrency * 4, 100);
        for (var p = 0; p < partitions; p++)
        {
            await table.UpsertEntityAsync(new TableEntity($"p{p}", "state") { ["n"] = 0 }, cancellationToken: ct);
        }

        var next = -1;
        var clock = Stopwatch.StartNew();
        // The degree of parallelism must be given: Parallel.ForEachAsync's default is the core count.
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Concurrency), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = ct }, async (_, token) =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < settings.BaselineOps)
            {
                var pk = $"p{Random.Shared.Next(partitions)}";
                while (true)
                {
                    var state = (await table.GetEntityAsync<TableEntity>(pk, "state", cancellationToken: token)).Value;
                    state["n"] = (state.GetInt32("n") ?? 0) + 1;
                    try
                    {
                        await table.SubmitTransactionAsync(
                        [
                            new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, state.ETag),
                            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, $"e{i:D9}") { ["event"] = "decided" }),
                        ], token);
                        break;
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status == 412)
                    {
                        // Lost a race on the same partition: read and write again, as the runner does.
                    }
                }
            }
        });
        var rate = settings.BaselineOps / clock.Elapsed.TotalSeconds;
        figures.Add(new Figure("Baseline: raw Azurite read + group write", rate, "ops/s", null, null, $"{settings.BaselineOps} ops, {settings.Concurrency} concurrent, over {partitions} partitions"));
        await table.DeleteAsync(ct);
        return rate;
    }

    /// <summary>Transactions per decision (excluding effects) and per whole round, counted with the workers off and driven by hand.</summary>
    private async Task TransactionsAsync(BenchHost host, CancellationToken ct)
    {
        var n = settings.Partners;
        Say($"Accounting: one round of {n} partners, every storage transaction counted…");
        var workers = host.Services.GetRequiredService<Workers>();
        var webhooks = host.Services.GetRequiredService<WebhookDispatcher>();
        var receiver = await DecisionReceiver.StartAsync();
        await using var _ = receiver;
        using (var subscribe = await host.Http.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url }, ct))
        {
            subscribe.EnsureSuccessStatusCode();
        }

        async Task<long> DrainAsync()
        {
            var before = meter.Now;
            while (await workers.PollEffectsAsync(32, ct) + await webhooks.SweepAsync(100, ct) > 0)
            {
            }

            return (meter.Now - before).Total;
        }

        await DrainAsync();
        var start = meter.Now;
        var (roundId, partners) = await host.LaunchAsync("ACCT-1", n, ct);
        var launch = meter.Now - start;
        var effects = await DrainAsync();
        await host.SetClockAsync(new DateTimeOffset(2021, 6, 30, 15, 0, 0, TimeSpan.Zero));
        var perDecision = new List<StorageMeter.Counts>();
        foreach (var partner in partners)
        {
            var before = meter.Now;
            await host.DecideAsync(roundId, partner, ct);
            perDecision.Add(meter.Now - before);
        }

        effects += await DrainAsync();
        var counterparts = meter.Now;
        foreach (var partner in partners)
        {
            await host.CounterpartAsync(roundId, partner, ct);
        }

        var counterpartCost = meter.Now - counterparts;
        effects += await DrainAsync();
        var round = await host.Services.GetRequiredService<TableRoundStore>().LoadAsync(roundId, ct);
        if (round?.State.Status != RoundStatus.Effective)
        {
            throw new InvalidOperationException($"The accounting round did not take effect ({round?.State.Status}).");
        }

        var total = (meter.Now - start).Total;

        // The same decisions where the host's own workers run (anywhere but the Functions host):
        // effects are handed over in memory, not through the queue.
        var (inProcessRound, inProcessPartners) = await host.LaunchAsync("ACCT-2", n, ct);
        await DrainAsync();
        var handoff = host.Services.GetRequiredService<EffectHandoff>();
        var handedOver = handoff.OpenLocal();
        var perInProcess = new List<StorageMeter.Counts>();
        foreach (var partner in inProcessPartners)
        {
            var before = meter.Now;
            await host.DecideAsync(inProcessRound, partner, ct);
            perInProcess.Add(meter.Now - before);
        }

        handoff.CloseLocal();
        await foreach (var message in handedOver.ReadAllAsync(ct))
        {
            await workers.HandleHandedOverAsync(message, ct);
        }

        await DrainAsync();
        var avg = perDecision.Average(c => (double)c.Total);
        var inProcess = perInProcess.Average(c => (double)c.Total);
        figures.Add(new Figure("Storage transactions per decision (excl. effects)", inProcess, "", "≤ 4", inProcess <= 4,
            $"host running its own workers: mean of {n}; max {perInProcess.Max(c => c.Total)}; table {perInProcess.Average(c => (double)c.Table):0.#}, queue {perInProcess.Average(c => (double)c.Queue):0.#}"));
        figures.Add(new Figure("… under the Functions host (effects queued)", avg, "", "≤ 4", avg <= 4,
            $"mean of {n}; max {perDecision.Max(c => c.Total)}; table {perDecision.Average(c => (double)c.Table):0.#}, queue {perDecision.Average(c => (double)c.Queue):0.#}, blob {perDecision.Average(c => (double)c.Blob):0.#}"));
        figures.Add(new Figure($"Storage transactions per round of {n} partners", total, "", null, null,
            $"launch {launch.Total}, decisions {perDecision.Sum(c => c.Total)}, counterparts {counterpartCost.Total}, effects (emails, webhooks) {effects}; per partner {total / (double)n:0.#}"));
    }

    /// <summary>The digest page's work over many active rounds: load every round, summarise each.</summary>
    private async Task DigestsAsync(BenchHost host, CancellationToken ct)
    {
        Say($"Digests: starting {settings.DigestRounds} small rounds, then building every round's digest…");
        var runner = host.Services.GetRequiredService<RoundRunner>();
        var routes = host.Services.GetRequiredService<SignOff.Core.Definitions.GovernanceRouteCatalog>();
        var parsed = SignOff.Core.Definitions.RoundDefinitionParser.Parse("""
            agreement: { title: Digest bench, reference: DIGEST }
            round: { deadline: 2021-07-30, chairs: [ { name: Chair, email: chair@digest.example } ] }
            coordinator: { name: Office, email: office@digest.example }
            partners:
              - { name: Alpha Council, officer: { name: A, email: a@digest.example }, governance: { route: full-council, meeting: 2021-06-10 } }
              - { name: Beta Council, officer: { name: B, email: b@digest.example }, governance: { route: cabinet } }
              - { name: Gamma Trust, officer: { name: C, email: c@digest.example }, governance: { route: nhs-trust-board } }
            """, new DateOnly(2021, 6, 1), routes);
        var draft = new DocumentRef(new string('d', 64), "draft.pdf", 100, "application/pdf");
        var actor = new Actor("Bench", "bench@digest.example", ActorRole.Coordinator);
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.DigestRounds), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
            await runner.RunAsync($"digest-{i:D5}", new StartRound($"start-{i}", $"digest-{i:D5}", parsed.Definition!, draft, actor), token));
        var store = host.Services.GetRequiredService<TableRoundStore>();
        var timings = new List<double>();
        var count = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var clock = Stopwatch.StartNew();
            var rounds = await CoordinatorPages.LoadAllAsync(store, ct);
            var today = new DateOnly(2021, 6, 30);
            count = rounds.Where(r => !r.IsClosed).Select(r => RoundDigest.Of(r, today)).Count();
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }

        var best = timings.Min();
        figures.Add(new Figure($"Digests over {count} active rounds", best, "ms", "< 1 s", best < 1000, $"load every round + summarise, best of 3 (all: {string.Join(", ", timings.Select(t => $"{t:0}"))} ms)"));
    }

    private async Task StartLargeRoundAsync(BenchHost host, CancellationToken ct)
    {
        Say("Start: a 200-partner round, from upload to every invitation in the outbox…");
        await host.LaunchAsync("WARM", 2, ct);
        var clock = Stopwatch.StartNew();
        await host.LaunchAsync("BIG-200", 200, ct);
        var ms = clock.Elapsed.TotalMilliseconds;
        figures.Add(new Figure("Start a 200-partner round", ms, "ms", "< 2 s", ms < 2000, "POST /api/rounds answered: parsed, decided, committed with 200 invitations in the outbox"));
    }

    private async Task SustainedAsync(BenchHost host, double baseline, CancellationToken ct)
    {
        Say($"Sustained: {settings.Rounds} rounds × {settings.Partners} partners, {settings.Concurrency} decisions in flight…");
        var receiver = await DecisionReceiver.StartAsync();
        await using var _ = receiver;
        var launched = new ConcurrentBag<(string RoundId, IReadOnlyList<string> Partners)>();
        var paced = new ConcurrentBag<(string RoundId, IReadOnlyList<string> Partners)>();
        var launchClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Rounds + PacedRounds), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            (i < settings.Rounds ? launched : paced).Add(await host.LaunchAsync($"LOAD-{i:D4}", settings.Partners, token)));
        Say($"  launched {settings.Rounds} rounds in {launchClock.Elapsed.TotalSeconds:0.0} s; letting their invitations go out…");
        await SettleAsync(host, TimeSpan.FromMinutes(10), ct);

        using (var subscribe = await host.Http.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = DecidedOnly }, ct))
        {
            subscribe.EnsureSuccessStatusCode();
        }

        await host.SetClockAsync(new DateTimeOffset(2021, 6, 30, 15, 0, 0, TimeSpan.Zero));
        var work = launched.SelectMany(r => r.Partners.Select(p => (r.RoundId, PartnerId: p))).OrderBy(_ => Random.Shared.Next()).ToArray();
        var latencies = new double[work.Length];
        var answered = new long[work.Length];
        var next = -1;
        var conflictsBefore = host.Services.GetRequiredService<RoundRunner>().Conflicts;
        var clock = Stopwatch.StartNew();
        // The degree of parallelism must be given: Parallel.ForEachAsync's default is the core count.
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Concurrency), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = ct }, async (_, token) =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < work.Length)
            {
                var started = Stopwatch.GetTimestamp();
                await host.DecideAsync(work[i].RoundId, work[i].PartnerId, token);
                answered[i] = Stopwatch.GetTimestamp();
                latencies[i] = Stopwatch.GetElapsedTime(started, answered[i]).TotalMilliseconds;
            }
        });
        var elapsed = clock.Elapsed;
        var rate = work.Length / elapsed.TotalSeconds;
        var conflicts = host.Services.GetRequiredService<RoundRunner>().Conflicts - conflictsBefore;
        figures.Add(new Figure("Sustained decisions", rate, "/s", $"≥ 70% of baseline ({baseline * 0.7:0}/s)", rate >= baseline * 0.7,
            $"{work.Length} decisions over {settings.Rounds} rounds in {elapsed.TotalSeconds:0.0} s, {settings.Concurrency} in flight, {conflicts} commit conflicts retried"));
        figures.Add(new Figure("Sustained / baseline", rate / baseline * 100, "%", "≥ 70 %", rate >= baseline * 0.7));
        figures.Add(new Figure("Decision latency p50", Report.Percentile(latencies, 50), "ms", null, null, "POST to the API's answer, which follows the commit"));
        figures.Add(new Figure("Decision latency p95", Report.Percentile(latencies, 95), "ms", null, null));
        var p99 = Report.Percentile(latencies, 99);
        figures.Add(new Figure("Decision latency p99", p99, "ms", "< 100 ms", p99 < 100));

        Say("  waiting for every partner.decided webhook…");
        var deadline = Stopwatch.StartNew();
        while (receiver.Arrivals.Count < work.Length && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(250, ct);
        }

        var effect = work.Select((w, i) => receiver.Arrivals.TryGetValue($"{w.RoundId}/{w.PartnerId}", out var at) ? Stopwatch.GetElapsedTime(answered[i], at).TotalMilliseconds : double.NaN)
            .Where(d => !double.IsNaN(d)).ToList();
        var missing = work.Length - effect.Count;
        figures.Add(new Figure("Effect latency p50", Report.Percentile(effect, 50), "ms", null, null,
            $"the API's answer to the partner.decided webhook arriving at a local receiver{(missing > 0 ? $"; {missing} never arrived within 5 min" : "")}"));
        var e99 = Report.Percentile(effect, 99);
        figures.Add(new Figure("Effect latency p99", e99, "ms", "< 500 ms", missing == 0 && e99 < 500,
            "during the burst above (32 decisions in flight without pause): background work gives way to requests (ForegroundWork), so the burst's emails and webhooks queue until it thins, on the one Azurite process"));
        await SettleAsync(host, TimeSpan.FromMinutes(10), ct);

        // The same path at a steady rate the host keeps up with: what a partner's system sees on an ordinary day.
        var steady = paced.SelectMany(r => r.Partners.Select(p => (r.RoundId, PartnerId: p))).Take(PacedDecisions).ToArray();
        var steadyAnswered = new long[steady.Length];
        var steadyLatencies = new double[steady.Length];
        for (var i = 0; i < steady.Length; i++)
        {
            var due = Stopwatch.GetTimestamp();
            await host.DecideAsync(steady[i].RoundId, steady[i].PartnerId, ct);
            steadyAnswered[i] = Stopwatch.GetTimestamp();
            steadyLatencies[i] = Stopwatch.GetElapsedTime(due, steadyAnswered[i]).TotalMilliseconds;
            var wait = TimeSpan.FromSeconds(1.0 / PacedRate) - Stopwatch.GetElapsedTime(due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }
        }

        var steadyDeadline = Stopwatch.StartNew();
        while (steady.Any(w => !receiver.Arrivals.ContainsKey($"{w.RoundId}/{w.PartnerId}")) && steadyDeadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100, ct);
        }

        var steadyEffect = steady.Select((w, i) => receiver.Arrivals.TryGetValue($"{w.RoundId}/{w.PartnerId}", out var at) ? Stopwatch.GetElapsedTime(steadyAnswered[i], at).TotalMilliseconds : double.NaN)
            .Where(d => !double.IsNaN(d)).ToList();
        var steadyMissing = steady.Length - steadyEffect.Count;
        var d99 = Report.Percentile(steadyLatencies, 99);
        figures.Add(new Figure($"Decision latency p99 at {PacedRate} decisions/s", d99, "ms", "< 100 ms", d99 < 100,
            $"p50 {Report.Percentile(steadyLatencies, 50):0} ms; the burst above runs at saturation, where latency is requests in flight ÷ throughput"));
        figures.Add(new Figure($"Effect latency p50 at {PacedRate} decisions/s", Report.Percentile(steadyEffect, 50), "ms", null, null,
            $"{steady.Length} decisions at a steady {PacedRate}/s{(steadyMissing > 0 ? $"; {steadyMissing} never arrived" : "")}"));
        var s99 = Report.Percentile(steadyEffect, 99);
        figures.Add(new Figure($"Effect latency p99 at {PacedRate} decisions/s", s99, "ms", "< 500 ms", steadyMissing == 0 && s99 < 500));
        await SettleAsync(host, TimeSpan.FromMinutes(10), ct);
    }

    /// <summary>Storage transactions with nothing to do, over a window, extrapolated to an hour.</summary>
    private async Task IdleAsync(BenchHost host, CancellationToken ct)
    {
        Say($"Idle: counting storage transactions for {settings.IdleSeconds} s with no work…");

        // No work means nothing falling due either: the rounds' own timers (reminders, digests) are
        // work, so the clock goes back to before any of them for the window.
        await host.SetClockAsync(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero));
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var before = meter.Now;
        var resourcesBefore = meter.ByResource;
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds), ct);
        var used = meter.Now - before;
        var busiest = StorageMeter.Busiest(resourcesBefore, meter.ByResource);
        var perHour = used.Total * 3600.0 / settings.IdleSeconds;
        figures.Add(new Figure("Idle storage transactions per hour", perHour, "/h", "≤ 120", perHour <= 120,
            $"{used.Total} in {settings.IdleSeconds} s (table {used.Table}, queue {used.Queue}, blob {used.Blob}), extrapolated; the 210 rounds stay in storage, none with anything due in the window; production cadence: sweeps every 5 min, idle polls up to every 60 s"
            + (busiest.Length > 0 ? $"; busiest: {busiest}" : "")));
    }

    /// <summary>Memory after warm-up and time to first request, of the real host as a separate process.</summary>
    private async Task ProcessAsync(string run, CancellationToken ct)
    {
        Say("Process: starting the host binary, timing its first answer, warming it up, reading its memory…");
        var dll = Path.Combine(settings.Root, "src", "SignOff.Host", "bin", "Release", "net10.0", "SignOff.Host.dll");
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", Path.GetDirectoryName(dll)!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__ConnectionString"] = settings.Storage;
        start.Environment["Storage__Prefix"] = $"p{run}";
        start.Environment["Mail__SmtpPort"] = settings.SmtpPort;
        start.Environment["Webhooks__SecretKey"] = Convert.ToBase64String(new byte[32]);
        start.Environment["SignOff__ApiKeyHashes__0"] = SignOff.Host.Api.ApiKeyFilter.HashOf(BenchHost.ApiKey);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add(SignOff.Host.Api.ApiKeyFilter.Header, BenchHost.ApiKey);
        try
        {
            while (true)
            {
                try
                {
                    if ((await http.GetAsync("/health", ct)).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(60) || process.HasExited)
                {
                    throw new InvalidOperationException("The host binary did not answer within 60 s.");
                }

                await Task.Delay(20, ct);
            }

            var first = clock.Elapsed.TotalMilliseconds;
            figures.Add(new Figure("Time to first request", first, "ms", null, null, "process start to the first 200 from /health (includes creating its tables, queues and containers)"));
            for (var i = 0; i < 500; i++)
            {
                (await http.GetAsync((i % 3) switch { 0 => "/health/ready", 1 => "/api/rounds", _ => "/openapi/v1.json" }, ct)).Dispose();
            }

            await Task.Delay(1000, ct);
            var rss = File.ReadAllLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kb = double.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            figures.Add(new Figure("Host memory after warm-up", kb / 1024, "MB", null, null, "resident set after 500 requests (health, rounds list, OpenAPI)"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
        }
    }

    /// <summary>Waits until no effects are waiting: the effects queue is empty and so is the outbox index.</summary>
    private static async Task SettleAsync(BenchHost host, TimeSpan limit, CancellationToken ct)
    {
        var clients = host.Services.GetRequiredService<StorageClients>();
        var indexes = host.Services.GetRequiredService<ExecutionIndexes>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var queued = (await clients.Effects.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            var pending = (await indexes.PendingOutboxAsync(DateTimeOffset.MaxValue, 1, ct)).Count > 0
                || (await host.Services.GetRequiredService<SignOff.Storage.Webhooks.WebhookStore>().DueAsync(DateTimeOffset.MaxValue, 1, ct)).Count > 0;
            if (queued == 0 && !pending)
            {
                return;
            }

            await Task.Delay(500, ct);
        }
    }
}
