using System.Security.Cryptography;
using System.Text;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Integration.Tests.Support;

/// <summary>Plays a small round through the pure engine to a chosen point, for tests of what is rendered from state.</summary>
public static class PlayedRound
{
    public static GovernanceRouteCatalog Routes { get; } = GovernanceRouteCatalog.Parse(
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "workflows", "governance"), "*.yaml")
            .Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllText(f))));

    public static string Definition(string secondPartner = "Chelmsford City Council") => $$"""
        agreement: { title: Test Alliance MoU, reference: TEST-MOU }
        round:
          deadline: 2021-07-30
          chairs: [ { name: Chair, email: chair@alliance.example } ]
        coordinator: { name: Programme Office, email: office@alliance.example }
        partners:
          - { name: Maldon District Council, officer: { name: Jo Bloggs, email: jo@maldon.example }, governance: { route: full-council, meeting: 2021-06-10 } }
          - { name: "{{secondPartner.Replace("\"", "\\\"", StringComparison.Ordinal)}}", officer: { name: Sam Smith, email: sam@chelmsford.example }, governance: { route: cabinet } }
        """;

    /// <summary>A round launched on 1 June 2021 where both partners approve, call-in runs, both sign: effective.</summary>
    public static RoundState Effective(string secondPartner = "Chelmsford City Council")
    {
        var process = new RoundProcess(BankHolidays.Embedded);
        var parsed = RoundDefinitionParser.Parse(Definition(secondPartner), new DateOnly(2021, 6, 1), Routes);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Problems.Select(p => p.Message)));
        var now = new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var coordinator = new Actor("Programme Office", "office@alliance.example", ActorRole.Coordinator);
        var draft = new DocumentRef(new string('d', 64), "draft.pdf", 1234, "application/pdf");
        var state = Apply(process, null, new StartRound("start", "test-mou-abc123", parsed.Definition!, draft, coordinator), now);
        var n = 0;
        foreach (var p in state.Partners)
        {
            var officer = new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer);
            state = Apply(process, state, new RecordDecision($"decide-{n++}", p.PartnerId, 1, DecisionOutcome.Approved, null,
                new DateOnly(2021, 6, 10), $"Minute {n}/21", null, null, null, officer), now = new DateTimeOffset(2021, 6, 10, 17, 0, 0, TimeSpan.Zero));
        }

        for (var guard = 0; state.Status == RoundStatus.Circulating && guard < 200; guard++)
        {
            foreach (var p in state.Partners.Where(p => p.Status == PartnerStatus.Authorised).ToList())
            {
                // Each partner's own file (one file cannot be two partners' counterparts), digitally signed.
                var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(p.PartnerId)));
                state = Apply(process, state, new ReceiveCounterpart($"sign-{p.PartnerId}", p.PartnerId, 1,
                    new DocumentRef(sha256, $"{p.PartnerId}.pdf", 999, "application/pdf"),
                    "Alex Signatory", "Chief Executive", LondonTime.DateOf(now), new Actor(p.Officer.Name, p.Officer.Email, ActorRole.Officer),
                    new SignatureCheck(SignatureKind.DigitallySigned, "CN=Alex Signatory", "Digitally signed by CN=Alex Signatory: the signed bytes are intact and the signature verifies.")), now);
            }

            if (state.Status != RoundStatus.Circulating)
            {
                break;
            }

            var timer = state.Timers.MinBy(t => t.DueAt) ?? throw new InvalidOperationException("The round is stuck.");
            now = timer.DueAt > now ? timer.DueAt : now;
            state = Apply(process, state, FireTimer.For(timer.TimerId), now);
        }

        Assert.Equal(RoundStatus.Effective, state.Status);
        return state;
    }

    private static RoundState Apply(RoundProcess process, RoundState? state, RoundTrigger trigger, DateTimeOffset now) =>
        process.Decide(state, trigger, now) is RoundDecision.Accepted a ? a.State : throw new InvalidOperationException($"{trigger.GetType().Name} was not accepted: {process.Decide(state, trigger, now)}");
}
