using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Core.Tests.Support;

/// <summary>
/// Drives one round through <see cref="RoundProcess"/> as a store would: keeps the state and the
/// whole log, and fires timers as a fake clock passes them.
/// </summary>
public sealed class RoundHarness
{
    /// <summary>Rebuilds a round from its whole event log: the fold the snapshot must always equal.</summary>
    public static RoundState? Replay(IEnumerable<RoundEvent> events) =>
        events.Aggregate((RoundState?)null, RoundEvolver.Evolve);

    private int sequence;

    public RoundHarness(DateTimeOffset start)
    {
        Clock = new FakeTimeProvider(start);
    }

    public static BankHolidays Holidays => BankHolidays.Embedded;

    public RoundProcess Process { get; } = new(Holidays);

    public FakeTimeProvider Clock { get; }

    public DateTimeOffset Now => Clock.GetUtcNow();

    public RoundState State { get; private set; } = null!;

    public List<RoundEvent> Events { get; } = [];

    public List<RoundEffect> Effects { get; } = [];

    public static Actor Coordinator { get; } = new("Programme Office", "office@alliance.example", ActorRole.Coordinator);

    /// <summary>London 10:00 on a date.</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour = 10) =>
        LondonTime.At(new DateOnly(year, month, day), new TimeOnly(hour, 0));

    public static DocumentRef Document(string content, string name = "draft.pdf") =>
        new(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))), name, content.Length, "application/pdf");

    public static RoundHarness Started(RoundDefinition definition, DateTimeOffset at, string draft = "draft v1")
    {
        var harness = new RoundHarness(at);
        harness.Apply(new StartRound("start", "round-1", definition, Document(draft), Coordinator));
        return harness;
    }

    public string NextId(string prefix) => $"{prefix}-{++sequence}";

    /// <summary>Applies a trigger that must be accepted.</summary>
    public RoundDecision.Accepted Apply(RoundTrigger trigger)
    {
        var decision = Process.Decide(State, trigger, Now);
        if (decision is not RoundDecision.Accepted accepted)
        {
            throw new Xunit.Sdk.XunitException($"Expected {trigger.GetType().Name} to be accepted, got {decision}");
        }

        Commit(accepted);
        return accepted;
    }

    /// <summary>Decides a trigger and commits it when accepted; returns the decision.</summary>
    public RoundDecision Try(RoundTrigger trigger)
    {
        var decision = Process.Decide(State, trigger, Now);
        if (decision is RoundDecision.Accepted accepted)
        {
            Commit(accepted);
        }

        return decision;
    }

    /// <summary>Moves the clock forward to an instant, firing every timer that falls due on the way, in order.</summary>
    public void AdvanceTo(DateTimeOffset until)
    {
        while (true)
        {
            var next = State.Timers.Where(t => t.DueAt <= until).OrderBy(t => t.DueAt).ThenBy(t => t.TimerId, StringComparer.Ordinal).FirstOrDefault();
            if (next is null)
            {
                break;
            }

            if (next.DueAt > Now)
            {
                Clock.SetUtcNow(next.DueAt);
            }

            Apply(FireTimer.For(next.TimerId));
        }

        if (until > Now)
        {
            Clock.SetUtcNow(until);
        }
    }

    public PartnerState Partner(string name) =>
        State.Partners.Single(p => p.Name == name);

    public RoundDecision.Accepted Decide(string partner, DecisionOutcome outcome, DateOnly? on = null, string? conditions = null, string? reason = null, DateOnly? deferredTo = null, int? version = null)
    {
        var p = Partner(partner);
        return Apply(new RecordDecision(NextId("decision"), p.PartnerId, version ?? State.CurrentVersion.Number, outcome, null,
            on ?? LondonTime.DateOf(Now), "Minute 12", conditions, reason, deferredTo, new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer)));
    }

    public RoundDecision.Accepted Sign(string partner, int? version = null, string? content = null)
    {
        var p = Partner(partner);
        return Apply(CounterpartFor(p, version, content));
    }

    public ReceiveCounterpart CounterpartFor(PartnerState p, int? version = null, string? content = null) =>
        new(NextId("counterpart"), p.PartnerId, version ?? State.CurrentVersion.Number,
            Document(content ?? $"{p.Name} counterpart {State.CurrentVersion.Number}", "counterpart.pdf"),
            "Jo Signatory", "Chief Executive", LondonTime.DateOf(Now), new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer));

    public IEnumerable<Notification> Notifications(NotificationKind kind) =>
        Effects.OfType<SendNotification>().Select(e => e.Notification).Where(n => n.Kind == kind);

    public IEnumerable<WebhookEvent> Webhooks(string type) =>
        Effects.OfType<PublishWebhook>().Select(e => e.Event).Where(e => e.Type == type);

    public static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), JsonOptions);

    public static JsonSerializerOptions JsonOptions => RoundJson.Options;

    private void Commit(RoundDecision.Accepted accepted)
    {
        State = accepted.State;
        Events.AddRange(accepted.Events);
        Effects.AddRange(accepted.Effects);
    }

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
