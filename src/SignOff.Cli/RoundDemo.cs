using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Cli;

/// <summary>
/// Plays a round through the engine on a simulated clock and narrates it: every partner decides
/// at its meeting (or a few working days in), call-ins run, counterparts arrive, reminders and
/// digests fire. A way to see the engine's behaviour before the host exists.
/// </summary>
public sealed class RoundDemo(RoundDefinition definition, TextWriter output)
{
    private readonly RoundProcess process = new(BankHolidays.Embedded);
    private readonly Actor coordinator = new(definition.Coordinator.Name, definition.Coordinator.Email, ActorRole.Coordinator);
    private RoundState? state;
    private DateTimeOffset now;
    private int emails;
    private int webhooks;
    private int sequence;

    public async Task RunAsync()
    {
        var calendar = BankHolidays.Embedded.CalendarFor(definition.Calendar);
        var launch = ReplayLaunch.For(definition, BankHolidays.Embedded);
        now = LondonTime.At(launch, new TimeOnly(10, 0));
        var draft = new DocumentRef(Hash(definition.Agreement.Title), "draft.pdf", 1, "application/pdf");
        await ApplyAsync(new StartRound("demo-start", "demo", definition, draft, coordinator));

        var plannedDecisions = state!.Partners.Select((p, i) =>
        {
            var on = p.MeetingOn ?? calendar.AddClearWorkingDays(launch, 3 + (i % 10));
            return (p.PartnerId, At: LondonTime.At(on, new TimeOnly(16, 0)));
        }).OrderBy(d => d.At).ToList();

        foreach (var (partnerId, at) in plannedDecisions)
        {
            await AdvanceAsync(at);
            await SignAsync(p => p.AuthorisedOn <= LondonTime.DateOf(now).AddDays(-3));
            var p = state!.FindPartner(partnerId)!;
            await ApplyAsync(new RecordDecision(Id(), partnerId, state.CurrentVersion.Number, DecisionOutcome.Approved, null,
                LondonTime.DateOf(now), $"Minute {sequence}", null, null, null, new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer)));
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
    }

    private async Task SignAsync(Func<PartnerState, bool> ready)
    {
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
            DecisionRecorded d => $"{Name(d.PartnerId)}: {Words.For(d.Decision.Outcome)} by {d.Decision.Body}",
            CallInStarted c => $"  call-in until {c.EndsOn.ToString("d MMM", UkDates.Culture)}",
            PartnerAuthorised a => $"  {Name(a.PartnerId)} authorised: counterpart requested",
            CounterpartReceived c => $"  counterpart from {Name(c.PartnerId)} ({c.Counterpart.SignatoryName}, {c.Counterpart.SignatoryPosition})",
            CounterpartChased c => $"  counterpart chased: {Name(c.PartnerId)}",
            DigestSent => "  digest sent to chairs",
            RoundBecameEffective f => $"AGREEMENT EFFECTIVE on {UkDates.Long(f.EffectiveOn)}",
            RoundStalled s => $"Round stalled: {s.Reason}",
            _ => null,
        };
    }

    private string Id() => $"demo-{++sequence}";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
