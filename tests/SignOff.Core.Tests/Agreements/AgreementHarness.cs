using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Agreements;

/// <summary>An agreement in the register, driven through the pure decider on a test clock, with every event and effect kept.</summary>
public sealed class AgreementHarness
{
    private readonly AgreementProcess process = new(Holidays);
    private int next;

    private AgreementHarness(DateTimeOffset now) => Clock = new FakeTimeProvider(now);

    public FakeTimeProvider Clock { get; }

    public AgreementState State { get; private set; } = null!;

    public List<AgreementEvent> Events { get; } = [];

    public List<AgreementEffect> Effects { get; } = [];

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>An agreement that took effect today with the named parties (officers at name@party.example).</summary>
    public static AgreementHarness Opened(DateTimeOffset on, AgreementTerms terms, params string[] parties)
    {
        var harness = new AgreementHarness(on);
        harness.Apply(new OpenAgreement("open", "mea-mou", new AgreementInfo("Mid Essex Alliance MoU", "MEA-MOU"), terms,
            new Person(Coordinator.Name, Coordinator.Email), [new Person("Pat Morgan", "chair@alliance.example")], Document("v1"),
            LondonTime.DateOf(on), [.. parties.Select(p => SignatoryFor(p, 1))]));
        return harness;
    }

    public static AgreementTerms Terms(ReviewCycle? reviews = null, NoticePeriod? notice = null) =>
        new(reviews, notice ?? NoticePeriod.Default, AgreementTerms.DefaultReviewReminders, "england-and-wales");

    public static Signatory SignatoryFor(string name, int version) =>
        new(PartnerIds.Slug(name), name, new Person($"Officer of {name}", $"{PartnerIds.Slug(name)}@party.example"), version);

    public static DocumentRef Document(string text) => new(new string(text[0], 64), $"{text}.pdf", 1000, "application/pdf");

    public static string Id(string name) => PartnerIds.Slug(name);

    public AgreementDecision.Accepted Apply(AgreementTrigger trigger)
    {
        var decision = Try(trigger);
        return decision as AgreementDecision.Accepted ?? throw new InvalidOperationException($"Expected {trigger.GetType().Name} to be accepted, got {decision}");
    }

    public AgreementDecision Try(AgreementTrigger trigger)
    {
        var decision = process.Decide(State, trigger, Now);
        if (decision is AgreementDecision.Accepted accepted)
        {
            State = accepted.State;
            Events.AddRange(accepted.Events);
            Effects.AddRange(accepted.Effects);
        }

        return decision;
    }

    public string NextId(string what) => $"{what}-{++next}";

    /// <summary>Moves the clock to <paramref name="until"/>, firing every timer as it falls due, in order.</summary>
    public void AdvanceTo(DateTimeOffset until)
    {
        while (State.Timers.Where(t => t.DueAt <= until).OrderBy(t => t.DueAt).ThenBy(t => t.TimerId, StringComparer.Ordinal).FirstOrDefault() is { } due)
        {
            if (due.DueAt > Now)
            {
                Clock.SetUtcNow(due.DueAt);
            }

            Apply(FireAgreementTimer.For(due.TimerId));
        }

        if (until > Now)
        {
            Clock.SetUtcNow(until);
        }
    }

    public IEnumerable<AgreementNotice> Notices(AgreementNoticeKind kind) =>
        Effects.OfType<SendAgreementNotice>().Select(e => e.Notice).Where(n => n.Kind == kind);

    public IEnumerable<PublishAgreementWebhook> Webhooks(string type) => Effects.OfType<PublishAgreementWebhook>().Where(w => w.Type == type);
}
