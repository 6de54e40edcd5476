using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using static SignOff.Core.Tests.Support.RoundHarness;
using SignOff.Testing;

namespace SignOff.Core.Tests.Support;

/// <summary>
/// Interprets a list of integers as a script of things people and timers do to a round, so a
/// property test can throw thousands of different histories at the engine. Each step's decision
/// is handed to a checker before the next one runs.
/// </summary>
public sealed class RandomRoundScript
{
    private readonly List<RoundTrigger> accepted = [];

    public RandomRoundScript()
    {
        var definition = new RoundDefinitionBuilder()
            .Deadline(D("2021-04-30"))
            .Partner("Sefton Metropolitan Borough Council", Routes.Cabinet, meeting: D("2021-04-01"))
            .Partner("Maldon District Council", Routes.FullCouncil, calendar: new MeetingCalendar(PublishedCalendar, "Full Council"))
            .Partner("Essex County Council", Routes.CabinetMember, dueBy: D("2021-04-16"))
            .Partner("Farleigh Hospice", Routes.CharityBoard)
            .Build() with { CounterpartReview = CounterpartReview.Unverified }; // verified counterparts count at once, photos wait for review
        Round = Started(definition, At(2021, 3, 1));
        accepted.Add(new StartRound("start", "round-1", definition, Document("draft v1"), Coordinator));
    }

    public RoundHarness Round { get; }

    /// <summary>Runs every step; <paramref name="check"/> sees the state before, the trigger and the decision.</summary>
    public void Run(IEnumerable<int> steps, Action<RoundState, RoundTrigger, RoundDecision> check)
    {
        foreach (var step in steps)
        {
            var s = Math.Abs(step % 1_000_000);
            var trigger = Make(s);
            if (trigger is null)
            {
                continue;
            }

            var before = Round.State;
            var decision = Round.Try(trigger);
            check(before, trigger, decision);
            if (decision is RoundDecision.Accepted)
            {
                accepted.Add(trigger);
            }
        }
    }

    /// <summary>Advances time by up to 9 days, firing timers on the way (each firing is checked too).</summary>
    public void Advance(int days, Action<RoundState, RoundTrigger, RoundDecision> check)
    {
        var until = Round.Now.AddDays(days).AddHours(3);
        while (true)
        {
            var next = Round.State.Timers.Where(t => t.DueAt <= until).OrderBy(t => t.DueAt).ThenBy(t => t.TimerId, StringComparer.Ordinal).FirstOrDefault();
            if (next is null)
            {
                break;
            }

            if (next.DueAt > Round.Now)
            {
                Round.Clock.SetUtcNow(next.DueAt);
            }

            var before = Round.State;
            var trigger = FireTimer.For(next.TimerId);
            var decision = Round.Try(trigger);
            check(before, trigger, decision);
            accepted.Add(trigger);
        }

        Round.Clock.SetUtcNow(until);
    }

    /// <summary>The published meeting calendar partners added mid-round may name (never fetched: the core only records what a check reports).</summary>
    private const string PublishedCalendar = "https://democracy.example/ical";

    public IReadOnlyList<RoundTrigger> Accepted => accepted;

    /// <summary>The coordinator corrects a partner's decision to an outcome, decided today.</summary>
    private CorrectDecision Correction(string id, PartnerState p, DecisionOutcome outcome, DateOnly today) =>
        new(id, new RecordDecision(id, p.PartnerId, p.Decision?.Version ?? Round.State.CurrentVersion.Number, outcome, null, today, "M3",
            outcome == DecisionOutcome.ApprovedWithConditions ? "Annex 6 agreed" : null,
            outcome is DecisionOutcome.Declined or DecisionOutcome.Deferred ? "Wrong button" : null,
            outcome == DecisionOutcome.Deferred ? today.AddDays(14) : null, Coordinator), "The wrong outcome was pressed", "Minutes online", Coordinator);

    /// <summary>A partner whose published calendar is read, if one is (else the chosen partner, to be refused).</summary>
    private PartnerState Listing(PartnerState chosen) => Round.State.Partners.Find(o => o.Calendar is not null && o.IsRemaining) ?? chosen;

    private PartnerState InReview(PartnerState chosen) => Round.State.Partners.Find(o => o.Status == PartnerStatus.CounterpartInReview) ?? chosen;

    private RoundTrigger? Make(int s)
    {
        var partners = Round.State.Partners;
        var p = partners[(s / 20) % partners.Count];
        var officer = new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer);
        var today = LondonTime.DateOf(Round.Now);
        var id = Round.NextId("step");
        return (s % 20) switch
        {
            0 or 1 or 2 => null, // handled by the caller as time passing
            3 or 4 => new RecordDecision(id, p.PartnerId, Round.State.CurrentVersion.Number, DecisionOutcome.Approved, null, today, "M1", null, null, null, officer),
            5 => new RecordDecision(id, p.PartnerId, Round.State.CurrentVersion.Number, DecisionOutcome.ApprovedWithConditions, null, today, "M2", "Annex 6 agreed", null, null, officer),
            6 => new RecordDecision(id, p.PartnerId, Round.State.CurrentVersion.Number, DecisionOutcome.Deferred, null, today, null, null, "More time", today.AddDays(14), officer),
            7 => new RecordDecision(id, p.PartnerId, Round.State.CurrentVersion.Number, DecisionOutcome.Declined, null, today, null, null, "No budget", null, officer),
            8 => new AcceptConditions(id, p.PartnerId, null, Coordinator),
            9 => new RejectConditions(id, p.PartnerId, "Cannot agree", Coordinator),
            10 => Round.CounterpartFor(p) with { TriggerId = id, Check = new SignatureCheck(SignatureKind.DigitallySigned, "CN=Signatory") },
            11 => Round.CounterpartFor(p) with { TriggerId = id, Check = new SignatureCheck(SignatureKind.Photo) },
            12 => (s / 20 % 3) switch
            {
                0 => Round.CounterpartFor(p, version: Math.Max(1, Round.State.CurrentVersion.Number - 1)) with { TriggerId = id },
                // The coordinator reviews the counterpart that waits, if one does (else the chosen partner's, to be refused).
                1 => new AcceptCounterpart(id, InReview(p).PartnerId, null, Coordinator),
                _ => (RoundTrigger)new RejectCounterpart(id, InReview(p).PartnerId, "The signature page is missing", Coordinator),
            },
            13 => new ReviseDraft(id, Document($"revision {id}"), RevisionKind.Minor, "Addendum", Coordinator),
            14 => new ReviseDraft(id, Document($"revision {id}"), RevisionKind.Material, "New schedule", Coordinator),
            15 => (s / 200) % 4 != 0
                ? new WithdrawPartner(id, p.PartnerId, today, "Notice", Coordinator)
                : new CallInDecision(id, p.PartnerId, today, "Scrutiny Committee", null, Coordinator),
            16 => (s / 200) % 2 == 0
                ? new RemovePartner(id, p.PartnerId, "Declined", Coordinator)
                : new ResolveCallIn(id, p.PartnerId, (s / 400) % 2 == 0 ? CallInOutcome.Upheld : CallInOutcome.ReferredBack, today, null, Coordinator),
            17 => (s / 200) % 3 != 0
                ? new DelegateOfficer(id, p.PartnerId, new Person("Colleague", $"colleague.{id}@partner.example"), officer)
                : Correction(id, p, (DecisionOutcome)((s / 400) % 4), today),
            18 => s % 3 == 0
                ? new AddPartner(id, new PartnerDefinition($"New Partner {id}", new Person("New", $"{id}@new.example"), new PartnerGovernance(Routes.NhsTrustBoard, null,
                    s % 2 == 0 ? new MeetingCalendar(PublishedCalendar, "Trust Board") : null), null), Coordinator)
                : s % 3 == 1
                    ? new ScheduleMeeting(id, p.PartnerId, today.AddDays(10), null, officer)
                    : new ChangePartnerDates(id, p.PartnerId, today.AddDays(5 + (s / 20 % 30)), (s / 20) % 2 == 0 ? today.AddDays(3) : null, Coordinator),
            _ => s % 7 == 0 ? new CancelRound(id, "Cancelled", Coordinator)
                : s % 7 == 1 ? new ResendInvitation(id, p.PartnerId, Coordinator)
                : s % 7 == 2 ? new IssueOfficerLink(id, p.PartnerId, Coordinator)
                : s % 7 is 3 or 4 ? new RecordPublishedMeeting(id, Listing(p).PartnerId, Listing(p).Calendar?.FeedUrl ?? PublishedCalendar,
                    (s / 400) % 3 == 0 ? null : today.AddDays(2 + (s / 20 % 20)), $"uid-{s % 5}", "Trust Board")
                : new AcknowledgeInvitation(id, p.PartnerId, officer),
        };
    }
}
