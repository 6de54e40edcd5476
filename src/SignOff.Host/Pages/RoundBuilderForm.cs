using System.Globalization;
using System.Text.RegularExpressions;
using SignOff.Core.Definitions;
using SignOff.Host.Commands;
using SignOff.Host.Pages.Shared;

namespace SignOff.Host.Pages;

/// <summary>
/// The round builder's form: what the coordinator typed, read from the post and shown again, and the
/// link between the definition's field paths and the form's fields.
/// </summary>
/// <remarks>
/// Every input is named by its definition path with the punctuation turned into hyphens
/// (<c>partners[1].officer.email</c> is the field <c>partners-1-officer-email</c>), so a problem the
/// parser finds anywhere in the written definition lands beside the input it came from, and the
/// error summary can link to it. Rows are read back from the field names posted, so a page works
/// without JavaScript: "Add another partner" simply posts the form and comes back with one more row.
/// </remarks>
/// <param name="Entries">The values typed, rows included.</param>
/// <param name="RemindBefore">The reminders before the due date as typed, e.g. "10, 5, 2".</param>
public sealed partial record RoundBuilderForm(DefinitionEntries Entries, string RemindBefore)
{
    /// <summary>Reminders before the due date, as the form first shows them.</summary>
    public static string DefaultRemindBefore { get; } = string.Join(", ", ReminderPolicy.Default.Before);

    /// <summary>A new form: the defaults filled in, one chair row and two partner rows.</summary>
    public static RoundBuilderForm Blank { get; } = new(
        new DefinitionEntries("", "", "", "england-and-wales", [.. ReminderPolicy.Default.Before.Select(d => d.ToString(CultureInfo.InvariantCulture))], ReminderPolicy.Default.OverdueEvery.ToString(CultureInfo.InvariantCulture),
            "weekly", "monday", "none", [PersonEntry.Blank], PersonEntry.Blank, [PartnerEntry.Blank, PartnerEntry.Blank]),
        DefaultRemindBefore);

    /// <summary>The form as posted.</summary>
    public static RoundBuilderForm Read(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        string Text(string field) => form[field].ToString().Trim();

        // A date's three boxes, as the definition writes dates (YYYY-MM-DD) when they make a real
        // date; otherwise as typed, for the parser to refuse at the field in its own words.
        string Date(string field) => Forms.DateText(form, field).Trim() is var typed
            && InputReaders.Date(typed, field, field, required: false) is { IsValid: true, Value: { } date }
                ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : typed;
        var partners = Rows(form, "partners").Select(i => new PartnerEntry(
            Text($"partners-{i}-name"),
            new PersonEntry(Text($"partners-{i}-officer-name"), Text($"partners-{i}-officer-email")),
            Text($"partners-{i}-governance-route"),
            Date($"partners-{i}-governance-meeting"),
            Date($"partners-{i}-dueBy"),
            Text($"partners-{i}-governance-calendar"),
            Text($"partners-{i}-governance-body"))).ToList();
        var chairs = Rows(form, "round-chairs").Select(i => new PersonEntry(Text($"round-chairs-{i}-name"), Text($"round-chairs-{i}-email"))).ToList();
        var remind = Text("round-reminders-before");
        return new RoundBuilderForm(
            new DefinitionEntries(
                Text("agreement-title"), Text("agreement-reference"), Date("round-deadline"), Text("round-calendar"), Numbers(remind),
                Text("round-reminders-overdueEvery"), Text("round-digest-schedule"), Text("round-digest-day"), Text("round-counterparts-review"),
                chairs, new PersonEntry(Text("coordinator-name"), Text("coordinator-email")), partners,
                Review: Text("agreement-review"), ReviewFrom: Date("agreement-review-from"), ReviewOn: Text("agreement-review-on"), Notice: Text("agreement-notice")),
            remind);
    }

    /// <summary>A definition read back (from the preview, to change it): its values in the form.</summary>
    public static RoundBuilderForm Of(RoundDefinition definition)
    {
        var entries = DefinitionEntries.Of(definition);
        return new RoundBuilderForm(
            entries with
            {
                CounterpartReview = definition.CounterpartReview == CounterpartReview.None ? "none" : entries.CounterpartReview,
                Chairs = entries.Chairs.Count == 0 ? [PersonEntry.Blank] : entries.Chairs,
            },
            string.Join(", ", entries.RemindBefore));
    }

    /// <summary>The form with one more empty partner row.</summary>
    public RoundBuilderForm WithPartner() => this with { Entries = Entries with { Partners = [.. Entries.Partners, PartnerEntry.Blank] } };

    /// <summary>The form with one more empty chair row.</summary>
    public RoundBuilderForm WithChair() => this with { Entries = Entries with { Chairs = [.. Entries.Chairs, PersonEntry.Blank] } };

    /// <summary>The form without partner row <paramref name="index"/>; one empty row stays when it was the last.</summary>
    public RoundBuilderForm WithoutPartner(int index) =>
        this with { Entries = Entries with { Partners = AtLeastOne(Entries.Partners.Where((_, i) => i != index), PartnerEntry.Blank) } };

    /// <summary>The form without chair row <paramref name="index"/>; one empty row stays when it was the last.</summary>
    public RoundBuilderForm WithoutChair(int index) =>
        this with { Entries = Entries with { Chairs = AtLeastOne(Entries.Chairs.Where((_, i) => i != index), PersonEntry.Blank) } };

    /// <summary>The form with <paramref name="imported"/> partners after the rows already filled in (empty rows give way to them).</summary>
    public RoundBuilderForm WithImported(IEnumerable<PartnerDefinition> imported) =>
        this with
        {
            Entries = Entries with
            {
                Partners = [.. Entries.Partners.Where(p => !p.IsBlank), .. imported.Select(p => new PartnerEntry(p.Name, new PersonEntry(p.Officer.Name, p.Officer.Email),
                    p.Governance.Route.Id, p.Governance.Meeting is { } meeting ? Iso(meeting) : "", p.DueBy is { } due ? Iso(due) : ""))],
            },
        };

    /// <summary>
    /// The form as it is checked: empty rows left out, as the definition leaves them out, so that
    /// "Partner 2" in a problem is the second row on the page that comes back.
    /// </summary>
    public RoundBuilderForm Compacted() =>
        this with
        {
            Entries = Entries with
            {
                Partners = AtLeastOne(Entries.Partners.Where(p => !p.IsBlank), PartnerEntry.Blank),
                Chairs = AtLeastOne(Entries.Chairs.Where(c => !c.IsBlank), PersonEntry.Blank),
            },
        };

    /// <summary>The definition the form describes, as YAML: what "Check the round" parses and "Download as YAML" returns.</summary>
    public string DefinitionText => RoundDefinitionWriter.Write(Entries);

    /// <summary>The downloaded file's name, from the agreement's reference.</summary>
    public string FileName =>
        SafeName().Replace(Entries.Reference, "-").Trim('-', '.') is { Length: > 0 } name ? name + ".yaml" : "round.yaml";

    /// <summary>Every field on the page, in the order the page shows them: the error summary lists problems in this order.</summary>
    public IReadOnlyList<string> FieldIds =>
    [
        "agreement-title", "agreement-reference", "round-deadline", "round-calendar", "agreement-review", "agreement-review-from", "agreement-notice",
        "coordinator-name", "coordinator-email",
        .. Entries.Chairs.SelectMany((_, i) => new[] { $"round-chairs-{i}-name", $"round-chairs-{i}-email" }),
        .. Entries.Partners.SelectMany((_, i) => new[]
        {
            $"partners-{i}-name", $"partners-{i}-officer-name", $"partners-{i}-officer-email", $"partners-{i}-governance-route", $"partners-{i}-governance-meeting", $"partners-{i}-dueBy",
            $"partners-{i}-governance-calendar", $"partners-{i}-governance-body",
        }),
        "round-reminders-before", "round-reminders-overdueEvery", "round-digest-schedule", "round-digest-day", "round-counterparts-review",
        "draft", "roster",
    ];

    /// <summary>What the form itself can see is wrong before the definition is parsed: reminders that are not whole numbers.</summary>
    public IReadOnlyList<FieldError> OwnErrors()
    {
        var errors = new List<FieldError>();
        if (Entries.RemindBefore.Any(d => PositiveNumber(d) is null))
        {
            errors.Add(new("round-reminders-before", "Enter the reminders as whole numbers of working days before the due date, separated by commas, like 10, 5, 2"));
        }

        if (Entries.OverdueEvery.Length > 0 && PositiveNumber(Entries.OverdueEvery) is null)
        {
            errors.Add(new("round-reminders-overdueEvery", "Enter how often to remind when overdue as a whole number of working days, like 5"));
        }

        return errors;
    }

    /// <summary>
    /// Every problem with the form, in people's words beside its field and in page order: the form's
    /// own, then the parser's (errors only; the preview shows what is merely worth a look).
    /// </summary>
    public FormErrors Errors(IEnumerable<DefinitionProblem> problems, IEnumerable<FieldError> others)
    {
        var own = OwnErrors();
        var fields = FieldIds;
        var parsed = problems.Where(p => p.Severity == ProblemSeverity.Error)
            .Select(p => new FieldError(FieldOf(p.Field, fields), DefinitionProblemWords.Describe(p)))
            .Where(e => e.Field is null || own.All(o => o.Field != e.Field));
        return new FormErrors([.. own.Concat(parsed).Concat(others)
            .Select((e, order) => (Error: e, Order: order))
            .OrderBy(e => e.Error.Field is { } field && fields.Contains(field) ? IndexOf(fields, field) : int.MaxValue).ThenBy(e => e.Order)
            .Select(e => e.Error)]);
    }

    /// <summary>The form field a definition path is about, or null when the page has no such field.</summary>
    public static string? FieldOf(string path, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fields);
        if (path.StartsWith("roster", StringComparison.Ordinal))
        {
            return "roster";
        }

        var id = Punctuation().Replace(path, "-").TrimEnd('-');
        id = Whole().IsMatch(id) ? FirstOf(id) : id;
        id = id.StartsWith("round-reminders-before", StringComparison.Ordinal) ? "round-reminders-before" : id;
        id = id.StartsWith("agreement-review-every", StringComparison.Ordinal) || id.StartsWith("agreement-review-on", StringComparison.Ordinal) ? "agreement-review" : id;
        return fields.Contains(id) ? id : null;
    }

    /// <summary>For a problem with a whole part of the definition (an officer, a partner), the first field of that part.</summary>
    private static string FirstOf(string part) => part switch
    {
        "partners" => "partners-0-name",
        "agreement" => "agreement-title",
        "round" => "round-deadline",
        "coordinator" => "coordinator-name",
        "round-reminders" => "round-reminders-before",
        "round-digest" => "round-digest-schedule",
        "round-counterparts" => "round-counterparts-review",
        var p when p.EndsWith("-officer", StringComparison.Ordinal) => p + "-name",
        var p when p.EndsWith("-governance", StringComparison.Ordinal) => p + "-route",
        var p when p.StartsWith("partners-", StringComparison.Ordinal) || p.StartsWith("round-chairs-", StringComparison.Ordinal) => p + "-name",
        var p => p,
    };

    private static int IndexOf(IReadOnlyList<string> fields, string field)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i] == field)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>The row numbers of a table, from the field names posted (a row's fields all start <c>{table}-{n}-</c>).</summary>
    private static IEnumerable<int> Rows(IFormCollection form, string table) =>
        form.Keys.Select(k => RowOf(table).Match(k)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Distinct().Order();

    private static Regex RowOf(string table) => new($"^{Regex.Escape(table)}-([0-9]{{1,3}})-", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static IReadOnlyList<string> Numbers(string text) =>
        [.. text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static int? PositiveNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static List<T> AtLeastOne<T>(IEnumerable<T> rows, T blank) => rows.ToList() is { Count: > 0 } list ? list : [blank];

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"[\[\]\.]+")]
    private static partial Regex Punctuation();

    /// <summary>A path that ends at a whole part rather than a field: <c>partners-1-officer</c>, <c>partners</c>.</summary>
    [GeneratedRegex(@"^(?:(?:partners|round-chairs)-\d+(?:-officer|-governance)?|partners|agreement|round|coordinator|round-reminders|round-digest|round-counterparts)$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"[^A-Za-z0-9_.-]+")]
    private static partial Regex SafeName();
}
