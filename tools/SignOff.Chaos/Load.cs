using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SignOff.Testing;

namespace SignOff.Chaos;

/// <summary>A request that got a 2xx, with what that answer asserted, and how to send it again identically.</summary>
/// <param name="Kind">decision, counterpart, notice or variation.</param>
/// <param name="RoundId">The round (for a notice or a variation: the agreement, which has its round's id).</param>
/// <param name="PartnerId">The partner (for a notice: the party, which has its partner's id; for a variation: the round it launched).</param>
/// <param name="Key">The Idempotency-Key.</param>
/// <param name="Make">Builds the identical request again (for replays).</param>
/// <param name="Attempts">Requests it took.</param>
/// <param name="Failures">Attempts the host died under (or answered 5xx).</param>
/// <param name="Sha256">For a counterpart: the SHA-256 of the file sent.</param>
/// <param name="Signatory">For a counterpart: the signatory sent.</param>
internal sealed record Acknowledged(string Kind, string RoundId, string PartnerId, string Key, Func<HttpRequestMessage> Make, int Attempts, int Failures,
    string? Sha256 = null, string? Signatory = null);

/// <summary>One partner as the load sees it.</summary>
internal sealed class PartnerModel(string roundId, string partnerId, string route, double decideAt, double signAt)
{
    public string RoundId { get; } = roundId;

    public string PartnerId { get; } = partnerId;

    public string Route { get; } = route;

    /// <summary>How far through the kills (0 to 1) before its decision is sent, so the work spreads over the whole kill sequence.</summary>
    public double DecideAt { get; } = decideAt;

    /// <summary>How far through the kills before its counterpart is sent (once authorised).</summary>
    public double SignAt { get; } = signAt;

    public int Busy;

    /// <summary>True while its counterpart request is out (so the variation's last one is known even when two go at once).</summary>
    public volatile bool Signing;

    public volatile string Status = "invited";

    public Acknowledged? Decision { get; set; }

    public Acknowledged? Counterpart { get; set; }

    /// <summary>The signing date its counterpart gives (a variation's partners sign on the day it went round).</summary>
    public string SignedOn { get; init; } = "2021-06-01";

    /// <summary>Set when a request for it was refused or never answered: the load leaves it alone after that.</summary>
    public bool GaveUp { get; set; }
}

/// <summary>
/// The rounds and the load on them: launches, then workers that record decisions and upload
/// counterparts (each with its own Idempotency-Key), move the clock now and then, read rounds, and
/// replay requests that already succeeded; once a round is effective and its agreement in the
/// register, one of its parties gives notice (so the register is written by a request too, not
/// only by a round's effect), then a variation of that agreement is launched, decided and signed
/// by every party (the one on notice too: it is bound until its notice ends), so the register's
/// own rounds and the version they change go through the kills as well.
/// </summary>
internal sealed class Load(ChaosOptions options, SignOffClient api, RoundClock clock, HostUnderTest host, Func<double> progress)
{
    /// <summary>Advances of PT6H spread over the kills: about twelve days, past the cabinet call-ins (5 clear working days from 1 June).</summary>
    private const int PlannedAdvances = 48;

    private static readonly string[] Councils =
    [
        "Maldon District Council", "Chelmsford City Council", "Braintree District Council", "Essex County Council", "Colchester City Council",
        "Basildon Borough Council", "Uttlesford District Council", "Harlow Council", "Rochford District Council", "Tendring District Council",
    ];

    private long operations;
    private long advances;
    private long advancesUnanswered;
    private long timersFired;
    private long replays;
    private long replaysOk;
    private long reads;

    /// <summary>0 while the notice is still to give, 1 while a worker gives it, 2 once given (or refused).</summary>
    private int notice;

    /// <summary>When (<see cref="Environment.TickCount64"/>) the notice may be tried again after its agreement was not open yet.</summary>
    private long noticeNotBefore;

    /// <summary>When the variation may be tried again after its agreement was not found.</summary>
    private long variationNotBefore;

    /// <summary>0 while the variation is still to launch, 1 while a worker launches it, 2 once launched (or refused).</summary>
    private int variation;

    /// <summary>0 until the variation's last counterpart is sent, 1 while it is in flight, 2 once answered (its register effect running).</summary>
    private int lastVariationCounterpart;

    /// <summary>The variation round's partners, published whole once it is launched (workers read it without a lock).</summary>
    private volatile List<PartnerModel>? variationPartners;

    /// <summary>The agreement the notice was given on (and the variation launched on).</summary>
    public string? NoticeAgreementId { get; private set; }

    /// <summary>The variation round, once its launch got a 201.</summary>
    public string? VariationRoundId { get; private set; }

    /// <summary>The partner ids the variation round was launched with (the parties bound then, as its 201 showed them).</summary>
    public IReadOnlyList<string> VariationLaunchedWith { get; private set; } = [];

    /// <summary>The variation round's partners (empty until it is launched).</summary>
    public IReadOnlyList<PartnerModel> VariationPartners => variationPartners ?? [];

    /// <summary>True from the moment the variation's last counterpart is sent (for a kill to cut it, or its register effect, off).</summary>
    public bool VariationLastCounterpartSent => Volatile.Read(ref lastVariationCounterpart) >= 1;

    /// <summary>True once the variation's last counterpart got its answer (the kill then lands on the round's register effect).</summary>
    public bool VariationLastCounterpartAnswered => Volatile.Read(ref lastVariationCounterpart) == 2;

    public List<string> RoundIds { get; } = [];

    /// <summary>True while a worker is giving the notice (for a kill to cut it off).</summary>
    public bool NoticeInFlight => Volatile.Read(ref notice) == 1;

    /// <summary>Rounds the API has shown effective.</summary>
    public ConcurrentDictionary<string, bool> EffectiveRounds { get; } = new(StringComparer.Ordinal);

    public List<PartnerModel> Partners { get; } = [];

    public ConcurrentQueue<Acknowledged> Acks { get; } = new();

    /// <summary>Things the API did during the load that it must never do (a retried request refused, a 2xx that does not show what it recorded, …).</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Launch requests sent again with the same Idempotency-Key after a 2xx: round id of the original, and of the answer.</summary>
    public List<(string Original, string Answered)> LaunchReplays { get; } = [];

    public volatile bool Stopping;

    public long Operations => Interlocked.Read(ref operations);

    public long Advances => Interlocked.Read(ref advances);

    public long AdvancesUnanswered => Interlocked.Read(ref advancesUnanswered);

    public long TimersFired => Interlocked.Read(ref timersFired);

    public long Replays => Interlocked.Read(ref replays);

    public long ReplaysOk => Interlocked.Read(ref replaysOk);

    public long Reads => Interlocked.Read(ref reads);

    /// <summary>Every partner signed (or was given up on), and once a round is effective the notice is given and the variation launched and signed.</summary>
    public bool Done => Partners.Concat(VariationPartners).All(p => p.Counterpart is not null || p.GaveUp)
        && (EffectiveRounds.IsEmpty || (Volatile.Read(ref notice) == 2 && Volatile.Read(ref variation) == 2));

    public static string Definition(int round, int partners, bool distinct)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""
            agreement: { title: Chaos Alliance Agreement {{round + 1}}, reference: CHAOS-{{(round + 1).ToString("D2", CultureInfo.InvariantCulture)}} }
            round:
              deadline: 2021-07-30
              chairs: [ { name: Alliance Chair, email: chair@alliance.example } ]
              {{(distinct ? "digest: { schedule: none }" : "")}}
            coordinator: { name: Programme Office, email: office@alliance.example }
            partners:

            """);
        for (var i = 0; i < partners; i++)
        {
            // The same councils (and officers) in every round, as in a real partnership with several
            // agreements; with --distinct-rounds each round's councils are its own.
            var name = i < Councils.Length ? Councils[i] : $"{Councils[i % Councils.Length]} {(i / Councils.Length) + 1}";
            if (distinct)
            {
                name += $" R{round + 1}";
            }

            var slug = new string([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
            text.Append(CultureInfo.InvariantCulture,
                $"  - {{ name: {name}, officer: {{ name: Officer {i + 1}, email: officer@{slug}.example }}, governance: {{ route: {RouteOf(i)} }} }}\n");
        }

        return text.ToString();
    }

    /// <summary>Most partners decide at full council (authorised at once); every third from the second goes through cabinet (call-in).</summary>
    public static string RouteOf(int index) => index % 3 == 1 ? "cabinet" : "full-council";

    public static byte[] Pdf(string note) =>
        Encoding.ASCII.GetBytes($"%PDF-1.4\n% {note}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>Launches every round, then sends the first launch again with the same Idempotency-Key, as a client whose answer was lost would.</summary>
    public async Task LaunchAsync(CancellationToken ct)
    {
        var rng = new Random(options.Seed);
        Func<HttpRequestMessage>? first = null;
        string? firstId = null;
        for (var r = 0; r < options.Rounds; r++)
        {
            var definition = Definition(r, options.Partners, options.DistinctRounds);
            var draft = Pdf($"SignOff chaos draft {r + 1} seed {options.Seed}");
            var key = $"chaos-{options.Seed}-launch-{r}";
            HttpRequestMessage Make()
            {
                var form = new MultipartFormDataContent
                {
                    { new StringContent(definition), "definition", "round.yaml" },
                    { SignOffClient.Pdf(draft), "draft", "draft.pdf" },
                };
                return SignOffClient.Post("/api/rounds", form, key);
            }

            var answer = await api.SendAsync(Make, ct);
            if (answer.Status != 201)
            {
                throw new InvalidOperationException($"Launching round {r + 1} failed: {answer.Status} {answer.Body}");
            }

            using var json = JsonDocument.Parse(answer.Body);
            var roundId = json.RootElement.GetProperty("roundId").GetString()!;
            RoundIds.Add(roundId);
            foreach (var (p, i) in json.RootElement.GetProperty("partners").EnumerateArray().Select((p, i) => (p, i)))
            {
                var decideAt = rng.NextDouble() * 0.6;
                Partners.Add(new PartnerModel(roundId, p.GetProperty("partnerId").GetString()!, p.GetProperty("route").GetString()!,
                    decideAt, Math.Min(0.95, decideAt + 0.05 + (rng.NextDouble() * 0.35))));
            }

            if (r == 0)
            {
                first = Make;
                firstId = roundId;
            }
        }

        if (!options.LaunchReplay)
        {
            return;
        }

        var again = await api.SendAsync(first!, ct);
        var answered = again.Ok ? JsonDocument.Parse(again.Body).RootElement.GetProperty("roundId").GetString()! : $"(answered {again.Status})";
        LaunchReplays.Add((firstId!, answered));
        if (!again.Ok)
        {
            Violations.Enqueue($"launch of {firstId} sent again with its Idempotency-Key was refused: {again.Status} {again.Body}");
        }
    }

    public async Task RunWorkerAsync(int index, CancellationToken ct)
    {
        var rng = new Random(HashCode.Combine(options.Seed, index));
        while (!Stopping && Interlocked.Increment(ref operations) <= options.MaxOperations)
        {
            if (ShouldAdvance(rng))
            {
                await AdvanceAsync(ct);
            }

            // Once the variation is launched, half the picks are its partners: it goes round while the rest winds down.
            var pool = variationPartners is { } varied && rng.Next(2) == 0 ? varied : Partners;
            var partner = pool[rng.Next(pool.Count)];
            if (Interlocked.CompareExchange(ref partner.Busy, 1, 0) != 0)
            {
                await Task.Delay(10, ct);
                continue;
            }

            try
            {
                await ActAsync(partner, rng, ct);
            }
            finally
            {
                Volatile.Write(ref partner.Busy, 0);
            }

            await Task.Delay(rng.Next(30, 150), ct);
        }
    }

    /// <summary>Moves the clock by <paramref name="by"/> with a single request (a clock request is never repeated: it is not idempotent).</summary>
    public async Task<bool> AdvanceAsync(TimeSpan by, CancellationToken ct)
    {
        await clock.Requests.WaitAsync(ct);
        try
        {
            return await AdvanceHeldAsync(by, ct);
        }
        finally
        {
            clock.Requests.Release();
        }
    }

    private async Task AdvanceAsync(CancellationToken ct)
    {
        // Never wait for the clock while holding it up: a restart needs it to set the new host's clock.
        if (!await clock.Requests.WaitAsync(0, ct))
        {
            return;
        }

        try
        {
            if (host.IsReady)
            {
                await AdvanceHeldAsync(TimeSpan.FromHours(6), ct);
            }
        }
        finally
        {
            clock.Requests.Release();
        }
    }

    private async Task<bool> AdvanceHeldAsync(TimeSpan by, CancellationToken ct)
    {
        // Counted in the run's copy first: if the host dies before answering, the set after the restart carries it.
        clock.Advance(by);
        Interlocked.Increment(ref advances);
        var iso = System.Xml.XmlConvert.ToString(by);
        var answer = await api.SendOnceAsync(SignOffClient.Post("/dev/clock", new StringContent($$"""{"advance":"{{iso}}"}""", Encoding.UTF8, "application/json"), null), ct);
        if (!answer.Ok)
        {
            Interlocked.Increment(ref advancesUnanswered);
            return false;
        }

        using var json = JsonDocument.Parse(answer.Body);
        clock.Observe(json.RootElement.GetProperty("now").GetDateTimeOffset());
        Interlocked.Add(ref timersFired, json.RootElement.GetProperty("timersFired").GetInt32());
        return true;
    }

    private bool ShouldAdvance(Random rng)
    {
        var done = Advances;
        var p = progress();
        var behind = done < (PlannedAdvances * p) + 1;
        // After the kills, a little more while a call-in is still running — but not for ever: a
        // call-in timer that never fires is for the checks to report, not for the clock to chase.
        var waitingForCallIn = p >= 1 && done < PlannedAdvances + 16 && Partners.Concat(VariationPartners).Any(x => x.Status == "call-in");
        return (behind || waitingForCallIn) && rng.NextDouble() < 0.5;
    }

    private async Task ActAsync(PartnerModel partner, Random rng, CancellationToken ct)
    {
        var p = progress();
        var wantsDecision = !partner.GaveUp && partner.Decision is null && p >= partner.DecideAt;
        var wantsCounterpart = !partner.GaveUp && partner.Decision is not null && partner.Counterpart is null && p >= partner.SignAt;
        if (!wantsDecision && !wantsCounterpart)
        {
            if (!EffectiveRounds.IsEmpty && Environment.TickCount64 >= Interlocked.Read(ref noticeNotBefore) && Interlocked.CompareExchange(ref notice, 1, 0) == 0)
            {
                var given = false;
                try
                {
                    given = await GiveNoticeAsync(ct);
                }
                finally
                {
                    Volatile.Write(ref notice, given ? 2 : 0);
                }
            }
            else if (Volatile.Read(ref notice) == 2 && NoticeAgreementId is { } agreementId && Environment.TickCount64 >= Interlocked.Read(ref variationNotBefore)
                && Interlocked.CompareExchange(ref variation, 1, 0) == 0)
            {
                var launched = false;
                try
                {
                    launched = await LaunchVariationAsync(agreementId, ct);
                }
                finally
                {
                    Volatile.Write(ref variation, launched ? 2 : 0);
                }
            }
            else if (rng.NextDouble() < 0.3 && !Acks.IsEmpty)
            {
                await ReplayAsync(Acks.ElementAt(rng.Next(Acks.Count)), ct);
            }
            else if (rng.NextDouble() < 0.3)
            {
                await ReadAsync(partner.RoundId, ct);
            }

            return;
        }

        var view = await ReadAsync(partner.RoundId, ct);
        if (view is null)
        {
            return;
        }

        var status = partner.Status;
        if (wantsDecision && status is "invited" or "scheduled" or "deferred")
        {
            await DecideAsync(partner, ct);
        }
        else if (wantsDecision)
        {
            Violations.Enqueue($"{partner.RoundId}/{partner.PartnerId} is {status} although no decision was ever acknowledged for it");
            partner.GaveUp = true;
        }
        else if (status == "authorised")
        {
            await SignAsync(partner, ct);
        }
    }

    private async Task DecideAsync(PartnerModel partner, CancellationToken ct)
    {
        var key = $"chaos-{options.Seed}-decision-{partner.RoundId}-{partner.PartnerId}";
        var body = partner.Route == "cabinet" ? "Cabinet" : "Full Council";
        var json = $$"""{"outcome":"approve","decidedOn":"2021-06-01","body":"{{body}}","evidence":"chaos run"}""";
        HttpRequestMessage Make() => SignOffClient.Post($"/api/rounds/{partner.RoundId}/partners/{partner.PartnerId}/decision",
            new StringContent(json, Encoding.UTF8, "application/json"), key);
        var answer = await api.SendAsync(Make, ct);
        if (!answer.Ok)
        {
            Refused(partner, "decision", answer);
            return;
        }

        var shown = PartnerIn(answer.Body, partner.PartnerId);
        if (shown is not { } p || p.GetProperty("decision").ValueKind != JsonValueKind.Object
            || p.GetProperty("decision").GetProperty("outcome").GetString() != "approved")
        {
            Violations.Enqueue($"decision for {partner.RoundId}/{partner.PartnerId} answered {answer.Status} but the round it returned shows no approval");
        }

        var ack = new Acknowledged("decision", partner.RoundId, partner.PartnerId, key, Make, answer.Attempts, answer.Failures);
        partner.Decision = ack;
        Acks.Enqueue(ack);
    }

    private async Task SignAsync(PartnerModel partner, CancellationToken ct)
    {
        var key = $"chaos-{options.Seed}-counterpart-{partner.RoundId}-{partner.PartnerId}";
        var variationRound = variationPartners is { } varied && varied.Contains(partner) ? varied : null;
        if (variationRound is not null)
        {
            partner.Signing = true;
        }

        // The last of the variation's counterparts — or the last batch, when workers send two at once: none is left unsent.
        var last = variationRound is not null && variationRound.All(p => p.Signing || p.Counterpart is not null);
        // A readable PDF naming the agreement (the round id begins with its reference, CHAOS-NN) and this partner alone:
        // uploaded counterparts are checked for both.
        var pdf = TestPdfs.Counterpart($"{partner.RoundId[..8].ToUpperInvariant()} counterpart", $"{partner.PartnerId} of {partner.RoundId}");
        var sha = Convert.ToHexStringLower(SHA256.HashData(pdf));
        var signatory = $"Signatory of {partner.PartnerId}";
        HttpRequestMessage Make()
        {
            var form = new MultipartFormDataContent
            {
                { SignOffClient.Pdf(pdf), "file", "counterpart.pdf" },
                { new StringContent(signatory), "signatoryName" },
                { new StringContent("Chief Executive"), "signatoryPosition" },
                { new StringContent(partner.SignedOn), "signedOn" },
            };
            return SignOffClient.Post($"/api/rounds/{partner.RoundId}/partners/{partner.PartnerId}/counterparts", form, key);
        }

        if (last)
        {
            Interlocked.CompareExchange(ref lastVariationCounterpart, 1, 0);
        }

        var answer = await api.SendAsync(Make, ct);
        partner.Signing = false;
        if (!answer.Ok)
        {
            Refused(partner, "counterpart", answer);
            return;
        }

        var shown = PartnerIn(answer.Body, partner.PartnerId);
        if (shown is not { } p || p.GetProperty("counterpart").ValueKind != JsonValueKind.Object
            || p.GetProperty("counterpart").GetProperty("sha256").GetString() != sha)
        {
            Violations.Enqueue($"counterpart for {partner.RoundId}/{partner.PartnerId} answered {answer.Status} but the round it returned does not show it");
        }

        using (var round = JsonDocument.Parse(answer.Body))
        {
            Observe(partner.RoundId, round.RootElement);
        }

        var ack = new Acknowledged("counterpart", partner.RoundId, partner.PartnerId, key, Make, answer.Attempts, answer.Failures, sha, signatory);
        partner.Counterpart = ack;
        Acks.Enqueue(ack);
        if (variationRound is not null && variationRound.All(p => p.Counterpart is not null))
        {
            Volatile.Write(ref lastVariationCounterpart, 2);
        }
    }

    /// <summary>
    /// The first party of the first effective round gives notice to leave its agreement (given on
    /// the round clock's today), sent again with the same Idempotency-Key while the host dies under it.
    /// </summary>
    /// <returns>True once answered for good (a 2xx, or a refusal recorded as a violation); false while the agreement is not yet open.</returns>
    private async Task<bool> GiveNoticeAsync(CancellationToken ct)
    {
        var agreementId = RoundIds.First(EffectiveRounds.ContainsKey);
        var partyId = Partners.First(p => p.RoundId == agreementId).PartnerId;
        var key = $"chaos-{options.Seed}-notice-{agreementId}-{partyId}";
        HttpRequestMessage Make() => SignOffClient.Post($"/api/agreements/{agreementId}/parties/{partyId}/notice",
            new StringContent("{\"reason\":\"chaos run\"}", Encoding.UTF8, "application/json"), key);
        var answer = await api.SendAsync(Make, ct);
        if (answer.Status == 404)
        {
            // The round took effect; its agreement opens as the round's effect, which may not have run yet
            // (after a kill, not until the killed host's claims run out): ask again in a second, not at once.
            Interlocked.Exchange(ref noticeNotBefore, Environment.TickCount64 + 1000);
            return false;
        }

        if (!answer.Ok)
        {
            Violations.Enqueue($"notice for {agreementId}/{partyId}{(answer.Failures > 0 ? $", sent again with the same Idempotency-Key after {answer.Failures} failed attempt(s)," : "")} answered {answer.Status}: {Short(answer.Body)}");
            return true;
        }

        using var json = JsonDocument.Parse(answer.Body);
        var party = json.RootElement.GetProperty("parties").EnumerateArray().FirstOrDefault(p => p.GetProperty("partyId").GetString() == partyId);
        if (party.ValueKind != JsonValueKind.Object || party.GetProperty("status").GetString() != "on-notice" || party.GetProperty("noticeGivenOn").ValueKind != JsonValueKind.String)
        {
            Violations.Enqueue($"notice for {agreementId}/{partyId} answered {answer.Status} but the agreement it returned does not show the party on notice");
        }

        Acks.Enqueue(new Acknowledged("notice", agreementId, partyId, key, Make, answer.Attempts, answer.Failures));
        NoticeAgreementId = agreementId;
        return true;
    }

    /// <summary>
    /// Launches a variation of the agreement the notice was given on — a varied draft naming it, with
    /// an Idempotency-Key, sent again identically while the host dies under it — and takes on its
    /// partners (the parties bound now, the one on notice among them) to decide and sign.
    /// </summary>
    /// <returns>True once answered for good (a 201, or a refusal recorded as a violation); false to try again in a second.</returns>
    private async Task<bool> LaunchVariationAsync(string agreementId, CancellationToken ct)
    {
        var key = $"chaos-{options.Seed}-variation-{agreementId}";
        var number = RoundIds.IndexOf(agreementId) + 1;
        var reference = $"CHAOS-{number.ToString("D2", CultureInfo.InvariantCulture)}";
        var draft = TestPdfs.WithText($"Chaos Alliance Agreement {number} ({reference})", $"Variation 1 of {agreementId}: clause 4 replaced (seed {options.Seed})");
        var sha = Convert.ToHexStringLower(SHA256.HashData(draft));
        HttpRequestMessage Make()
        {
            var form = new MultipartFormDataContent
            {
                { SignOffClient.Pdf(draft), "draft", "variation.pdf" },
                { new StringContent("2021-07-30"), "deadline" },
            };
            return SignOffClient.Post($"/api/agreements/{agreementId}/variations", form, key);
        }

        var answer = await api.SendAsync(Make, ct);
        if (answer.Status == 404)
        {
            Interlocked.Exchange(ref variationNotBefore, Environment.TickCount64 + 1000);
            return false;
        }

        if (answer.Status != 201)
        {
            Violations.Enqueue($"variation of {agreementId}{(answer.Failures > 0 ? $", sent again with the same Idempotency-Key after {answer.Failures} failed attempt(s)," : "")} answered {answer.Status}: {Short(answer.Body)}");
            return true;
        }

        using var json = JsonDocument.Parse(answer.Body);
        var round = json.RootElement;
        var roundId = round.GetProperty("roundId").GetString()!;
        var change = round.GetProperty("changeOf");
        if (change.ValueKind != JsonValueKind.Object || change.GetProperty("agreementId").GetString() != agreementId || change.GetProperty("kind").GetString() != "variation"
            || change.GetProperty("baseVersion").GetInt32() != 1 || round.GetProperty("currentVersion").GetProperty("sha256").GetString() != sha)
        {
            Violations.Enqueue($"variation of {agreementId} answered 201 with round {roundId}, which does not show the variation sent: changeOf {change}, current version {round.GetProperty("currentVersion")}");
        }

        // Signed on the day it went round (never in the host's future); decided as the load's other decisions are,
        // on 1 June: a decision entered late, whose call-in is over, so a cabinet partner does not hold the variation up for a week of clock.
        var launchedOn = round.GetProperty("launchedOn").GetString()!;
        var partners = round.GetProperty("partners").EnumerateArray()
            .Select(p => new PartnerModel(roundId, p.GetProperty("partnerId").GetString()!, p.GetProperty("route").GetString()!, 0, 0) { SignedOn = launchedOn })
            .ToList();
        VariationRoundId = roundId;
        VariationLaunchedWith = [.. partners.Select(p => p.PartnerId)];
        Acks.Enqueue(new Acknowledged("variation", agreementId, roundId, key, Make, answer.Attempts, answer.Failures, sha));
        variationPartners = partners;
        return true;
    }

    private async Task ReplayAsync(Acknowledged ack, CancellationToken ct)
    {
        Interlocked.Increment(ref replays);
        var answer = await api.SendAsync(ack.Make, ct);
        if (answer.Ok)
        {
            Interlocked.Increment(ref replaysOk);
        }
        else
        {
            Violations.Enqueue($"{ack.Kind} for {ack.RoundId}/{ack.PartnerId} sent again with its Idempotency-Key after a 2xx was answered {answer.Status}: {Short(answer.Body)}");
        }
    }

    private async Task<JsonElement?> ReadAsync(string roundId, CancellationToken ct)
    {
        Interlocked.Increment(ref reads);
        var answer = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/api/rounds/{roundId}"), ct);
        if (!answer.Ok)
        {
            return null;
        }

        using var json = JsonDocument.Parse(answer.Body);
        Observe(roundId, json.RootElement);
        foreach (var p in json.RootElement.GetProperty("partners").EnumerateArray())
        {
            var id = p.GetProperty("partnerId").GetString();
            if (Partners.Concat(VariationPartners).FirstOrDefault(x => x.RoundId == roundId && x.PartnerId == id) is { } model)
            {
                model.Status = p.GetProperty("status").GetString()!;
            }
        }

        return json.RootElement.Clone();
    }

    /// <summary>Notes a round the API showed effective: its agreement is (or is about to be) in the register.</summary>
    private void Observe(string roundId, JsonElement round)
    {
        if (round.GetProperty("status").GetString() == "effective")
        {
            EffectiveRounds.TryAdd(roundId, true);
        }
    }

    private void Refused(PartnerModel partner, string kind, Answer answer)
    {
        partner.GaveUp = true;
        var why = answer.Status == 0 ? $"never answered after {answer.Attempts} attempts ({answer.Body})" : $"answered {answer.Status}: {Short(answer.Body)}";
        Violations.Enqueue(answer.Failures > 0
            ? $"{kind} for {partner.RoundId}/{partner.PartnerId}, sent again with the same Idempotency-Key after {answer.Failures} failed attempt(s), {why}"
            : $"{kind} for {partner.RoundId}/{partner.PartnerId} {why}");
    }

    private static JsonElement? PartnerIn(string roundJson, string partnerId)
    {
        using var json = JsonDocument.Parse(roundJson);
        foreach (var p in json.RootElement.GetProperty("partners").EnumerateArray())
        {
            if (p.GetProperty("partnerId").GetString() == partnerId)
            {
                return p.Clone();
            }
        }

        return null;
    }

    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
