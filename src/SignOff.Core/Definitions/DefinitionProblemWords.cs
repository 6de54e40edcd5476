using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SignOff.Core.Definitions;

/// <summary>
/// Puts a definition problem in people's words: "Partner 2: the officer's email is missing",
/// not <c>partners[1].officer.email: is required</c>.
/// </summary>
/// <remarks>
/// A coordinator filling in the round builder never sees YAML, so a field path means nothing to
/// them; and one who uploads a file reads "Partner 2 (Chelmsford City Council)" faster than an
/// index counted from nought. Both the form and the upload page word problems here, so a mistake
/// reads the same whichever way the round was made. The wording follows the problem's
/// <see cref="ProblemKind"/>, never its message text; a problem of no particular kind keeps the
/// parser's message after the words for where it is.
/// </remarks>
public static partial class DefinitionProblemWords
{
    private static readonly Dictionary<string, string> Things = new(StringComparer.Ordinal)
    {
        ["(definition)"] = "the definition",
        ["agreement"] = "the agreement",
        ["agreement.title"] = "the agreement's title",
        ["agreement.reference"] = "the agreement's reference",
        ["round"] = "the round",
        ["round.deadline"] = "the deadline",
        ["round.calendar"] = "the calendar",
        ["round.reminders"] = "the reminders",
        ["round.reminders.before"] = "the reminders before the due date",
        ["round.reminders.overdueEvery"] = "how often to remind when overdue",
        ["round.digest"] = "the chairs' digest",
        ["round.digest.schedule"] = "how often the chairs get a digest",
        ["round.digest.day"] = "the digest's day",
        ["round.counterparts"] = "counterpart review",
        ["round.counterparts.review"] = "counterpart review",
        ["round.chairs"] = "the chairs",
        ["coordinator"] = "the coordinator",
        ["coordinator.name"] = "the coordinator's name",
        ["coordinator.email"] = "the coordinator's email",
        ["partners"] = "the partners",
        ["roster"] = "the roster",
    };

    private static readonly Dictionary<string, string> PartnerThings = new(StringComparer.Ordinal)
    {
        ["name"] = "the organisation's name",
        ["organisation"] = "the organisation's name",
        ["officer"] = "the officer",
        ["officer.name"] = "the officer's name",
        ["officer name"] = "the officer's name",
        ["officer.email"] = "the officer's email",
        ["officer email"] = "the officer's email",
        ["governance"] = "the governance",
        ["governance.route"] = "the governance route",
        ["governance route"] = "the governance route",
        ["governance.meeting"] = "the meeting date",
        ["meeting date"] = "the meeting date",
        ["governance.calendar"] = "the published meeting calendar",
        ["governance.body"] = "the body in that calendar",
        ["dueBy"] = "the due date",
        ["due by"] = "the due date",
    };

    private static readonly Dictionary<string, string> ChairThings = new(StringComparer.Ordinal)
    {
        ["name"] = "the name",
        ["email"] = "the email",
    };

    /// <summary>The problem in people's words.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="definitionText">The definition it was found in, when the person wrote it themselves: partners are then
    /// named as well as numbered, and a date's format is spelled out. Null for the round builder's form, whose rows are numbered on the page.</param>
    /// <returns>e.g. "Partner 2: the officer's email is missing", "Enter the deadline",
    /// "Partner 2 (Chelmsford City Council), the governance route: unknown governance route 'cabinet-membr'; known routes are: …".</returns>
    public static string Describe(DefinitionProblem problem, string? definitionText = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var (owner, thing) = Subject(problem.Field, definitionText);
        var value = problem.Value;
        return problem.Kind switch
        {
            ProblemKind.Missing when problem.Field == "partners" => "Add at least one partner",
            ProblemKind.Missing when thing == "the governance route" => Say(owner, null, "choose a governance route"),
            ProblemKind.Missing when owner is null => Capital($"enter {thing}"),
            ProblemKind.Missing => Say(owner, null, $"{thing} is missing"),
            ProblemKind.NotADate => Say(owner, null, $"{thing} must be a real date"
                + (definitionText is not null && value is not null ? $", written as YYYY-MM-DD (not '{value}')" : "")),
            ProblemKind.NotAnEmail => Say(owner, owner is null ? thing : null, $"'{value}' is not an email address"),
            _ => Say(owner, thing, problem.Message),
        };
    }

    /// <summary>"Partner 2: …", "Partner 2, the due date: …", "The deadline: …", or the words alone.</summary>
    private static string Say(string? owner, string? thing, string words) =>
        (owner, thing) switch
        {
            ({ } o, { } t) => $"{o}, {t}: {words}",
            ({ } o, null) => $"{o}: {words}",
            (null, { } t) => Capital($"{t}: {words}"),
            _ => Capital(words),
        };

    /// <summary>Who the field belongs to (a partner, a chair, a roster line) and what it is, in words.</summary>
    private static (string? Owner, string? Thing) Subject(string field, string? definitionText)
    {
        if (PartnerPath().Match(field) is { Success: true } partner)
        {
            var index = int.Parse(partner.Groups[1].Value, CultureInfo.InvariantCulture);
            var name = definitionText is null ? null : PartnerName(definitionText, index);
            var owner = string.Create(CultureInfo.InvariantCulture, $"Partner {index + 1}") + (name is null ? "" : $" ({name})");
            return (owner, Part(partner.Groups[2], PartnerThings));
        }

        if (ChairPath().Match(field) is { Success: true } chair)
        {
            return (string.Create(CultureInfo.InvariantCulture, $"Chair {int.Parse(chair.Groups[1].Value, CultureInfo.InvariantCulture) + 1}"), Part(chair.Groups[2], ChairThings));
        }

        if (RosterPath().Match(field) is { Success: true } roster)
        {
            return ($"Roster line {roster.Groups[1].Value}", Part(roster.Groups[2], PartnerThings));
        }

        if (ReminderPath().IsMatch(field))
        {
            return (null, Things["round.reminders.before"]);
        }

        return (null, Things.TryGetValue(field, out var thing) ? thing : $"'{field}'");
    }

    private static string? Part(Group group, Dictionary<string, string> things) =>
        !group.Success ? null : things.TryGetValue(group.Value, out var thing) ? thing : $"'{group.Value}'";

    /// <summary>The name the definition gives the partner at <paramref name="index"/>, if it can be read.</summary>
    private static string? PartnerName(string definitionText, int index) =>
        YamlText.TryLoad(definitionText, out var root, out _)
        && root is YamlMappingNode map
        && map.Children.TryGetValue(new YamlScalarNode("partners"), out var partners)
        && partners is YamlSequenceNode list
        && index < list.Children.Count
        && list.Children[index] is YamlMappingNode partner
        && partner.Children.TryGetValue(new YamlScalarNode("name"), out var name)
        && name is YamlScalarNode { Value: { Length: > 0 } text }
            ? text.Trim()
            : null;

    private static string Capital(string words) => words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];

    [GeneratedRegex(@"^partners\[(\d+)\](?:\.(.+))?$")]
    private static partial Regex PartnerPath();

    [GeneratedRegex(@"^round\.chairs\[(\d+)\](?:\.(.+))?$")]
    private static partial Regex ChairPath();

    [GeneratedRegex(@"^roster line (\d+)(?:: (.+))?$")]
    private static partial Regex RosterPath();

    [GeneratedRegex(@"^round\.reminders\.before\[\d+\]$")]
    private static partial Regex ReminderPath();
}
