using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Cli;

/// <summary>
/// Plays a round through the engine on a simulated clock and narrates it: partners decide at their
/// meetings (or a few working days in), call-ins run, counterparts arrive, reminders and digests
/// fire. A way to see the engine's behaviour before the host exists.
/// </summary>
/// <remarks>
/// The story is scripted to show what a real round meets, not only the happy path: the first
/// partner to decide declines over a clause, so the coordinator circulates a materially revised
/// draft and everyone who had decided decides again; the second approves subject to conditions,
/// which the coordinator accepts; the third defers to a later meeting. Every other partner
/// approves. The agenda is ordered by time, so the engine sees each turn exactly when a person
/// would have acted, and its timers fire in between.
/// </remarks>
public sealed class RoundDemo(RoundDefinition definition, TextWriter output)
{
    private const string DeclineReason = "Clause 9 would commit us to pooled funding our board has not agreed";
    private const string RevisionNote = "Clause 9 reworded: any pooled funding needs a separate agreement";
    private const string Conditions = "The data-sharing schedule is agreed by the information governance leads before signing";
    private const string DeferralReason = "The papers missed the agenda deadline";

    /// <summary>How long after a decline the revised draft goes out, and after that the partners decide again, in working days.</summary>
    private const int RevisionDelay = 1, RedecisionDelay = 10;

    /// <summary>How far a deferral moves a partner's decision, in working days.</summary>
    private const int DeferralDelay = 10;

    private readonly RoundProcess process = new(BankHolidays.Embedded);
    private readonly WorkingDayCalendar calendar = BankHolidays.Embedded.CalendarFor(definition.Calendar);
    private readonly Actor coordinator = new(definition.Coordinator.Name, definition.Coordinator.Email, ActorRole.Coordinator);
    private readonly PriorityQueue<Func<Task>, (DateTimeOffset At, int Order)> agenda = new();
    private readonly HashSet<string> decided = [];
    private RoundState? state;
    private DateTimeOffset now;
    private int emails;
    private int webhooks;
    private int sequence;
    private int scheduled;

    /// <summary>What a partner does when its turn on the agenda comes.</summary>
    private enum Turn
    {
        Approve,
        Decline,
        ApproveWithConditions,
        Defer,
    }

    public async Task RunAsync()
    {
        var launch = ReplayLaunch.For(definition, BankHolidays.Embedded);
        now = LondonTime.At(launch, new TimeOnly(10, 0));
        var draft = new DocumentRef(Hash(definition.Agreement.Title), "draft.pdf", 1, "application/pdf");
        await ApplyAsync(new StartRound("demo-start", "demo", definition, draft, coordinator));

        var plannedDecisions = state!.Partners.Select((p, i) =>
        {
            var on = p.MeetingOn ?? calendar.AddClearWorkingDays(launch, 3 + (i % 10));
            return (p.PartnerId, At: LondonTime.At(on, new TimeOnly(16, 0)));
        }).OrderBy(d => d.At).ToList();
        Turn[] story = [Turn.Decline, Turn.ApproveWithConditions, Turn.Defer];
        foreach (var (position, (partnerId, at)) in plannedDecisions.Index())
        {
            var turn = position < story.Length ? story[position] : Turn.Approve;
            Schedule(at, () => DecideAsync(partnerId, turn));
        }

        while (agenda.TryDequeue(out var act, out var slot))
        {
            await AdvanceAsync(slot.At);
            await SignAsync(p => p.AuthorisedOn <= LondonTime.DateOf(now).AddDays(-3));
            await act();
        }

        var guard = 0;
        while (state!.Status == RoundStatus.Circulating && guard++ < 400)
        {
            await SignAsync(_ => true);

            if (state.Status == RoundStatus.Circulating)
            {
                await AdvanceAsync(now.AddDays(1));
            }
        }

        await output.WriteLineAsync();
        var when = state.EffectiveOn is { } on ? $" on {UkDates.Long(on)}" : "";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{definition.Agreement.Title}: {Words.Name(state.Status)}{when} after {state.EventCount} events; {emails} emails and {webhooks} webhook events would have been sent."));
        foreach (var waiting in state.RemainingPartners.Where(p => state.Status != RoundStatus.Effective && p.Status != PartnerStatus.Signed))
        {
            await output.WriteLineAsync($"  still waiting for {waiting.Name}: {Words.For(waiting.Status)}");
        }
    }

    /// <summary>Puts an action on the agenda at <paramref name="at"/>, after anything already there for the same moment.</summary>
    private void Schedule(DateTimeOffset at, Func<Task> act) => agenda.Enqueue(act, (at, scheduled++));

    /// <summary>Working days after today, at a time of day: when a person would next act.</summary>
    private DateTimeOffset WorkingDaysLater(int days, TimeOnly at) =>
        LondonTime.At(calendar.AddClearWorkingDays(LondonTime.DateOf(now), days), at);

    private async Task DecideAsync(string partnerId, Turn turn)
    {
        var p = state!.FindPartner(partnerId)!;
        if (!p.AwaitsDecision)
        {
            return;
        }

        decided.Add(partnerId);
        var today = LondonTime.DateOf(now);
        var officer = new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer);
        RecordDecision Decision(DecisionOutcome outcome) => new(Id(), partnerId, state!.CurrentVersion.Number, outcome, null,
            today, $"Minute {sequence}", null, null, null, officer);
        switch (turn)
        {
            case Turn.Decline:
                await ApplyAsync(Decision(DecisionOutcome.Declined) with { Reason = DeclineReason });
                Schedule(WorkingDaysLater(RevisionDelay, new TimeOnly(10, 0)), ReviseAsync);
                break;
            case Turn.ApproveWithConditions:
                await ApplyAsync(Decision(DecisionOutcome.ApprovedWithConditions) with { Conditions = Conditions });
                Schedule(WorkingDaysLater(1, new TimeOnly(10, 0)),
                    () => ApplyAsync(new AcceptConditions(Id(), partnerId, "Agreed with the leads", coordinator)));
                break;
            case Turn.Defer:
                var deferredTo = WorkingDaysLater(DeferralDelay, new TimeOnly(16, 0));
                await ApplyAsync(Decision(DecisionOutcome.Deferred) with { Reason = DeferralReason, DeferredTo = LondonTime.DateOf(deferredTo) });
                Schedule(deferredTo, () => DecideAsync(partnerId, Turn.Approve));
                break;
            default:
                await ApplyAsync(Decision(DecisionOutcome.Approved));
                break;
        }
    }

    /// <summary>The coordinator answers the decline with a materially revised draft: every partner that had decided decides again.</summary>
    private async Task ReviseAsync()
    {
        var revised = new DocumentRef(Hash(definition.Agreement.Title + RevisionNote), "draft-v2.pdf", 1, "application/pdf");
        await ApplyAsync(new ReviseDraft(Id(), revised, RevisionKind.Material, RevisionNote, coordinator));
        foreach (var partnerId in decided.Order(StringComparer.Ordinal).ToList())
        {
            Schedule(WorkingDaysLater(RedecisionDelay, new TimeOnly(16, 0)), () => DecideAsync(partnerId, Turn.Approve));
        }
    }

    /// <summary>
    /// Counterparts arrive from authorised partners that are <paramref name="ready"/>; any held for
    /// review (a round whose definition asks for unverified signatures to be reviewed) the
    /// coordinator accepts the day after they arrived.
    /// </summary>
    private async Task SignAsync(Func<PartnerState, bool> ready)
    {
        var today = LondonTime.DateOf(now);
        foreach (var p in state!.Partners.Where(p => p.Status == PartnerStatus.CounterpartInReview && p.Counterpart!.ReceivedOn < today).ToList())
        {
            await ApplyAsync(new AcceptCounterpart(Id(), p.PartnerId, "Signature checked against the authorised signatory list", coordinator));
        }

        foreach (var p in state!.Partners.Where(p => p.Status == PartnerStatus.Authorised && ready(p)).ToList())
        {
            await ApplyAsync(new ReceiveCounterpart(Id(), p.PartnerId, state.CurrentVersion.Number,
                new DocumentRef(Hash(p.Name), "counterpart.pdf", 1, "application/pdf"), "Authorised Signatory", "Chief Executive",
                LondonTime.DateOf(now), new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer)));
        }
    }

    private async Task AdvanceAsync(DateTimeOffset until)
    {
        while (state!.Timers.Where(t => t.DueAt <= until).OrderBy(t => t.DueAt).FirstOrDefault() is { } timer)
        {
            now = timer.DueAt > now ? timer.DueAt : now;
            await ApplyAsync(FireTimer.For(timer.TimerId));
        }

        now = until > now ? until : now;
    }

    private async Task ApplyAsync(RoundTrigger trigger)
    {
        var decision = process.Decide(state, trigger, now);
        if (decision is not RoundDecision.Accepted accepted)
        {
            await output.WriteLineAsync($"  refused {trigger.GetType().Name}: {decision}");
            return;
        }

        state = accepted.State;
        emails += accepted.Effects.OfType<SendNotification>().Sum(e => e.Notification.To.Count);
        webhooks += accepted.Effects.OfType<PublishWebhook>().Count();
        foreach (var line in accepted.Events.Select(Describe).OfType<string>())
        {
            await output.WriteLineAsync($"{LondonTime.DateOf(now).ToString("ddd dd MMM yyyy", UkDates.Culture)}  {line}");
        }
    }

    private string? Describe(RoundEvent e)
    {
        string Name(string id) => state!.FindPartner(id)?.Name ?? id;
        return e switch
        {
            RoundStarted s => $"Round started: {s.Agreement.Title}, deadline {UkDates.Short(s.Deadline)}",
            PartnerInvited p => $"  invited {p.Name} ({p.Route.Name}, due {p.DueOn.ToString("d MMM", UkDates.Culture)})",
            ReminderSent r => $"  reminder to {Name(r.PartnerId)}{(r.Overdue ? " (overdue)" : "")}",
            PartnerEscalated x => $"  {Name(x.PartnerId)} is overdue: chairs told",
            DecisionRecorded d => $"{Name(d.PartnerId)}: {Words.For(d.Decision.Outcome)} by {d.Decision.Body}{Detail(d.Decision)}",
            ConditionsAccepted c => $"  the coordinator accepted {Name(c.PartnerId)}'s conditions",
            DraftRevised r => $"Draft revised: version {r.Version} ({(r.Kind == RevisionKind.Material ? "material: every partner decides again" : "minor")}): {r.Note}",
            CallInStarted c => $"  call-in until {c.EndsOn.ToString("d MMM", UkDates.Culture)}",
            PartnerAuthorised a => $"  {Name(a.PartnerId)} authorised: counterpart requested",
            CounterpartReceived c => $"  counterpart from {Name(c.PartnerId)} ({c.Counterpart.SignatoryName}, {c.Counterpart.SignatoryPosition})",
            CounterpartHeldForReview h => $"  counterpart from {Name(h.PartnerId)} held for the coordinator's review",
            CounterpartAccepted a => $"  the coordinator accepted {Name(a.PartnerId)}'s counterpart",
            CounterpartChased c => $"  counterpart chased: {Name(c.PartnerId)}",
            DigestSent => "  digest sent to chairs",
            RoundBecameEffective f => $"AGREEMENT EFFECTIVE on {UkDates.Long(f.EffectiveOn)}",
            RoundStalled s => $"Round stalled: {s.Reason}",
            RoundResumed => "Round resumed",
            _ => null,
        };
    }

    /// <summary>What a decision said beyond its outcome: the conditions, the reason, the next meeting.</summary>
    private static string Detail(RecordedDecision d) => d switch
    {
        { Conditions: { } conditions } => $" (conditions: {conditions})",
        { DeferredTo: { } next, Reason: var reason } => $" to {next.ToString("d MMM", UkDates.Culture)} ({reason})",
        { Reason: { } reason } => $" ({reason})",
        _ => "",
    };

    private string Id() => $"demo-{++sequence}";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
