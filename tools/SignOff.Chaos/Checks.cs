using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Storage;
using SignOff.Storage.Agreements;
using SignOff.Storage.Feed;
using SignOff.Storage.Rounds;
using SignOff.Storage.Webhooks;
using DurableTask.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SignOff.Core.Calendar;
using SignOff.Host.Durable;
using SignOff.Workflow;
using SignOff.Workflow.Effects;

namespace SignOff.Chaos;

/// <summary>One invariant, and every way the run broke it.</summary>
internal sealed record CheckResult(string Name, IReadOnlyList<string> Violations)
{
    public bool Passed => Violations.Count == 0;
}

/// <summary>
/// The invariants, checked against what the API answers, what Azure Tables holds, what MailDev
/// received and what the webhook receiver recorded.
/// </summary>
internal sealed partial class Checks(ChaosOptions options, Load load, WebhookReceiver receiver, RoundClock clock, SignOffClient api)
{
    /// <summary>Round events whose transition publishes exactly one webhook event of a type, about the same partner.</summary>
    /// <remarks><c>partner.call_in_started</c> is left out: a decision recorded after its call-in already ran out publishes none.</remarks>
    private static readonly Dictionary<Type, string> WebhookOf = new()
    {
        [typeof(RoundStarted)] = WebhookEventTypes.RoundStarted,
        [typeof(PartnerInvited)] = WebhookEventTypes.PartnerInvited,
        [typeof(InvitationAcknowledged)] = WebhookEventTypes.PartnerAcknowledged,
        [typeof(DecisionRecorded)] = WebhookEventTypes.PartnerDecided,
        [typeof(ConditionsAccepted)] = WebhookEventTypes.PartnerConditionsAccepted,
        [typeof(ConditionsRejected)] = WebhookEventTypes.PartnerConditionsRejected,
        [typeof(PartnerAuthorised)] = WebhookEventTypes.PartnerAuthorised,
        [typeof(CounterpartReceived)] = WebhookEventTypes.PartnerCounterpartReceived,
        [typeof(DraftRevised)] = WebhookEventTypes.RoundRevised,
        [typeof(PartnerWithdrawn)] = WebhookEventTypes.PartnerWithdrawn,
        [typeof(PartnerRemoved)] = WebhookEventTypes.PartnerRemoved,
        [typeof(OfficerDelegated)] = WebhookEventTypes.PartnerOfficerChanged,
        [typeof(ReminderSent)] = WebhookEventTypes.PartnerReminded,
        [typeof(PartnerEscalated)] = WebhookEventTypes.RoundOverdue,
        [typeof(RoundStalled)] = WebhookEventTypes.RoundStalled,
        [typeof(RoundResumed)] = WebhookEventTypes.RoundResumed,
        [typeof(RoundBecameEffective)] = WebhookEventTypes.AgreementEffective,
        [typeof(RoundCancelled)] = WebhookEventTypes.RoundCancelled,
    };

    private readonly StorageClients storage = new StorageOptions { ConnectionString = options.Storage, Prefix = "chaos" }.CreateClients();
    private readonly Dictionary<string, List<RoundEvent>> events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> gaps = new(StringComparer.Ordinal);

    public Dictionary<string, long> Figures { get; } = new(StringComparer.Ordinal);

    /// <summary>When the host was SIGKILLed, to explain a repeated email.</summary>
    public IReadOnlyList<DateTimeOffset> Kills { get; init; } = [];

    public RoundReadModel Store => new(storage.Rounds);

    private readonly (DurableRoundEngine Rounds, DurableAgreementEngine Agreements) inspectors = Inspectors(options.Storage);

    /// <summary>The task hub the host runs rounds in, read (never worked) from here.</summary>
    private DurableRoundEngine Hub => inspectors.Rounds;

    /// <summary>The same task hub's agreement entities, read (never signalled) from here.</summary>
    private DurableAgreementEngine Register => inspectors.Agreements;

    private static (DurableRoundEngine, DurableAgreementEngine) Inspectors(string connection)
    {
        var storage = new StorageOptions { ConnectionString = connection, Prefix = "chaos" };
        var durable = new DurableOptions();
        var runtime = new LocalDurableRuntime(new ServiceCollection().BuildServiceProvider(), storage, durable, NullLoggerFactory.Instance);
        var tables = storage.CreateClients();
        return (new DurableRoundEngine(runtime, new RoundProcess(BankHolidays.Embedded), new RoundReadModel(tables.Rounds), TimeProvider.System, durable,
                NullLogger<DurableRoundEngine>.Instance),
            new DurableAgreementEngine(runtime, new AgreementProcess(BankHolidays.Embedded), new AgreementReadModel(tables.Agreements), TimeProvider.System, durable,
                NullLogger<DurableAgreementEngine>.Instance));
    }

    /// <summary>Waits until every transition's effects have run and no webhook delivery is pending; false if that did not happen in time.</summary>
    public async Task<(bool Settled, string Left)> SettleAsync(TimeSpan within, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var left = "";
        while (DateTime.UtcNow - started < within)
        {
            var effectsSettled = await Hub.SettleAsync(TimeSpan.FromSeconds(5), ct);
            var pending = 0;
            var webhooks = new WebhookStore(storage.Webhooks);
            foreach (var subscription in await webhooks.ListSubscriptionsAsync(ct))
            {
                pending += (await webhooks.ListDeliveriesAsync(subscription.Id, ct)).Count(d => d.Delivery.Status == DeliveryStatus.Pending);
            }

            // Only once the rounds' effects ran: an agreement opens as an effect of its round's last transition.
            var register = effectsSettled ? await RegisterUnsettledAsync(ct) : "";
            if (effectsSettled && register.Length == 0 && pending == 0)
            {
                return (true, "");
            }

            left = $"{(effectsSettled ? "" : "transitions whose effects have not all run, ")}{register}{pending} pending webhook deliver{(pending == 1 ? "y" : "ies")}";
            await Task.Delay(1000, ct);
        }

        return (false, left);
    }

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken ct)
    {
        var stored = (await Store.ListAsync(null, ct)).Select(r => r.RoundId).Order(StringComparer.Ordinal).ToList();
        foreach (var roundId in stored)
        {
            events[roundId] = await ReadEventsAsync(roundId, ct);
        }

        await ReadRegisterAsync(ct);

        return
        [
            await AcknowledgedAsync(ct),
            Idempotent(stored),
            await ReplayAsync(stored, ct),
            await EmailsAsync(stored, ct),
            await MessageIdsAsync(stored, ct),
            await WebhooksAsync(stored, ct),
            await StuckAsync(stored, ct),
            Clocked(stored),
            await FeedAsync(stored, ct),
            await RegisterAsync(stored, ct),
            await RegisterReplayAsync(ct),
            await NoticesAsync(ct),
            await VariationAsync(stored, ct),
        ];
    }

    /// <summary>Every decision and counterpart that got a 2xx is in the round as the API now shows it.</summary>
    private async Task<CheckResult> AcknowledgedAsync(CancellationToken ct)
    {
        var violations = new List<string>();
        var rounds = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        // The variation round's acts too: it is decided and signed through the same round API.
        foreach (var roundId in load.RoundIds.Append(load.VariationRoundId).OfType<string>())
        {
            var answer = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/api/rounds/{roundId}"), ct);
            if (!answer.Ok)
            {
                violations.Add($"GET /api/rounds/{roundId} answered {answer.Status}");
                continue;
            }

            rounds[roundId] = JsonDocument.Parse(answer.Body).RootElement.Clone();
        }

        long decisions = 0, counterparts = 0;
        foreach (var ack in load.Acks)
        {
            // A notice and a variation's launch are the register's: checked there (NoticesAsync, VariationAsync).
            if (ack.Kind is "notice" or "variation")
            {
                continue;
            }

            if (!rounds.TryGetValue(ack.RoundId, out var round))
            {
                violations.Add($"{ack.RoundId}/{ack.PartnerId}: {ack.Kind} {ack.Key} got a 2xx but the round could not be read");
                continue;
            }

            var partner = round.GetProperty("partners").EnumerateArray().FirstOrDefault(p => p.GetProperty("partnerId").GetString() == ack.PartnerId);
            if (partner.ValueKind != JsonValueKind.Object)
            {
                violations.Add($"{ack.RoundId}/{ack.PartnerId}: the partner is gone from the round");
                continue;
            }

            if (ack.Kind == "decision")
            {
                var d = partner.GetProperty("decision");
                if (d.ValueKind != JsonValueKind.Object || d.GetProperty("outcome").GetString() != "approved" || d.GetProperty("evidence").GetString() != "chaos run"
                    || d.GetProperty("decidedOn").GetString() != "2021-06-01")
                {
                    violations.Add($"{ack.RoundId}/{ack.PartnerId}: decision {ack.Key} got a 2xx (after {ack.Attempts} attempt(s)) but the round shows {d}");
                }
                else
                {
                    decisions++;
                }
            }
            else
            {
                var c = partner.GetProperty("counterpart");
                if (c.ValueKind != JsonValueKind.Object || c.GetProperty("sha256").GetString() != ack.Sha256 || c.GetProperty("signatoryName").GetString() != ack.Signatory)
                {
                    violations.Add($"{ack.RoundId}/{ack.PartnerId}: counterpart {ack.Key} got a 2xx (after {ack.Attempts} attempt(s)) but the round shows {c}");
                }
                else
                {
                    counterparts++;
                }
            }
        }

        Figures["decisions verified"] = decisions;
        Figures["counterparts verified"] = counterparts;
        Figures["rounds effective"] = load.RoundIds.Count(id => rounds.TryGetValue(id, out var r) && r.GetProperty("status").GetString() == "effective");
        Figures["variation acts verified"] = load.Acks.Count(a => a.RoundId == load.VariationRoundId && a.Kind is "decision" or "counterpart")
            - violations.Count(v => load.VariationRoundId is { } varied && v.StartsWith(varied + "/", StringComparison.Ordinal));
        return new CheckResult("every acknowledged decision and counterpart is in the final state", violations);
    }

    /// <summary>Requests sent again with their Idempotency-Key changed nothing: no second round, no refusal.</summary>
    private CheckResult Idempotent(List<string> stored)
    {
        var violations = load.Violations.ToList();
        var launched = load.RoundIds.Append(load.VariationRoundId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var extra in stored.Where(id => !launched.Contains(id)))
        {
            var started = events[extra].OfType<RoundStarted>().FirstOrDefault();
            var same = load.LaunchReplays.FirstOrDefault(r => r.Answered == extra);
            violations.Add($"round {extra} ({started?.Agreement.Reference}) was never launched by this run"
                + (same.Original is { } original ? $": it is the launch of {original} sent again with the same Idempotency-Key" : ""));
        }

        Figures["rounds stored"] = stored.Count;
        return new CheckResult("a request sent again with its Idempotency-Key changes nothing", violations);
    }

    /// <summary>Every round's events, folded from nothing, give exactly its stored snapshot.</summary>
    private async Task<CheckResult> ReplayAsync(List<string> stored, CancellationToken ct)
    {
        var violations = new List<string>();
        long replayed = 0, total = 0;
        foreach (var roundId in stored)
        {
            var snapshot = await Store.LoadAsync(roundId, ct);
            var log = events[roundId];
            total += log.Count;
            if (snapshot is null)
            {
                violations.Add($"{roundId}: listed but has no snapshot");
                continue;
            }

            if (gaps.TryGetValue(roundId, out var gap))
            {
                violations.Add($"{roundId}: {gap}");
                continue;
            }

            if (log.Count != snapshot.EventCount)
            {
                violations.Add($"{roundId}: the snapshot counts {snapshot.EventCount} events, the log holds {log.Count}");
            }

            RoundState? folded = null;
            try
            {
                foreach (var e in log)
                {
                    folded = RoundEvolver.Evolve(folded, e);
                }
            }
            catch (InvalidOperationException ex)
            {
                violations.Add($"{roundId}: the events do not fold: {ex.Message}");
                continue;
            }

            var expected = JsonSerializer.Serialize(snapshot, RoundJson.Options);
            var actual = JsonSerializer.Serialize(folded, RoundJson.Options);

            // The read side's snapshot is a projection of the round entity's state: after the settle they agree.
            if (await Hub.LoadAsync(roundId, ct) is { } truth && JsonSerializer.Serialize(truth, RoundJson.Options) != expected)
            {
                violations.Add($"{roundId}: the read side's snapshot ({snapshot.EventCount} events) is not the round entity's state ({truth.EventCount} events)");
            }

            if (expected != actual)
            {
                var at = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i]);
                Directory.CreateDirectory(options.Logs);
                await File.WriteAllTextAsync(Path.Combine(options.Logs, $"replay-{roundId}-snapshot.json"), expected, ct);
                await File.WriteAllTextAsync(Path.Combine(options.Logs, $"replay-{roundId}-replayed.json"), actual, ct);
                violations.Add($"{roundId}: replaying {log.Count} events differs from the snapshot at character {at}: snapshot …{Around(expected, at)}… replayed …{Around(actual, at)}… (both in {options.Logs})");
                continue;
            }

            replayed++;
        }

        Figures["rounds replayed"] = replayed;
        Figures["events replayed"] = total;
        return new CheckResult("every round's events replay to its snapshot exactly", violations);
    }

    /// <summary>MailDev got each (round, effect, recipient) once, and an email for every send a dispatcher recorded as done.</summary>
    private async Task<CheckResult> EmailsAsync(List<string> stored, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var all = await http.GetFromJsonAsync<JsonElement>($"{options.MailDev}/api/email", ct);
        var mails = all.EnumerateArray().Select(m => (
            Round: Owner(m),
            Effect: Header(m, "x-signoff-effect"),
            To: m.GetProperty("to").EnumerateArray().FirstOrDefault().TryGetProperty("address", out var a) ? a.GetString() ?? "" : "",
            Subject: m.TryGetProperty("subject", out var s) ? s.GetString() ?? "" : "",
            MessageId: Header(m, "message-id"),
            Time: m.TryGetProperty("time", out var t) && t.TryGetDateTimeOffset(out var at) ? at : default)).ToList();
        var violations = new List<string>();
        var duplicates = mails.GroupBy(m => (m.Round, m.Effect, m.To)).Where(g => g.Count() > 1).ToList();
        var resent = 0;
        foreach (var d in duplicates)
        {
            // Each copy but the last is explained by a kill within two seconds after it (MailDev keeps
            // whole seconds): the host died between the SMTP send and recording it done. Nothing else
            // explains a resend — claims' leases run on real time, so moving the clock cannot.
            var copies = d.Select(m => m.Time).Order().ToList();
            var causes = new List<string>();
            for (var i = 0; i + 1 < copies.Count; i++)
            {
                var (at, next) = (copies[i], copies[i + 1]);
                var kill = Kills.FirstOrDefault(k => k >= at && k <= at.AddSeconds(2) && k <= next.AddSeconds(1));
                causes.Add(kill != default ? $"SIGKILL at {kill:HH:mm:ss.fff}" : "");
            }

            var sameId = d.Select(m => m.MessageId).Distinct(StringComparer.Ordinal).Count() == 1;
            var explained = sameId && causes.All(c => c.Length > 0);
            var times = string.Join(", ", copies.Select(t => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture)));
            var why = !sameId ? $"with different Message-IDs, at {times}"
                : explained ? $"same Message-ID, at {times}; before each resend: {string.Join("; ", causes)} (killed between the SMTP send and recording it done)"
                : $"same Message-ID, at {times}; no kill explains {causes.Count(c => c.Length == 0)} of the resends";
            if (explained)
            {
                resent += copies.Count - 1;
            }

            if (!explained || options.StrictEmails)
            {
                violations.Add($"{d.Count()} emails for effect {d.Key.Effect} of {d.Key.Round} to {d.Key.To} (\"{d.First().Subject}\"; {why})");
            }
        }

        // A send recorded done (d:{effect}.{n}) must have reached MailDev: a round's, or the register's (its own ledger).
        var lost = 0;
        foreach (var (owner, ledger, id) in stored.Select(r => (Owner: $"round {r}", Ledger: storage.Rounds, Id: r))
            .Concat(agreementIds.Select(a => (Owner: AgreementOwner(a), Ledger: storage.Agreements, Id: a))))
        {
            var done = await DoneRowsAsync(ledger, id, ct);
            var sends = done.Where(k => k.LastIndexOf('.') is var dot and > 0 && done.Contains(k[..dot])).GroupBy(k => k[..k.LastIndexOf('.')]);
            foreach (var effect in sends)
            {
                var arrived = mails.Where(m => m.Round == owner && m.Effect == effect.Key).Select(m => m.To).Distinct(StringComparer.Ordinal).Count();
                if (arrived < effect.Count())
                {
                    lost++;
                    violations.Add($"{owner}: effect {effect.Key} is recorded as sent to {effect.Count()} recipient(s), MailDev has {arrived}");
                }
            }
        }

        Figures["emails"] = mails.Count;
        Figures["duplicate emails"] = duplicates.Sum(d => d.Count() - 1);
        Figures["emails resent"] = resent;
        Figures["emails lost"] = lost;
        return new CheckResult("no email sent twice, none recorded as sent and missing", violations);
    }

    /// <summary>
    /// A Message-ID belongs to one (round, effect, recipient), as a <c>webhook-id</c> belongs to one
    /// event: receivers deduplicate by them. Effect ids themselves repeat across rounds (a timer's
    /// is built from its purpose, partner and date), which is why both ids carry the round.
    /// </summary>
    private async Task<CheckResult> MessageIdsAsync(List<string> stored, CancellationToken ct)
    {
        var owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (owner, ledger, id) in stored.Select(r => (Owner: $"round {r}", Ledger: storage.Rounds, Id: r))
            .Concat(agreementIds.Select(a => (Owner: AgreementOwner(a), Ledger: storage.Agreements, Id: a))))
        {
            var done = await DoneRowsAsync(ledger, id, ct);
            foreach (var effect in done.Where(k => !(k.LastIndexOf('.') is var dot and > 0 && done.Contains(k[..dot]))))
            {
                if (!owners.TryGetValue(effect, out var rounds))
                {
                    owners[effect] = rounds = [];
                }

                rounds.Add(owner);
            }
        }

        Figures["effects performed"] = owners.Sum(o => o.Value.Count);
        Figures["effect ids shared by rounds"] = owners.Count(o => o.Value.Count > 1);
        Figures["agreement effects performed"] = owners.Sum(o => o.Value.Count(v => v.StartsWith("agreement ", StringComparison.Ordinal)));

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var all = await http.GetFromJsonAsync<JsonElement>($"{options.MailDev}/api/email", ct);
        var violations = all.EnumerateArray()
            .Select(m => (MessageId: Header(m, "message-id"), Send: $"{Owner(m)}/{Header(m, "x-signoff-effect")} to "
                + (m.GetProperty("to").EnumerateArray().FirstOrDefault().TryGetProperty("address", out var a) ? a.GetString() : "")))
            .GroupBy(m => m.MessageId, StringComparer.Ordinal)
            .Select(g => (g.Key, Sends: g.Select(m => m.Send).Distinct(StringComparer.Ordinal).ToList()))
            .Where(g => g.Sends.Count > 1)
            .Select(g => $"Message-ID {g.Key} was used for {g.Sends.Count} different sends ({string.Join(", ", g.Sends.Take(3))})")
            .ToList();
        return new CheckResult("every Message-ID belongs to one round's or agreement's send (and every webhook-id to one event: see below)", violations);
    }

    /// <summary>Signed; one body per webhook-id; every event that notifies subscribers arrived, under one webhook-id; the delivery log is settled.</summary>
    private async Task<CheckResult> WebhooksAsync(List<string> stored, CancellationToken ct)
    {
        var received = receiver.Received.ToList();
        var violations = new List<string>();
        var unsigned = received.Count(r => !r.SignatureValid);
        if (unsigned > 0)
        {
            violations.Add($"{unsigned} webhook request(s) did not verify with the subscription's secret");
        }

        var byId = received.GroupBy(r => r.WebhookId, StringComparer.Ordinal).ToList();
        foreach (var id in byId.Where(g => g.Select(r => r.Body).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            violations.Add($"webhook-id {id.Key} arrived with {id.Select(r => r.Body).Distinct(StringComparer.Ordinal).Count()} different bodies");
        }

        // What arrived, per (type, round, partner), counting each webhook-id once.
        var arrived = byId.Select(g => Describe(g.First().Body)).GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var expected = stored.SelectMany(roundId => events[roundId]
                .Where(e => WebhookOf.ContainsKey(e.GetType()))
                .Select(e => (Type: WebhookOf[e.GetType()], Round: roundId, Partner: PartnerOf(e))))
            .GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var missing = 0;
        var extra = 0;
        foreach (var (key, count) in expected)
        {
            var got = arrived.GetValueOrDefault(key);
            if (got < count)
            {
                missing += count - got;
                violations.Add($"{key.Round}{(key.Partner is null ? "" : "/" + key.Partner)}: {count} event(s) publish {key.Type}, {got} arrived");
            }
        }

        foreach (var (key, count) in arrived.Where(a => WebhookOf.ContainsValue(a.Key.Type)))
        {
            var want = expected.GetValueOrDefault(key);
            if (count > want)
            {
                extra += count - want;
                violations.Add($"{key.Round}{(key.Partner is null ? "" : "/" + key.Partner)}: {count} distinct webhook-ids of {key.Type} arrived for {want} event(s)");
            }
        }

        var webhooks = new WebhookStore(storage.Webhooks);
        var unsettled = 0;
        foreach (var subscription in await webhooks.ListSubscriptionsAsync(ct))
        {
            foreach (var (delivery, attempts) in await webhooks.ListDeliveriesAsync(subscription.Id, ct))
            {
                if (delivery.Status != DeliveryStatus.Delivered)
                {
                    unsettled++;
                    violations.Add($"delivery {delivery.DeliveryId} of {delivery.RoundId} ({delivery.Type}, {delivery.MessageId}) is {delivery.Status} after {attempts.Count} attempt(s)"
                        + $" (created {delivery.CreatedAt:u}, next attempt {delivery.NextAttemptAt:u}, run by {delivery.Runner})"
                        + (delivery.LastError is { } error ? $": {error}" : ""));
                }
            }

            if (subscription.Status != SubscriptionStatus.Active)
            {
                violations.Add($"subscription {subscription.Id} is {subscription.Status}: {subscription.DisabledReason}");
            }
        }

        Figures["webhook deliveries"] = received.Count;
        Figures["distinct webhook ids"] = byId.Count;
        Figures["duplicate deliveries"] = received.Count - byId.Count;
        Figures["webhooks missing"] = missing;
        Figures["webhooks extra"] = extra;
        return new CheckResult("webhooks: signed, one body per id, every event delivered once (retries allowed)", violations);
    }

    /// <summary>
    /// After the final advance and settle: no timer due in the past, every round with a timer has
    /// an alarm waiting to ring, and every transition's effects ran to the end with none given up.
    /// </summary>
    private async Task<CheckResult> StuckAsync(List<string> stored, CancellationToken ct)
    {
        var violations = new List<string>();
        var stuck = new HashSet<string>(StringComparer.Ordinal);
        long alarms = 0, effects = 0;

        // A minute of slack: a timer that fell due during the settle is its alarm's next, not stuck.
        var now = clock.Now - TimeSpan.FromMinutes(1);
        foreach (var roundId in stored)
        {
            var record = await Hub.LoadRecordAsync(roundId, ct);
            if (record is null)
            {
                stuck.Add(roundId);
                violations.Add($"{roundId}: listed on the read side, but its entity holds no round");
                continue;
            }

            foreach (var timer in record.Round.Timers.Where(t => t.DueAt < now))
            {
                stuck.Add(roundId);
                violations.Add($"{roundId}: timer {timer.TimerId} was due at {timer.DueAt:u} and has not fired (clock {now:u}); {ScheduledBy(roundId, timer.TimerId)}");
            }

            if (record.Round.Timers.Count > 0)
            {
                var alarm = record.AlarmAt is { } at ? await Hub.InstanceAsync(WorkflowNames.AlarmInstanceId(roundId, at)) : null;
                if (alarm is not { OrchestrationStatus: OrchestrationStatus.Running or OrchestrationStatus.Pending })
                {
                    stuck.Add(roundId);
                    violations.Add($"{roundId}: {record.Round.Timers.Count} timer(s) pending but no alarm waiting (armed for {record.AlarmAt:u}, {alarm?.OrchestrationStatus.ToString() ?? "no instance"})");
                }
                else
                {
                    alarms++;
                }
            }

            for (var transition = 1L; transition <= record.Transitions; transition++)
            {
                var run = await Hub.InstanceAsync(WorkflowNames.EffectsInstanceId(roundId, transition));
                if (run is not { OrchestrationStatus: OrchestrationStatus.Completed })
                {
                    stuck.Add(roundId);
                    violations.Add($"{roundId}: transition {transition}'s effects are {run?.OrchestrationStatus.ToString() ?? "not started"}{(run?.FailureDetails is { } f ? $": {f.ErrorMessage}" : "")}");
                    continue;
                }

                effects++;
                if (WorkflowJson.Converter.Deserialize<EffectsOutcome>(run.Output) is { Failed.Count: > 0 } outcome)
                {
                    violations.Add($"{roundId}: transition {transition} gave up {outcome.Failed.Count} effect(s): {string.Join(", ", outcome.Failed)}");
                }
            }
        }

        Figures["stuck rounds"] = stuck.Count;
        Figures["alarms waiting"] = alarms;
        Figures["transitions whose effects completed"] = effects;
        return new CheckResult("no round is stuck: no timer overdue, every timer's alarm waiting, every transition's effects done", violations);
    }

    /// <summary>
    /// No event is dated after the furthest the run ever moved the development clock: a restarted
    /// host must not act on real time (years ahead of the round clock) before its clock is set.
    /// </summary>
    private CheckResult Clocked(List<string> stored)
    {
        var limit = clock.Now;
        var violations = new List<string>();
        foreach (var roundId in stored)
        {
            var ahead = events[roundId].Where(e => e.At > limit).ToList();
            if (ahead.Count > 0)
            {
                violations.Add($"{roundId}: {ahead.Count} event(s) dated after the round clock ({limit:u}), e.g. {ahead[0].GetType().Name} at {ahead[0].At:u} by {ahead[0].TriggerId}");
            }
        }

        Figures["events ahead of the clock"] = stored.Sum(r => events[r].Count(e => e.At > limit));
        return new CheckResult("no event is dated after the development clock", violations);
    }

    /// <summary>Which transition scheduled a timer, and when (for a stuck timer's report).</summary>
    private string ScheduledBy(string roundId, string timerId)
    {
        var log = events[roundId];
        var at = log.FindLastIndex(e => e is TimerScheduled t && t.Timer.TimerId == timerId);
        return at < 0 ? "no event scheduled it"
            : $"scheduled by event {at + 1} of {log.Count} ({log[at].TriggerId}, at {log[at].At:u}; the transition before it was {(at == 0 ? "none" : $"{log[at - 1].TriggerId} at {log[at - 1].At:u}")})";
    }

    /// <summary>
    /// The event feed, read from the start as a reconciling system would: positions 1..N with no
    /// gap, no event twice, and each round's whole log in its own order — whatever was killed mid-append.
    /// </summary>
    private async Task<CheckResult> FeedAsync(List<string> stored, CancellationToken ct)
    {
        var violations = new List<string>();
        var feed = new EventFeed(storage.Feed);
        var fed = new List<FeedEntry>();
        for (var after = 0L; ;)
        {
            var page = await feed.ReadAsync(after, 1000, ct);
            fed.AddRange(page.Entries);
            if (!page.More || page.Entries.Count == 0)
            {
                break;
            }

            after = page.Entries[^1].Position;
        }

        var position = 0L;
        foreach (var entry in fed)
        {
            if (entry.Position != ++position)
            {
                violations.Add($"the feed goes from position {position - 1} to {entry.Position}");
                position = entry.Position;
            }
        }

        foreach (var repeated in fed.GroupBy(e => (e.Stream, e.StreamId, e.Event.Sequence)).Where(g => g.Count() > 1))
        {
            violations.Add($"{repeated.Key.StreamId} event {repeated.Key.Sequence} is in the feed {repeated.Count()} times, at {string.Join(", ", repeated.Select(e => e.Position))}");
        }

        var byRound = fed.Where(e => e.Stream == FeedStreams.Round).GroupBy(e => e.StreamId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var roundId in stored)
        {
            var log = events[roundId];
            var ofRound = byRound.GetValueOrDefault(roundId) ?? [];
            var sequences = ofRound.Select(e => e.Event.Sequence).ToList();
            if (!sequences.SequenceEqual(Enumerable.Range(1, log.Count).Select(i => (long)i)))
            {
                var first = Enumerable.Range(0, Math.Max(log.Count, sequences.Count)).First(i => i >= sequences.Count || i >= log.Count || sequences[i] != i + 1);
                violations.Add($"{roundId}: the log holds {log.Count} events, the feed {sequences.Count}, first differing at #{first + 1}");
            }
            else if (!ofRound.Select(e => e.Event.Type).SequenceEqual(log.Select(e => e.GetType().Name)))
            {
                violations.Add($"{roundId}: the feed's event types are not the log's");
            }
        }

        foreach (var stranger in byRound.Keys.Where(id => !stored.Contains(id, StringComparer.Ordinal)))
        {
            violations.Add($"{stranger}: in the feed but not a stored round");
        }

        // The register's stream: each agreement's whole log, in its order, once.
        var byAgreement = fed.Where(e => e.Stream == FeedStreams.Agreement).GroupBy(e => e.StreamId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var agreementId in agreementIds)
        {
            var log = agreementEvents[agreementId];
            var ofAgreement = byAgreement.GetValueOrDefault(agreementId) ?? [];
            var sequences = ofAgreement.Select(e => e.Event.Sequence).ToList();
            if (!sequences.SequenceEqual(Enumerable.Range(1, log.Count).Select(i => (long)i)))
            {
                var first = Enumerable.Range(0, Math.Max(log.Count, sequences.Count)).First(i => i >= sequences.Count || i >= log.Count || sequences[i] != i + 1);
                violations.Add($"agreement {agreementId}: its log holds {log.Count} events, the feed's agreement stream {sequences.Count}, first differing at #{first + 1}");
            }
            else if (!ofAgreement.Select(e => (e.Event.Type, e.Event.TriggerId)).SequenceEqual(log.Select(e => (e.GetType().Name, e.TriggerId))))
            {
                violations.Add($"agreement {agreementId}: the feed's event types or triggers are not the log's");
            }
        }

        foreach (var stranger in byAgreement.Keys.Where(id => !agreementIds.Contains(id, StringComparer.Ordinal)))
        {
            violations.Add($"agreement {stranger}: in the feed but not in the register");
        }

        Figures["feed events"] = fed.Count;
        Figures["feed agreement events"] = byAgreement.Values.Sum(v => v.Count);
        return new CheckResult("the feed holds every round and agreement event exactly once, in each stream's order", violations);
    }

    private async Task<List<RoundEvent>> ReadEventsAsync(string roundId, CancellationToken ct)
    {
        const int page = 500;
        var all = new List<RoundEvent>();
        for (long from = 1; ;)
        {
            var events = await Store.ReadEventsAsync(roundId, from, page, ct);
            foreach (var (sequence, e) in events)
            {
                if (sequence != all.Count + 1)
                {
                    gaps[roundId] = $"event {all.Count + 1} is missing from the log (the next is {sequence})";
                    return all;
                }

                all.Add(e);
            }

            if (events.Count < page)
            {
                return all;
            }

            from = events[^1].Sequence + 1;
        }
    }

    /// <summary>The effect rows (<c>d:…</c>) a round's (or an agreement's) partition holds in state done, without the prefix.</summary>
    private static async Task<HashSet<string>> DoneRowsAsync(TableClient ledger, string id, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {"d:"} and RowKey lt {"d;"}");
        var done = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in ledger.QueryAsync<TableEntity>(filter, select: ["RowKey", "state"], cancellationToken: ct))
        {
            if (row.GetString("state") == "done")
            {
                done.Add(row.RowKey[2..]);
            }
        }

        return done;
    }

    private static (string Type, string Round, string? Partner) Describe(string body)
    {
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        return (json.RootElement.GetProperty("type").GetString()!, data.TryGetProperty("roundId", out var r) ? r.GetString()! : "",
            data.TryGetProperty("partnerId", out var p) ? p.GetString() : null);
    }

    private static string? PartnerOf(RoundEvent e) => e.GetType().GetProperty("PartnerId")?.GetValue(e) as string;

    /// <summary>Whose send an email is: "round {id}", or "agreement {id}" for the register's (an agreement shares its first round's id, so the kind is part of it).</summary>
    private static string Owner(JsonElement mail) =>
        Header(mail, "x-signoff-round") is { Length: > 0 } round ? $"round {round}"
        : Header(mail, "x-signoff-agreement") is { Length: > 0 } agreement ? AgreementOwner(agreement)
        : "";

    private static string AgreementOwner(string agreementId) => $"agreement {agreementId}";

    private static string Header(JsonElement mail, string name) =>
        mail.TryGetProperty("headers", out var h) && h.TryGetProperty(name, out var v) ? v.ToString() : "";

    private static string Around(string text, int at) => text[Math.Max(0, at - 60)..Math.Min(text.Length, at + 60)];

    public static string Format(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
