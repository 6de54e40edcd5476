using SignOff.Core.Definitions;

namespace SignOff.Testing;

/// <summary>Builds round definitions for tests, with sensible defaults.</summary>
public sealed class RoundDefinitionBuilder
{
    private readonly List<PartnerDefinition> partners = [];
    private string title = "Test Alliance Memorandum of Understanding";
    private DateOnly deadline = new(2021, 7, 31);
    private ReminderPolicy reminders = ReminderPolicy.Default;
    private DigestSchedule digest = DigestSchedule.Default;
    private List<Person> chairs = [new("Alliance Chair", "chair@alliance.example")];
    private string calendar = "england-and-wales";

    public RoundDefinitionBuilder Titled(string value)
    {
        title = value;
        return this;
    }

    public RoundDefinitionBuilder Deadline(DateOnly value)
    {
        deadline = value;
        return this;
    }

    public RoundDefinitionBuilder Reminders(ReminderPolicy value)
    {
        reminders = value;
        return this;
    }

    public RoundDefinitionBuilder Digest(DigestSchedule value)
    {
        digest = value;
        return this;
    }

    public RoundDefinitionBuilder NoChairs()
    {
        chairs = [];
        return this;
    }

    public RoundDefinitionBuilder Calendar(string value)
    {
        calendar = value;
        return this;
    }

    public RoundDefinitionBuilder Partner(string name, GovernanceRoute? route = null, DateOnly? meeting = null, DateOnly? dueBy = null, string? email = null,
        MeetingCalendar? calendar = null, string? partyId = null)
    {
        var slug = SignOff.Core.Rounds.PartnerIds.Slug(name);
        partners.Add(new PartnerDefinition(
            name,
            new Person($"Officer of {name}", email ?? $"officer@{slug}.example"),
            new PartnerGovernance(route ?? Routes.FullCouncil, meeting, calendar),
            dueBy,
            partyId));
        return this;
    }

    public RoundDefinitionBuilder Partners(int count, GovernanceRoute? route = null)
    {
        for (var i = 1; i <= count; i++)
        {
            Partner($"Partner {i:D2}", route);
        }

        return this;
    }

    public RoundDefinition Build() => new(
        new AgreementInfo(title, "TEST-1"),
        deadline,
        calendar,
        reminders,
        digest,
        chairs,
        new Person("Programme Office", "office@alliance.example"),
        partners);
}
