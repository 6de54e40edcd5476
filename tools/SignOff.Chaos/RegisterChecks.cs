using System.Text.Json;
using Azure.Data.Tables;
using DurableTask.Core;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Storage.Agreements;
using SignOff.Storage.Rounds;
using SignOff.Workflow;
using SignOff.Workflow.Agreements;
using SignOff.Workflow.Effects;

namespace SignOff.Chaos;

/// <summary>
/// The agreement register's invariants: a crash at any point must neither lose nor double what
/// the register records when a round takes effect, nor what a notice given to it records.
/// </summary>
/// <remarks>
/// An agreement opens as an effect of its round's last transition, on an entity of its own, and
/// reaches its read side and the event feed through that entity's own effects: three hops the
/// host can be killed between, each retried, none allowed to count twice.
/// </remarks>
internal sealed partial class Checks
{
    /// <summary>Agreement events whose transition publishes exactly one webhook event of a type, about the same party (or none).</summary>
    private static readonly Dictionary<Type, string> AgreementWebhookOf = new()
    {
        [typeof(AgreementVaried)] = AgreementWebhookTypes.Varied,
        [typeof(PartyJoined)] = AgreementWebhookTypes.PartyJoined,
        [typeof(ReviewRecorded)] = AgreementWebhookTypes.Reviewed,
        [typeof(NoticeGiven)] = AgreementWebhookTypes.NoticeGiven,
        [typeof(PartyExited)] = AgreementWebhookTypes.PartyExited,
    };

    private readonly Dictionary<string, List<AgreementEvent>> agreementEvents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> agreementGaps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgreementRecord> agreementRecords = new(StringComparer.Ordinal);
    private readonly HashSet<string> settledAgreementEffects = new(StringComparer.Ordinal);
    private List<string> agreementIds = [];

    private AgreementReadModel Agreements => new(storage.Agreements);

    /// <summary>
    /// What the register still has to do after the rounds' effects ran, in words ("" when nothing):
    /// every effective round's agreement open on its entity, every agreement transition's effects
    /// (its read side, the feed, its emails and webhooks) run, every read side caught up with its entity.
    /// </summary>
    private async Task<string> RegisterUnsettledAsync(CancellationToken ct)
    {
        var unopened = 0;
        await foreach (var round in Hub.AllRecordsAsync(ct))
        {
            if (round.Round is { Status: RoundStatus.Effective, ChangeOf: null } && await Register.LoadRecordAsync(round.Round.RoundId, ct) is null)
            {
                unopened++;
            }
        }

        var unvaried = 0;
        await foreach (var round in Hub.AllRecordsAsync(ct))
        {
            // A variation takes effect in the register as its round's effect: settled once the agreement holds its version.
            if (round.Round is { Status: RoundStatus.Effective, ChangeOf: { Kind: AgreementChangeKind.Variation } change }
                && await Register.LoadRecordAsync(change.AgreementId, ct) is var varied && varied?.Agreement.Versions.Any(v => v.RoundId == round.Round.RoundId) != true)
            {
                unvaried++;
            }
        }

        var running = 0;
        var lagging = 0;
        await foreach (var record in Register.AllRecordsAsync(ct))
        {
            var agreementId = record.Agreement.AgreementId;
            for (var transition = 1L; transition <= record.Transitions; transition++)
            {
                var id = WorkflowNames.AgreementEffectsInstanceId(agreementId, transition);
                if (settledAgreementEffects.Contains(id))
                {
                    continue;
                }

                if (await Hub.InstanceAsync(id) is { OrchestrationStatus: OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated })
                {
                    settledAgreementEffects.Add(id);
                }
                else
                {
                    running++;
                }
            }

            if (!await Agreements.CatchUpAsync(agreementId, record.EventCount, TimeSpan.Zero, ct))
            {
                lagging++;
            }
        }

        return (unopened > 0 ? $"{unopened} effective round(s) not yet in the register, " : "")
            + (unvaried > 0 ? $"{unvaried} effective variation(s) not yet in their agreement, " : "")
            + (running > 0 ? $"{running} agreement transition(s) whose effects have not all run, " : "")
            + (lagging > 0 ? $"{lagging} agreement(s) whose read side lags its entity, " : "");
    }

    /// <summary>Reads the register as the host left it: the entities, the read side's agreements and each one's log.</summary>
    private async Task ReadRegisterAsync(CancellationToken ct)
    {
        await foreach (var record in Register.AllRecordsAsync(ct))
        {
            agreementRecords[record.Agreement.AgreementId] = record;
        }

        agreementIds = [.. (await Agreements.ListAsync(ct)).Select(a => a.AgreementId).Order(StringComparer.Ordinal)];
        foreach (var agreementId in agreementIds)
        {
            agreementEvents[agreementId] = await ReadAgreementEventsAsync(agreementId, ct);
        }
    }

    /// <summary>
    /// Every effective round is in the register once, as it was signed — an agreement with the
    /// round's id opened by one <see cref="AgreementTookEffect"/>, binding exactly the partners that
    /// signed, on the round's executed document and effective date — and nothing else is.
    /// </summary>
    private async Task<CheckResult> RegisterAsync(List<string> stored, CancellationToken ct)
    {
        var violations = new List<string>();
        var effective = new HashSet<string>(StringComparer.Ordinal);
        long opened = 0;
        foreach (var roundId in stored)
        {
            if (await Store.LoadAsync(roundId, ct) is not { Status: RoundStatus.Effective, ChangeOf: null } round)
            {
                continue;
            }

            effective.Add(roundId);
            var becameEffective = events[roundId].OfType<RoundBecameEffective>().Count();
            if (becameEffective != 1)
            {
                violations.Add($"round {roundId}: {becameEffective} RoundBecameEffective events");
            }

            if (!agreementRecords.TryGetValue(roundId, out var record))
            {
                violations.Add($"round {roundId} is effective (on {round.EffectiveOn:yyyy-MM-dd}) but no agreement entity holds it");
                continue;
            }

            if (!agreementEvents.TryGetValue(roundId, out var log) || await Agreements.LoadAsync(roundId, ct) is not { } snapshot)
            {
                violations.Add($"round {roundId} is effective and its agreement entity is open, but the register's read side has no agreement {roundId}");
                continue;
            }

            var openings = log.OfType<AgreementTookEffect>().ToList();
            if (openings.Count != 1 || log[0] is not AgreementTookEffect opening)
            {
                violations.Add($"agreement {roundId}: opened by {openings.Count} AgreementTookEffect event(s){(log.Count > 0 && log[0] is not AgreementTookEffect ? $", and its first event is {log[0].GetType().Name}" : "")}");
                continue;
            }

            opened++;
            var signed = round.RemainingPartners.Where(p => p.Status == PartnerStatus.Signed).Select(p => (p.PartnerId, p.Name)).Order().ToList();
            var unsigned = round.RemainingPartners.Where(p => p.Status != PartnerStatus.Signed).Select(p => p.PartnerId).ToList();
            if (unsigned.Count > 0)
            {
                violations.Add($"round {roundId} is effective with remaining partners that have not signed: {string.Join(", ", unsigned)}");
            }

            Compare(violations, $"agreement {roundId}: its opening's parties", signed, opening.Parties.Select(p => (p.PartyId, p.Name)).Order().ToList());
            Compare(violations, $"agreement {roundId}: the parties the round bound",
                signed, snapshot.Parties.Where(p => p.JoinedBy == roundId).Select(p => (p.PartyId, p.Name)).Order().ToList());
            var version = snapshot.Versions[0];
            if (opening.AgreementId != roundId || snapshot.AgreementId != roundId)
            {
                violations.Add($"agreement {roundId}: its opening names agreement {opening.AgreementId}, its snapshot {snapshot.AgreementId}");
            }

            if (version.Number != 1 || version.RoundId != roundId || version.Document != round.CurrentVersion.Document || version.EffectiveOn != round.EffectiveOn)
            {
                violations.Add($"agreement {roundId}: version 1 is {Json(version)}; the round executed {Json(round.CurrentVersion.Document)} (version {round.CurrentVersion.Number}), effective on {round.EffectiveOn:yyyy-MM-dd}");
            }

            if (snapshot.Parties.Where(p => p.JoinedBy == roundId).FirstOrDefault(p => p.JoinedOn != round.EffectiveOn) is { } late)
            {
                violations.Add($"agreement {roundId}: party {late.PartyId} joined on {late.JoinedOn:yyyy-MM-dd}, the round took effect on {round.EffectiveOn:yyyy-MM-dd}");
            }

            if (snapshot.Agreement != round.Agreement)
            {
                violations.Add($"agreement {roundId}: registered as {Json(snapshot.Agreement)}, the round is {Json(round.Agreement)}");
            }
        }

        // Nothing in the register (entities, read side, the API's list) that no effective round made.
        var listed = await ListedAsync(violations, ct);
        foreach (var (where, ids) in new[] { ("an agreement entity", agreementRecords.Keys.ToList()), ("the register's read side", agreementIds), ("GET /api/agreements", listed) })
        {
            foreach (var stranger in ids.Where(id => !effective.Contains(id)))
            {
                violations.Add($"{where} holds agreement {stranger}, whose round is {(stored.Contains(stranger, StringComparer.Ordinal) ? "not effective" : "not stored")}");
            }

            if (ids.Count != ids.Distinct(StringComparer.Ordinal).Count())
            {
                violations.Add($"{where} lists an agreement more than once: {string.Join(", ", ids.GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))}");
            }

            foreach (var missing in effective.Where(id => !ids.Contains(id, StringComparer.Ordinal)))
            {
                violations.Add($"{where} lacks agreement {missing}, whose round is effective");
            }
        }

        if (effective.Count > 0 && opened == 0)
        {
            violations.Add($"{effective.Count} round(s) effective but no agreement opened");
        }

        Figures["agreements opened"] = opened;
        Figures["agreements"] = agreementIds.Count;
        return new CheckResult("every effective round is in the register once, as signed (parties, document, date), and nothing else is", violations);
    }

    /// <summary>
    /// Every agreement's events, folded from nothing, give its read side's snapshot and its entity's
    /// state; no sequence is missing; its transitions' effects all ran; no timer of it is overdue.
    /// </summary>
    private async Task<CheckResult> RegisterReplayAsync(CancellationToken ct)
    {
        var violations = new List<string>();
        long replayed = 0, total = 0, effects = 0;
        var now = clock.Now - TimeSpan.FromMinutes(1);
        foreach (var agreementId in agreementIds)
        {
            var log = agreementEvents[agreementId];
            total += log.Count;
            var snapshot = await Agreements.LoadAsync(agreementId, ct);
            if (snapshot is null)
            {
                violations.Add($"agreement {agreementId}: listed but has no snapshot");
                continue;
            }

            if (agreementGaps.TryGetValue(agreementId, out var gap))
            {
                violations.Add($"agreement {agreementId}: {gap}");
                continue;
            }

            var counted = await RecordedEventCountAsync(agreementId, ct);
            if (counted != log.Count)
            {
                violations.Add($"agreement {agreementId}: the snapshot counts {counted} events, the log holds {log.Count}");
            }

            AgreementState? folded = null;
            try
            {
                foreach (var e in log)
                {
                    folded = AgreementEvolver.Evolve(folded, e);
                }
            }
            catch (InvalidOperationException ex)
            {
                violations.Add($"agreement {agreementId}: the events do not fold: {ex.Message}");
                continue;
            }

            var expected = JsonSerializer.Serialize(snapshot, RoundJson.Options);
            var actual = JsonSerializer.Serialize(folded, RoundJson.Options);
            if (agreementRecords.TryGetValue(agreementId, out var record))
            {
                if (JsonSerializer.Serialize(record.Agreement, RoundJson.Options) != expected || record.EventCount != log.Count)
                {
                    violations.Add($"agreement {agreementId}: the read side's snapshot ({log.Count} events) is not the agreement entity's state ({record.EventCount} events)");
                }

                for (var transition = 1L; transition <= record.Transitions; transition++)
                {
                    var run = await Hub.InstanceAsync(WorkflowNames.AgreementEffectsInstanceId(agreementId, transition));
                    if (run is not { OrchestrationStatus: OrchestrationStatus.Completed })
                    {
                        violations.Add($"agreement {agreementId}: transition {transition}'s effects are {run?.OrchestrationStatus.ToString() ?? "not started"}{(run?.FailureDetails is { } f ? $": {f.ErrorMessage}" : "")}");
                        continue;
                    }

                    effects++;
                    if (WorkflowJson.Converter.Deserialize<EffectsOutcome>(run.Output) is { Failed.Count: > 0 } outcome)
                    {
                        violations.Add($"agreement {agreementId}: transition {transition} gave up {outcome.Failed.Count} effect(s): {string.Join(", ", outcome.Failed)}");
                    }
                }

                foreach (var timer in record.Agreement.Timers.Where(t => t.DueAt < now))
                {
                    violations.Add($"agreement {agreementId}: timer {timer.TimerId} was due at {timer.DueAt:u} and has not fired (clock {now:u})");
                }
            }
            else
            {
                violations.Add($"agreement {agreementId}: on the read side but no agreement entity holds it");
            }

            if (expected != actual)
            {
                var at = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i]);
                Directory.CreateDirectory(options.Logs);
                await File.WriteAllTextAsync(Path.Combine(options.Logs, $"replay-agreement-{agreementId}-snapshot.json"), expected, ct);
                await File.WriteAllTextAsync(Path.Combine(options.Logs, $"replay-agreement-{agreementId}-replayed.json"), actual, ct);
                violations.Add($"agreement {agreementId}: replaying {log.Count} events differs from the snapshot at character {at}: snapshot …{Around(expected, at)}… replayed …{Around(actual, at)}… (both in {options.Logs})");
                continue;
            }

            replayed++;
        }

        Figures["agreements replayed"] = replayed;
        Figures["agreement events replayed"] = total;
        Figures["agreement transitions whose effects completed"] = effects;
        return new CheckResult("every agreement's events replay to its snapshot and entity exactly, with no gap; its effects ran, no timer overdue", violations);
    }

    /// <summary>
    /// Every notice that got a 2xx is in its agreement once (one <see cref="NoticeGiven"/> for the
    /// party, none unasked for), and the register's webhooks arrived once per event that publishes one.
    /// </summary>
    private Task<CheckResult> NoticesAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var violations = new List<string>();
        var acked = load.Acks.Where(a => a.Kind == "notice").ToList();
        long recorded = 0;
        foreach (var ack in acked)
        {
            if (!agreementEvents.TryGetValue(ack.RoundId, out var log))
            {
                violations.Add($"notice {ack.Key} for {ack.RoundId}/{ack.PartnerId} got a 2xx (after {ack.Attempts} attempt(s)) but the register has no agreement {ack.RoundId}");
                continue;
            }

            var given = log.OfType<NoticeGiven>().Where(n => n.PartyId == ack.PartnerId).ToList();
            var party = agreementRecords.GetValueOrDefault(ack.RoundId)?.Agreement.FindParty(ack.PartnerId);
            if (given.Count != 1)
            {
                violations.Add($"notice {ack.Key} for {ack.RoundId}/{ack.PartnerId} got a 2xx (after {ack.Attempts} attempt(s)); the agreement records {given.Count} NoticeGiven for the party");
            }
            else if (party is not { Status: PartyStatus.OnNotice or PartyStatus.Exited, Notice: { } notice } || notice.GivenOn != given[0].GivenOn)
            {
                violations.Add($"notice {ack.Key} for {ack.RoundId}/{ack.PartnerId} is recorded, but the party now stands as {Json(party)}");
            }
            else
            {
                recorded++;
                // Bound to the last day of its notice, it leaves the day after: once, and not before (a minute of slack for the settle).
                var exits = log.OfType<PartyExited>().Count(x => x.PartyId == ack.PartnerId);
                var leftBy = LondonTime.DateOf(clock.Now - TimeSpan.FromMinutes(1)) > notice.EndsOn;
                if (exits > 1 || (leftBy && exits != 1))
                {
                    violations.Add($"{ack.RoundId}/{ack.PartnerId}: bound until {notice.EndsOn:yyyy-MM-dd}, {exits} PartyExited event(s) by {clock.Now:u}");
                }
            }
        }

        var unasked = agreementEvents.SelectMany(a => a.Value.OfType<NoticeGiven>().Select(n => (Agreement: a.Key, n.PartyId)))
            .Where(n => !acked.Any(a => a.RoundId == n.Agreement && a.PartnerId == n.PartyId)).ToList();
        foreach (var (agreement, partyId) in unasked)
        {
            violations.Add($"agreement {agreement}: a notice for {partyId} that no acknowledged request gave (a notice whose answer was lost is retried until it gets one)");
        }

        // The register's webhooks, per (type, agreement, party), counting each webhook-id once.
        var arrived = receiver.Received.GroupBy(r => r.WebhookId, StringComparer.Ordinal).Select(g => DescribeAgreement(g.First().Body))
            .Where(d => AgreementWebhookOf.ContainsValue(d.Type)).GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
        var expected = agreementEvents.SelectMany(a => a.Value.Where(e => AgreementWebhookOf.ContainsKey(e.GetType()))
                .Select(e => (Type: AgreementWebhookOf[e.GetType()], Agreement: a.Key, Party: e.GetType().GetProperty("PartyId")?.GetValue(e) as string
                    ?? (e as PartyJoined)?.Party.PartyId)))
            .GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        foreach (var key in expected.Keys.Union(arrived.Keys))
        {
            var (want, got) = (expected.GetValueOrDefault(key), arrived.GetValueOrDefault(key));
            if (want != got)
            {
                violations.Add($"agreement {key.Agreement}{(key.Party is null ? "" : "/" + key.Party)}: {want} event(s) publish {key.Type}, {got} distinct webhook-id(s) arrived");
            }
        }

        Figures["notices acknowledged"] = acked.Count;
        Figures["notices recorded"] = recorded;
        Figures["agreement webhooks"] = arrived.Values.Sum();
        return Task.FromResult(new CheckResult("every acknowledged notice is recorded once, none unasked; the register's webhooks arrived once per event", violations));
    }

    /// <summary>What the variation check found, for the summary.</summary>
    public string VariationSummary { get; private set; } = "none launched";

    /// <summary>
    /// The variation launched under kills is one round (no second one from a retried launch),
    /// effective, sent to exactly the parties bound when it was launched (one on notice among them),
    /// all of whom signed; its agreement records it once — one <see cref="AgreementVaried"/>,
    /// versions 1 and 2, version 2 the round's executed document on the round's effective date —
    /// and the API shows that; no other agreement was varied.
    /// </summary>
    private async Task<CheckResult> VariationAsync(List<string> stored, CancellationToken ct)
    {
        var violations = new List<string>();
        var variations = new List<RoundState>();
        foreach (var roundId in stored)
        {
            if (await Store.LoadAsync(roundId, ct) is { ChangeOf.Kind: AgreementChangeKind.Variation } round)
            {
                variations.Add(round);
            }
        }

        var ack = load.Acks.FirstOrDefault(a => a.Kind == "variation");
        foreach (var stranger in variations.Where(r => r.RoundId != load.VariationRoundId))
        {
            violations.Add($"variation round {stranger.RoundId} of {stranger.ChangeOf!.AgreementId} is stored, but the run's one variation is {load.VariationRoundId ?? "(none acknowledged)"}"
                + (ack is { Failures: > 0 } ? $" (its launch was sent {ack.Attempts} times with the same Idempotency-Key)" : ""));
        }

        foreach (var (other, itsLog) in agreementEvents.Where(a => a.Key != load.NoticeAgreementId || load.VariationRoundId is null))
        {
            if (itsLog.OfType<AgreementVaried>().Any())
            {
                violations.Add($"agreement {other}: {itsLog.OfType<AgreementVaried>().Count()} AgreementVaried event(s), but the run varied no such agreement");
            }
        }

        if (ack is null || load.VariationRoundId is not { } variedId || load.NoticeAgreementId is not { } agreementId)
        {
            if (!load.EffectiveRounds.IsEmpty)
            {
                violations.Add("a round took effect, but no variation of its agreement was acknowledged (the load gives up after 150 s past the planned kills)");
            }

            VariationSummary = "none launched";
            return new CheckResult("the variation is one round, effective, signed by every party bound, and its agreement's version 2 once", violations);
        }

        var varied = variations.Find(r => r.RoundId == variedId);
        if (varied is null)
        {
            violations.Add($"the variation of {agreementId} got a 201 with round {variedId} (after {ack.Attempts} attempt(s)), but no such variation round is stored");
            return new CheckResult("the variation is one round, effective, signed by every party bound, and its agreement's version 2 once", violations);
        }

        if (varied.ChangeOf!.AgreementId != agreementId || varied.ChangeOf.BaseVersion != 1)
        {
            violations.Add($"variation {variedId} changes {varied.ChangeOf.AgreementId} from version {varied.ChangeOf.BaseVersion}; it was launched on {agreementId}, version 1");
        }

        if (varied.CurrentVersion.Document.Sha256 != ack.Sha256)
        {
            violations.Add($"variation {variedId} circulates {varied.CurrentVersion.Document.Sha256}, the draft sent was {ack.Sha256}");
        }

        var becameEffective = events[variedId].OfType<RoundBecameEffective>().Count();
        if (varied.Status != RoundStatus.Effective || becameEffective != 1)
        {
            violations.Add($"variation {variedId} is {varied.Status} with {becameEffective} RoundBecameEffective event(s); its partners as the load left them: {string.Join(", ", load.VariationPartners.Select(p => $"{p.PartnerId} {(p.Counterpart is null ? "unsigned" : "signed")}"))}");
        }

        var unsigned = varied.RemainingPartners.Where(p => p.Status != PartnerStatus.Signed).Select(p => p.PartnerId).ToList();
        if (unsigned.Count > 0)
        {
            violations.Add($"variation {variedId}: partners that have not signed: {string.Join(", ", unsigned)}");
        }

        var snapshot = agreementRecords.GetValueOrDefault(agreementId)?.Agreement;
        var log = agreementEvents.GetValueOrDefault(agreementId) ?? [];
        if (snapshot is null)
        {
            violations.Add($"variation {variedId}: its agreement {agreementId} is not in the register");
            return new CheckResult("the variation is one round, effective, signed by every party bound, and its agreement's version 2 once", violations);
        }

        // Its partners are the parties bound the day it went round: one on notice still is (and signs); one already gone is not asked.
        var boundThen = snapshot.Parties.Where(p => p.JoinedOn <= varied.LaunchedOn && (p.ExitedOn is null || p.ExitedOn > varied.LaunchedOn)).Select(p => p.PartyId).Order(StringComparer.Ordinal).ToList();
        var asked = varied.Partners.Select(p => p.PartnerId).Order(StringComparer.Ordinal).ToList();
        if (!asked.SequenceEqual(boundThen) || !asked.SequenceEqual(load.VariationLaunchedWith.Order(StringComparer.Ordinal)))
        {
            violations.Add($"variation {variedId} asks [{string.Join(", ", asked)}] (its 201 showed [{string.Join(", ", load.VariationLaunchedWith)}]); the parties bound on {varied.LaunchedOn:yyyy-MM-dd} were [{string.Join(", ", boundThen)}]");
        }

        var onNotice = snapshot.Parties.Where(p => p.Notice is { } n && n.GivenOn <= varied.LaunchedOn && asked.Contains(p.PartyId)).Select(p => p.PartyId).ToList();
        var variedEvents = log.OfType<AgreementVaried>().ToList();
        if (variedEvents.Count != 1 || variedEvents[0].Version is not { Number: 2 } version || version.RoundId != variedId)
        {
            violations.Add($"agreement {agreementId}: {variedEvents.Count} AgreementVaried event(s) ({string.Join(", ", variedEvents.Select(e => $"version {e.Version.Number} by {e.Version.RoundId}"))}); the run's one variation is {variedId}");
        }

        var numbers = snapshot.Versions.Select(v => v.Number).ToList();
        if (!numbers.SequenceEqual([1, 2]) || snapshot.Current.RoundId != variedId)
        {
            violations.Add($"agreement {agreementId}: versions [{string.Join(", ", numbers)}], the one in force by {snapshot.Current.RoundId}; the variation {variedId} makes [1, 2]");
        }
        else if (snapshot.Versions[1].Document != varied.CurrentVersion.Document || snapshot.Versions[1].EffectiveOn != varied.EffectiveOn)
        {
            violations.Add($"agreement {agreementId}: version 2 is {Json(snapshot.Versions[1])}; the variation executed {Json(varied.CurrentVersion.Document)}, effective on {varied.EffectiveOn:yyyy-MM-dd}");
        }

        // As the API shows it to another system.
        var answer = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/api/agreements/{agreementId}"), ct);
        if (!answer.Ok)
        {
            violations.Add($"GET /api/agreements/{agreementId} answered {answer.Status}");
        }
        else
        {
            using var json = JsonDocument.Parse(answer.Body);
            var shown = json.RootElement;
            var shownVersions = shown.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()).ToList();
            var shownVaried = shown.GetProperty("history").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "AgreementVaried");
            if (shown.GetProperty("version").GetProperty("number").GetInt32() != 2 || !shownVersions.SequenceEqual([1, 2]) || shownVaried != 1
                || shown.GetProperty("version").GetProperty("sha256").GetString() != varied.CurrentVersion.Document.Sha256)
            {
                violations.Add($"GET /api/agreements/{agreementId} shows version {shown.GetProperty("version")}, versions [{string.Join(", ", shownVersions)}], {shownVaried} AgreementVaried in its history");
            }
        }

        VariationSummary = $"version {snapshot.Current.Number} in force (by round {snapshot.Current.RoundId}, effective {snapshot.Current.EffectiveOn:yyyy-MM-dd}), {variedEvents.Count} AgreementVaried, "
            + $"{variations.Count} variation round(s) stored ({variedId}, {varied.Status}); "
            + $"{varied.RemainingPartners.Count(p => p.Status == PartnerStatus.Signed)}/{asked.Count} parties signed ({onNotice.Count} on notice), "
            + $"{Figures.GetValueOrDefault("variation acts verified")} acknowledged acts verified, launch took {ack.Attempts} attempt(s)";
        return new CheckResult("the variation is one round, effective, signed by every party bound, and its agreement's version 2 once", violations);
    }

    /// <summary>GET /api/agreements: the agreement ids the API lists.</summary>
    private async Task<List<string>> ListedAsync(List<string> violations, CancellationToken ct)
    {
        var answer = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "/api/agreements"), ct);
        if (!answer.Ok)
        {
            violations.Add($"GET /api/agreements answered {answer.Status}");
            return [];
        }

        using var json = JsonDocument.Parse(answer.Body);
        return [.. json.RootElement.EnumerateArray().Select(a => a.GetProperty("agreementId").GetString()!)];
    }

    /// <summary>The event count the read side's snapshot row was written with.</summary>
    private async Task<long> RecordedEventCountAsync(string agreementId, CancellationToken ct)
    {
        var head = await storage.Agreements.GetEntityIfExistsAsync<TableEntity>(agreementId, "state", select: ["eventCount"], cancellationToken: ct);
        return head.HasValue && head.Value is { } row ? row.GetInt64("eventCount") ?? 0 : -1;
    }

    private async Task<List<AgreementEvent>> ReadAgreementEventsAsync(string agreementId, CancellationToken ct)
    {
        const int page = 500;
        var all = new List<AgreementEvent>();
        for (long from = 1; ;)
        {
            var read = await Agreements.ReadEventsAsync(agreementId, from, page, ct);
            foreach (var (sequence, e) in read)
            {
                if (sequence != all.Count + 1)
                {
                    agreementGaps[agreementId] = $"event {all.Count + 1} is missing from the log (the next is {sequence})";
                    return all;
                }

                all.Add(e);
            }

            // The read side stops at the first sequence it lacks: a later row past it is a gap too.
            if (read.Count < page)
            {
                if (await LastRecordedSequenceAsync(agreementId, ct) is var last && last > all.Count)
                {
                    agreementGaps[agreementId] = $"event {all.Count + 1} is missing from the log (events up to {last} are recorded)";
                }

                return all;
            }

            from = read[^1].Sequence + 1;
        }
    }

    /// <summary>The highest sequence any of the agreement's event rows holds (rows <c>e:{first sequence}</c>, each a transition's events).</summary>
    private async Task<long> LastRecordedSequenceAsync(string agreementId, CancellationToken ct)
    {
        var counted = await RecordedEventCountAsync(agreementId, ct);
        var last = 0L;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {agreementId} and RowKey ge {"e:"} and RowKey lt {"e;"}");
        await foreach (var row in storage.Agreements.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
        {
            if (long.TryParse(row.RowKey[2..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var first))
            {
                last = Math.Max(last, first);
            }
        }

        return Math.Max(last, counted);
    }

    private static void Compare(List<string> violations, string what, List<(string Id, string Name)> signed, List<(string Id, string Name)> bound)
    {
        if (!signed.SequenceEqual(bound))
        {
            violations.Add($"{what} are [{string.Join(", ", bound.Select(p => p.Id))}], the partners that signed [{string.Join(", ", signed.Select(p => p.Id))}]");
        }
    }

    private static (string Type, string Agreement, string? Party) DescribeAgreement(string body)
    {
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        return (json.RootElement.GetProperty("type").GetString()!, data.TryGetProperty("agreementId", out var a) ? a.GetString()! : "",
            data.TryGetProperty("partyId", out var p) ? p.GetString() : null);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, RoundJson.Options);
}
