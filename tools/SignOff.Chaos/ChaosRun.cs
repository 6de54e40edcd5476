using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace SignOff.Chaos;

/// <summary>
/// One run: start the host, launch rounds, load them while a killer SIGKILLs and restarts the
/// host, settle, move the clock 60 days, settle, check.
/// </summary>
internal sealed class ChaosRun(ChaosOptions options)
{
    private readonly Stopwatch elapsed = Stopwatch.StartNew();
    private readonly Stats stats = new();
    private readonly List<DateTimeOffset> killedAt = [];
    private int kills;
    private int restarts;
    private int registerKills;
    private bool variationKilled;
    private TimeSpan downtime;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        Console.WriteLine($"chaos: seed {options.Seed}, {options.Rounds} rounds of {options.Partners} partners, {options.Kills} kills, {options.Workers} workers"
            + $"{(options.Narrowed.Length > 0 ? $", {options.Narrowed}" : "")}; logs in {options.Logs}");
        if (Directory.Exists(options.Logs))
        {
            Directory.Delete(options.Logs, recursive: true);
        }

        Directory.CreateDirectory(options.Logs);
        var clock = new RoundClock(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero));
        await using var gate = StorageGate.Start(options.Storage, options.Gate);
        await using var host = new HostUnderTest(options, gate, clock);
        await using var receiver = await WebhookReceiver.StartAsync();
        using var api = new SignOffClient(host, stats);

        // 1. The host, its clock, the webhook subscription.
        await host.StartAsync(ct);
        restarts++;
        Say($"host up on {host.BaseUrl}, clock {clock.Now:u}; webhook receiver at {receiver.Url}");
        var subscribed = await api.SendAsync(() => SignOffClient.Post("/api/webhooks", JsonContent.Create(new { url = receiver.Url, description = "chaos receiver" }), null), ct);
        if (subscribed.Status != 201)
        {
            throw new InvalidOperationException($"Subscribing the webhook receiver failed: {subscribed.Status} {subscribed.Body}");
        }

        receiver.Secret = JsonDocument.Parse(subscribed.Body).RootElement.GetProperty("secret").GetString();

        // 2. The rounds.
        var progress = 0.0;
        var load = new Load(options, api, clock, host, () => Volatile.Read(ref progress));
        await load.LaunchAsync(ct);
        Say($"launched {load.RoundIds.Count} rounds ({load.Partners.Count} partners, {load.Partners.Count(p => p.Route == "cabinet")} through cabinet with call-in)");

        // 3 and 4. The load, and the killer alongside it.
        var rng = new Random(options.Seed);
        var killer = Task.Run(async () =>
        {
            for (var k = 1; k <= options.Kills; k++)
            {
                // Every other kill waits (within the same 1-5 s) for a decision or counterpart to be in
                // flight and cuts it off a few milliseconds in, so retries with the same key are exercised.
                var window = Stopwatch.StartNew();
                var wait = TimeSpan.FromSeconds(1 + (rng.NextDouble() * 4));
                if (k % 2 == 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    while (window.Elapsed < wait && Interlocked.Read(ref stats.MutationsInFlight) == 0)
                    {
                        await Task.Delay(5, ct);
                    }

                    await Task.Delay(rng.Next(0, 40), ct);
                }
                else
                {
                    await Task.Delay(wait, ct);
                }

                var inFlight = Interlocked.Read(ref stats.InFlight);
                if (inFlight > 0)
                {
                    Interlocked.Increment(ref stats.KillsMidRequest);
                }

                if (Interlocked.Read(ref stats.MutationsInFlight) > 0)
                {
                    Interlocked.Increment(ref stats.KillsMidMutation);
                }

                killedAt.Add(DateTimeOffset.UtcNow);
                var up = host.Kill();
                kills++;
                var down = Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(rng.NextDouble()), ct);
                await host.StartAsync(ct);
                restarts++;
                downtime += down.Elapsed;
                Volatile.Write(ref progress, (double)k / options.Kills);
                Say($"kill {k}/{options.Kills}: SIGKILL at {killedAt[^1]:HH:mm:ss.fff} after {up.TotalSeconds:0.0}s up, {inFlight} request(s) in flight; back in {down.Elapsed.TotalSeconds:0.0}s (clock {clock.Now:u})");
            }

            Volatile.Write(ref progress, 1.0);
        }, ct);
        var workers = Enumerable.Range(0, options.Workers).Select(i => Task.Run(() => load.RunWorkerAsync(i, ct), ct)).ToList();
        await killer;

        // Rounds take effect late (a cabinet's call-in runs to the end of the clock's advances), so
        // the register would see no kill: one more SIGKILL once a round is effective, landing while
        // its agreement opens (the round's effect, the agreement's entity, its read side and feed),
        // one cutting off the notice request in flight, and one as the variation's last counterpart
        // goes in (the request itself, or the round's effect that varies the agreement after it).
        var afterKills = Stopwatch.StartNew();
        while ((!load.Done || (load.VariationLastCounterpartSent && !variationKilled)) && afterKills.Elapsed < TimeSpan.FromSeconds(150) && load.Operations < options.MaxOperations && workers.Any(w => !w.IsCompleted))
        {
            if (!variationKilled && load.VariationLastCounterpartSent)
            {
                await Task.Delay(rng.Next(0, 60), ct);
                var during = load.VariationLastCounterpartAnswered
                    ? "the variation's last counterpart answered, its round's register effect (the agreement's version 2) in flight"
                    : "the variation's last counterpart in flight";
                await KillAndRestartAsync(host, clock, during, ct);
                registerKills++;
                variationKilled = true;
                continue;
            }

            if (registerKills == 0 && !load.EffectiveRounds.IsEmpty)
            {
                await Task.Delay(rng.Next(0, 1500), ct);
                await KillAndRestartAsync(host, clock, "a round just took effect, its agreement opening", ct);
                registerKills++;
            }
            else if (registerKills == 1 && load.NoticeInFlight)
            {
                await Task.Delay(rng.Next(0, 40), ct);
                await KillAndRestartAsync(host, clock, "the notice in flight", ct);
                registerKills++;
            }

            await Task.Delay(registerKills == 1 || (load.VariationRoundId is not null && !variationKilled) ? 5 : 250, ct);
        }

        load.Stopping = true;
        await Task.WhenAll(workers);
        Say($"load stopped: {load.Operations} operations, {load.Acks.Count(a => a.Kind == "decision")} decisions, {load.Acks.Count(a => a.Kind == "counterpart")} counterparts"
            + $", {load.Acks.Count(a => a.Kind == "notice")} notice(s) and {load.Acks.Count(a => a.Kind == "variation")} variation(s) acknowledged; {load.EffectiveRounds.Count} round(s) seen effective"
            + (load.VariationRoundId is { } varied ? $" (variation {varied} of {load.NoticeAgreementId}, {load.VariationPartners.Count(p => p.Counterpart is not null)}/{load.VariationPartners.Count} signed)" : ""));

        // 5. A last restart, settle, sixty days on, settle.
        killedAt.Add(DateTimeOffset.UtcNow);
        host.Kill();
        kills++;
        await host.StartAsync(ct);
        restarts++;
        var checks = new Checks(options, load, receiver, clock, api) { Kills = killedAt };
        var first = await checks.SettleAsync(TimeSpan.FromSeconds(30), ct);
        Say(first.Settled ? "settled" : $"not settled after 30s ({first.Left}); claims and leases left by killed hosts run out two minutes (real time) after they were taken");
        if (!await load.AdvanceAsync(TimeSpan.FromDays(60), ct))
        {
            throw new InvalidOperationException("Moving the clock on 60 days failed.");
        }

        var second = await checks.SettleAsync(TimeSpan.FromSeconds(120), ct);
        Say(second.Settled ? $"60 days on (clock {clock.Now:u}): settled" : $"60 days on (clock {clock.Now:u}): still not settled after 120s ({second.Left})");

        // 6. The checks.
        var results = await checks.RunAsync(ct);
        Print(load, checks, gate, host);
        foreach (var result in results)
        {
            Console.WriteLine($"  [{(result.Passed ? "pass" : "FAIL")}] {result.Name}");
            foreach (var violation in result.Violations.Take(25))
            {
                Console.WriteLine($"         - {violation}");
            }

            if (result.Violations.Count > 25)
            {
                Console.WriteLine($"         - … {result.Violations.Count - 25} more");
            }
        }

        var failed = results.Where(r => !r.Passed).ToList();
        Console.WriteLine();
        Console.WriteLine(failed.Count == 0
            ? "chaos: PASS"
            : $"chaos: FAIL ({string.Join("; ", failed.Select(f => $"{f.Name}: {f.Violations.Count}"))})");
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>A SIGKILL outside the planned sequence, and the restart after it.</summary>
    private async Task KillAndRestartAsync(HostUnderTest host, RoundClock clock, string during, CancellationToken ct)
    {
        var inFlight = Interlocked.Read(ref stats.InFlight);
        killedAt.Add(DateTimeOffset.UtcNow);
        var up = host.Kill();
        kills++;
        var down = Stopwatch.StartNew();
        await host.StartAsync(ct);
        restarts++;
        downtime += down.Elapsed;
        Say($"register kill: SIGKILL at {killedAt[^1]:HH:mm:ss.fff} after {up.TotalSeconds:0.0}s up, during {during}, {inFlight} request(s) in flight; back in {down.Elapsed.TotalSeconds:0.0}s (clock {clock.Now:u})");
    }

    private void Print(Load load, Checks checks, StorageGate gate, HostUnderTest host)
    {
        var f = checks.Figures;
        var retried = load.Acks.Count(a => a.Failures > 0);
        var rows = new (string Name, string Value)[]
        {
            ("kills (SIGKILL)", $"{kills} ({registerKills} during the register's work{(variationKilled ? ", one of them at the variation's last counterpart" : "")}, {Interlocked.Read(ref stats.KillsMidRequest)} with requests in flight, {Interlocked.Read(ref stats.KillsMidMutation)} during a decision or counterpart)"),
            ("restarts", $"{restarts} ({host.FailedStarts} failed starts; {downtime.TotalSeconds:0.0}s down in all; {gate.Held} worker reads held until the clock was set)"),
            ("requests sent", Checks.Format(Interlocked.Read(ref stats.Sent))),
            ("2xx", Checks.Format(Interlocked.Read(ref stats.Ok))),
            ("no answer (killed) / 5xx", $"{Checks.Format(Interlocked.Read(ref stats.NoAnswer))} / {Checks.Format(Interlocked.Read(ref stats.ServerErrors))}"),
            ("retried after kill", $"{retried} acknowledged request(s) needed a retry with the same Idempotency-Key"),
            ("idempotent replays", $"{load.ReplaysOk}/{load.Replays} answered 2xx"),
            ("clock advances", $"{load.Advances} ({load.AdvancesUnanswered} cut off by a kill; {load.TimersFired} timers fired by them)"),
            ("decisions verified", $"{f.GetValueOrDefault("decisions verified")}/{load.Acks.Count(a => a.Kind == "decision")}"),
            ("counterparts verified", $"{f.GetValueOrDefault("counterparts verified")}/{load.Acks.Count(a => a.Kind == "counterpart")}"),
            ("rounds effective", $"{f.GetValueOrDefault("rounds effective")}/{load.RoundIds.Count}"),
            ("rounds stored", $"{f.GetValueOrDefault("rounds stored")} ({load.RoundIds.Count} launched)"),
            ("rounds replayed", $"{f.GetValueOrDefault("rounds replayed")} ({Checks.Format(f.GetValueOrDefault("events replayed"))} events)"),
            ("effects performed", $"{Checks.Format(f.GetValueOrDefault("effects performed"))} ({f.GetValueOrDefault("effect ids shared by rounds")} ids shared by rounds)"),
            ("emails", Checks.Format(f.GetValueOrDefault("emails"))),
            ("duplicate emails", $"{f.GetValueOrDefault("duplicate emails")} ({f.GetValueOrDefault("emails resent")} resent with the same Message-ID after a kill between send and record; "
                + $"{f.GetValueOrDefault("emails lost")} effects with emails lost)"),
            ("webhook deliveries", Checks.Format(f.GetValueOrDefault("webhook deliveries"))),
            ("distinct webhook ids", Checks.Format(f.GetValueOrDefault("distinct webhook ids"))),
            ("duplicate deliveries", $"{f.GetValueOrDefault("duplicate deliveries")} (same webhook-id again: allowed, at least once)"),
            ("webhooks missing / extra", $"{f.GetValueOrDefault("webhooks missing")} / {f.GetValueOrDefault("webhooks extra")}"),
            ("event feed", $"{Checks.Format(f.GetValueOrDefault("feed events"))} events ({Checks.Format(f.GetValueOrDefault("events replayed"))} in the rounds' logs, "
                + $"{Checks.Format(f.GetValueOrDefault("feed agreement events"))} in the agreement stream)"),
            ("agreements opened", $"{f.GetValueOrDefault("agreements opened")} ({f.GetValueOrDefault("agreements")} in the register for {f.GetValueOrDefault("rounds effective")} effective rounds; "
                + $"{f.GetValueOrDefault("agreements replayed")} replayed, {Checks.Format(f.GetValueOrDefault("agreement events replayed"))} events; "
                + $"{f.GetValueOrDefault("agreement transitions whose effects completed")} transitions' effects completed, {f.GetValueOrDefault("agreement effects performed")} effects performed)"),
            ("notices", $"{f.GetValueOrDefault("notices recorded")}/{f.GetValueOrDefault("notices acknowledged")} acknowledged recorded once ({f.GetValueOrDefault("agreement webhooks")} register webhooks)"),
            ("variation", checks.VariationSummary),
            ("events ahead of the clock", Checks.Format(f.GetValueOrDefault("events ahead of the clock"))),
            ("stuck rounds", $"{f.GetValueOrDefault("stuck rounds")} ({f.GetValueOrDefault("alarms waiting")} alarms waiting, {f.GetValueOrDefault("transitions whose effects completed")} transitions' effects completed)"),
            ("elapsed", $"{elapsed.Elapsed.TotalSeconds:0}s"),
        };
        Console.WriteLine();
        var width = rows.Max(r => r.Name.Length);
        foreach (var (name, value) in rows)
        {
            Console.WriteLine($"  {name.PadRight(width)}  {value}");
        }

        Console.WriteLine();
    }

    private void Say(string text) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{elapsed.Elapsed.TotalSeconds,6:0.0}s] {text}"));
}
