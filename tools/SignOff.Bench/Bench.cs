using System.Collections.Concurrent;
using System.Diagnostics;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Durable;
using SignOff.Host.Pages;
using SignOff.Storage.Rounds;
using SignOff.Storage.Webhooks;

namespace SignOff.Bench;

/// <summary>
/// The benchmark: each phase measures one claim against real Azurite and the real Durable Task
/// Framework worker, and the figures are printed beside their targets. Storage requests are
/// counted, not estimated: every request this process sends to Azurite, the task hub's included
/// (<see cref="StorageMeter"/>).
/// </summary>
public sealed class Bench(BenchSettings settings, TextWriter log) : IDisposable
{
    private static readonly string[] DecidedOnly = ["partner.decided"];
    private const int PacedRounds = 10;
    private const int PacedDecisions = 100;
    private const int PacedRate = 10;
    private static readonly DateTimeOffset Launch = new(2021, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DecisionDay = new(2021, 6, 30, 15, 0, 0, TimeSpan.Zero);

    private readonly List<Figure> figures = [];
    private readonly StorageMeter meter = new(settings.Storage);

    public async Task<IReadOnlyList<Figure>> RunAsync(CancellationToken ct)
    {
        var run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        var baseline = await BaselineAsync(run, ct);
        await using (var accounting = await BenchHost.StartAsync(settings, $"a{run}"))
        {
            await accounting.SetClockAsync(Launch);
            await TransactionsAsync(accounting, ct);
            await DigestsAsync(accounting, ct);
        }

        await using (var host = await BenchHost.StartAsync(settings, $"b{run}"))
        {
            await host.SetClockAsync(Launch);
            await StartLargeRoundAsync(host, ct);
            await SustainedAsync(host, baseline, ct);
            await AfterIdleAsync(host, "local settings", ct);
            await IdleAsync(host, $"with the local settings (queues polled at most every {new DurableOptions().MaxQueuePollingInterval.TotalSeconds:0} s when idle)", null, ct);
        }

        await using (var defaults = await BenchHost.StartAsync(settings, $"c{run}", new Dictionary<string, string?> { ["Durable:MaxQueuePollingInterval"] = "00:00:30" }))
        {
            await defaults.SetClockAsync(Launch);
            await defaults.LaunchAsync("IDLE-DEFAULT", 2, ct);
            await defaults.SettleAsync(TimeSpan.FromMinutes(2), ct);
            await AfterIdleAsync(defaults, "Durable Functions' default polling (30 s)", ct);
            await IdleAsync(defaults, "with Durable Functions' default queue polling (at most every 30 s when idle)", null, ct);
        }

        await ProcessAsync(run, ct);
        return figures;
    }

    public void Dispose() => meter.Dispose();

    private void Say(string text) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

    /// <summary>The backend's own rate and latency: a bare counter entity, signalled and read back as SignOff does a round.</summary>
    private async Task<double> BaselineAsync(string run, CancellationToken ct)
    {
        Say($"Baseline: {settings.BaselineOps} bare entity operations (signal → processed) over {settings.Rounds} entities, {settings.Concurrency} at a time…");
        await using var bare = await BareEntity.StartAsync(settings.Storage, $"bare{run}");
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var gates = Enumerable.Range(0, settings.Rounds).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        await bare.IncrementAsync("warm", 1, ct);
        var latencies = new ConcurrentBag<double>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        // The degree of parallelism must be given: Parallel.ForEachAsync's default is the core count.
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Concurrency), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = ct }, async (_, token) =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < settings.BaselineOps)
            {
                // One operation per entity at a time, as one officer's decision per request: the
                // next waits for the entity, as a second officer's would.
                var key = i % settings.Rounds;
                await gates[key].WaitAsync(token);
                try
                {
                    var expected = counts.AddOrUpdate($"e{key}", 1, (_, n) => n + 1);
                    latencies.Add(await bare.IncrementAsync($"e{key}", expected, token));
                }
                finally
                {
                    gates[key].Release();
                }
            }
        });
        var rate = settings.BaselineOps / clock.Elapsed.TotalSeconds;
        figures.Add(new Figure("Baseline: bare entity operations", rate, "ops/s", null, null,
            $"{settings.BaselineOps} signals to a counter entity on the same worker, settings and Azurite, each read back until processed; {settings.Concurrency} in flight over {settings.Rounds} entities"));
        figures.Add(new Figure("Baseline: bare entity operation latency p50 / p99", Report.Percentile([.. latencies], 50), "ms", null, null,
            $"p99 {Report.Percentile([.. latencies], 99):0} ms (signal to the state showing it, under that load)"));
        var paced = new List<double>();
        for (var i = 0; i < PacedDecisions; i++)
        {
            var due = Stopwatch.GetTimestamp();
            paced.Add(await bare.IncrementAsync($"paced{i % PacedRounds}", (i / PacedRounds) + 1, ct));
            var wait = TimeSpan.FromSeconds(1.0 / PacedRate) - Stopwatch.GetElapsedTime(due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }
        }

        figures.Add(new Figure($"Baseline: bare entity operation p99 at {PacedRate}/s", Report.Percentile(paced, 99), "ms", null, null, $"p50 {Report.Percentile(paced, 50):0} ms"));
        return rate;
    }

    /// <summary>Storage requests per decision and per whole round, all in: the task hub's and SignOff's own.</summary>
    private async Task TransactionsAsync(BenchHost host, CancellationToken ct)
    {
        var n = settings.Partners;
        Say($"Accounting: one round of {n} partners, every storage request counted…");
        var receiver = await DecisionReceiver.StartAsync();
        await using var _ = receiver;
        using (var subscribe = await host.Http.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url }, ct))
        {
            subscribe.EnsureSuccessStatusCode();
        }

        // What the worker costs doing nothing, to take out of the figures below.
        await host.LaunchAsync("ACCT-WARM", 1, ct);
        await host.SettleAsync(TimeSpan.FromMinutes(2), ct);
        var idleClock = Stopwatch.StartNew();
        var idleBefore = meter.Now;
        await Task.Delay(TimeSpan.FromSeconds(15), ct);
        var idlePerSecond = (meter.Now - idleBefore).Total / idleClock.Elapsed.TotalSeconds;

        var start = meter.Now;
        var whole = Stopwatch.StartNew();
        var (roundId, partners) = await host.LaunchAsync("ACCT-1", n, ct);
        await host.SettleAsync(TimeSpan.FromMinutes(5), ct);
        var launch = meter.Now - start;
        await host.SetClockAsync(DecisionDay);
        var perDecision = new List<StorageMeter.Counts>();
        var net = new List<double>();
        foreach (var partner in partners)
        {
            var before = meter.Now;
            var clock = Stopwatch.StartNew();
            await host.DecideAsync(roundId, partner, ct);
            await host.SettleAsync(TimeSpan.FromMinutes(2), ct);
            var used = meter.Now - before;
            perDecision.Add(used);
            net.Add(used.Total - (idlePerSecond * clock.Elapsed.TotalSeconds));
        }

        var counterparts = meter.Now;
        foreach (var partner in partners)
        {
            await host.CounterpartAsync(roundId, "ACCT-1", partner, ct);
        }

        await host.SettleAsync(TimeSpan.FromMinutes(5), ct);
        var counterpartCost = meter.Now - counterparts;
        var round = await host.Services.GetRequiredService<DurableRoundEngine>().LoadAsync(roundId, ct);
        if (round?.Status != RoundStatus.Effective)
        {
            throw new InvalidOperationException($"The accounting round did not take effect ({round?.Status}).");
        }

        var total = meter.Now - start;
        var totalNet = total.Total - (idlePerSecond * whole.Elapsed.TotalSeconds);
        figures.Add(new Figure("Storage requests per decision, all in", net.Average(), "", null, null,
            $"mean of {n}, with its emails and webhook, net of the worker's idle polling ({idlePerSecond:0.0}/s); gross {perDecision.Average(c => (double)c.Total):0}: "
            + $"task hub {perDecision.Average(c => (double)c.Backend):0}, SignOff's own {perDecision.Average(c => (double)c.Ours):0} (tables {perDecision.Average(c => (double)c.Table):0}, queues {perDecision.Average(c => (double)c.Queue):0}, blobs {perDecision.Average(c => (double)c.Blob):0})"));
        figures.Add(new Figure($"Storage requests per round of {n} partners, all in", totalNet, "", null, null,
            $"launch, {n} decisions, {n} counterparts and every email and webhook, net of idle polling; gross {total.Total} (task hub {total.Backend}, SignOff's own {total.Ours}); launch {launch.Total}, counterparts {counterpartCost.Total}; per partner {totalNet / n:0}"));
    }

    /// <summary>The digest page's work over many active rounds: read every round from the read side, summarise each.</summary>
    private async Task DigestsAsync(BenchHost host, CancellationToken ct)
    {
        Say($"Digests: recording {settings.DigestRounds} small rounds on the read side, then building every round's digest…");
        var routes = host.Services.GetRequiredService<GovernanceRouteCatalog>();
        var process = new RoundProcess(BankHolidays.Embedded);
        var parsed = RoundDefinitionParser.Parse("""
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
        var readModel = host.Services.GetRequiredService<RoundReadModel>();

        // Written straight to the read side as the effects orchestrations would: the digest reads nothing else.
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.DigestRounds), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            var started = (RoundDecision.Accepted)process.Decide(null, new StartRound($"start-{i}", $"digest-{i:D5}", parsed.Definition!, draft, actor), Launch);
            await readModel.ProjectAsync($"start-{i}", started.State, started.Events, token);
        });
        var timings = new List<double>();
        var count = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var clock = Stopwatch.StartNew();
            var rounds = await CoordinatorPages.LoadAllAsync(readModel, ct);
            var today = new DateOnly(2021, 6, 30);
            count = rounds.Where(r => !r.IsClosed).Select(r => RoundDigest.Of(r, today)).Count();
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }

        var best = timings.Min();
        figures.Add(new Figure($"Digests over {count} active rounds", best, "ms", "< 1 s", best < 1000, $"read every round from the read side + summarise, best of 3 (all: {string.Join(", ", timings.Select(t => $"{t:0}"))} ms)"));
    }

    private async Task StartLargeRoundAsync(BenchHost host, CancellationToken ct)
    {
        Say("Start: a 200-partner round, from upload to every invitation sent…");
        await host.LaunchAsync("WARM", 2, ct);
        await host.SettleAsync(TimeSpan.FromMinutes(2), ct);
        var clock = Stopwatch.StartNew();
        await host.LaunchAsync("BIG-200", 200, ct);
        var answered = clock.Elapsed.TotalMilliseconds;
        await host.SettleAsync(TimeSpan.FromMinutes(5), ct);
        var ms = clock.Elapsed.TotalMilliseconds;
        figures.Add(new Figure("Start a 200-partner round, all invitations sent", ms, "ms", "< 2 s", ms < 2000,
            $"POST /api/rounds answered in {answered:0} ms (the round entity recorded it); then its effects orchestration sent 200 invitations (SMTP to MailDev) and 201 webhook fan-outs"));
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
        Say($"  launched {settings.Rounds + PacedRounds} rounds in {launchClock.Elapsed.TotalSeconds:0.0} s; letting their invitations go out…");
        await host.SettleAsync(TimeSpan.FromMinutes(20), ct);

        using (var subscribe = await host.Http.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = DecidedOnly }, ct))
        {
            subscribe.EnsureSuccessStatusCode();
        }

        await host.SetClockAsync(DecisionDay);
        var work = launched.SelectMany(r => r.Partners.Select(p => (r.RoundId, PartnerId: p))).OrderBy(_ => Random.Shared.Next()).ToArray();
        var latencies = new double[work.Length];
        var answered = new long[work.Length];
        var next = -1;
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
        figures.Add(new Figure("Sustained decisions", rate, "/s", $"≥ 70% of baseline ({baseline * 0.7:0}/s)", rate >= baseline * 0.7,
            $"{work.Length} decisions over {settings.Rounds} rounds in {elapsed.TotalSeconds:0.0} s, {settings.Concurrency} in flight, each answered once its round recorded it"));
        figures.Add(new Figure("Sustained / baseline", rate / baseline * 100, "%", "≥ 70 %", rate >= baseline * 0.7));
        figures.Add(new Figure("Decision latency in the burst p50 / p99", Report.Percentile(latencies, 50), "ms", null, null,
            $"p95 {Report.Percentile(latencies, 95):0} ms, p99 {Report.Percentile(latencies, 99):0} ms: POST to the answer, which waits for the round entity to record it"));

        Say("  waiting for every partner.decided webhook…");
        var deadline = Stopwatch.StartNew();
        while (receiver.Arrivals.Count < work.Length && deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(250, ct);
        }

        var effect = work.Select((w, i) => receiver.Arrivals.TryGetValue($"{w.RoundId}/{w.PartnerId}", out var at) ? Stopwatch.GetElapsedTime(answered[i], at).TotalMilliseconds : double.NaN)
            .Where(d => !double.IsNaN(d)).ToList();
        var missing = work.Length - effect.Count;
        figures.Add(new Figure("Effect latency in the burst p50 / p99", Report.Percentile(effect, 50), "ms", "not starved for minutes", missing == 0 && Report.Percentile(effect, 99) < 60_000,
            $"p99 {Report.Percentile(effect, 99):0} ms: the API's answer to the partner.decided webhook arriving at a local receiver{(missing > 0 ? $"; {missing} never arrived within 10 min" : "")}"));
        await host.SettleAsync(TimeSpan.FromMinutes(20), ct);

        // The same path at a steady rate: what an officer and a partner's system see on an ordinary day.
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
        figures.Add(new Figure($"Decision answered p99 at {PacedRate}/s", d99, "ms", "< 300 ms", d99 < 300,
            $"p50 {Report.Percentile(steadyLatencies, 50):0} ms; POST to the recorded outcome, {steady.Length} decisions at a steady {PacedRate}/s"));
        var s99 = Report.Percentile(steadyEffect, 99);
        figures.Add(new Figure($"Effect latency p99 at {PacedRate}/s", s99, "ms", "< 1 s", steadyMissing == 0 && s99 < 1000,
            $"p50 {Report.Percentile(steadyEffect, 50):0} ms: decision answered to the partner.decided webhook received{(steadyMissing > 0 ? $"; {steadyMissing} never arrived" : "")}"));
        await host.SettleAsync(TimeSpan.FromMinutes(10), ct);
    }

    /// <summary>The first decision after a minute with nothing to do: the queues' polling has backed off.</summary>
    private async Task AfterIdleAsync(BenchHost host, string how, CancellationToken ct)
    {
        Say($"After idle ({how}): one decision after 60 s with nothing to do…");
        await host.SetClockAsync(Launch);
        var (roundId, partners) = await host.LaunchAsync($"IDLE-{Guid.NewGuid():N}"[..12], 2, ct);
        await host.SettleAsync(TimeSpan.FromMinutes(2), ct);
        await host.SetClockAsync(DecisionDay);
        await Task.Delay(TimeSpan.FromSeconds(60), ct);
        var clock = Stopwatch.StartNew();
        await host.DecideAsync(roundId, partners[0], ct);
        var ms = clock.Elapsed.TotalMilliseconds;
        figures.Add(new Figure($"First decision after a minute idle, {how}", ms, "ms", null, null,
            "the worker polls its queues at once while busy and backs off towards the maximum interval when idle: the first signal waits for the next poll"));
        await host.SettleAsync(TimeSpan.FromMinutes(2), ct);
    }

    /// <summary>Storage requests with nothing to do, over a window, extrapolated to an hour.</summary>
    private async Task IdleAsync(BenchHost host, string how, string? target, CancellationToken ct)
    {
        Say($"Idle ({how}): counting storage requests for {settings.IdleSeconds} s with no work…");

        // No work means nothing falling due either: the rounds' own timers (reminders, digests) are
        // work, so the clock goes back to before any of them for the window.
        await host.SetClockAsync(Launch);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var before = meter.Now;
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds), ct);
        var used = meter.Now - before;
        var perHour = used.Total * 3600.0 / settings.IdleSeconds;
        figures.Add(new Figure($"Idle storage requests per hour, {how.Split(" (")[0]}", perHour, "/h", target, null,
            $"{used.Total} in {settings.IdleSeconds} s (tables {used.Table}, queues {used.Queue}, blobs {used.Blob}; SignOff's own {used.Ours}), extrapolated {how}"));
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
        start.Environment["SignOff__ApiKeyHashes__0"] = SignOff.Host.Access.ApiKeyFilter.HashOf(BenchHost.ApiKey);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add(SignOff.Host.Access.ApiKeyFilter.Header, BenchHost.ApiKey);
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
            figures.Add(new Figure("Time to first request", first, "ms", null, null, "process start to the first 200 from /health (includes creating its tables and containers, and the task hub, and starting the Durable Task worker)"));
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

}
